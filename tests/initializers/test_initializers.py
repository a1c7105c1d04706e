"""kerasnet.initializers against Keras 3's documented semantics.

Expected statistics are derived from the formulas in Keras' docstrings
(limits, standard deviations, fan computations), not copied outputs.
"""

import math

import numpy as np
import pytest

import kerasnet
from kerasnet import initializers
from kerasnet.initializers import compute_fans

# name -> (class, scale, mode, distribution) of the VarianceScaling family.
NAMED = {
    "glorot_uniform": (initializers.GlorotUniform, 1.0, "fan_avg", "uniform"),
    "glorot_normal": (
        initializers.GlorotNormal,
        1.0,
        "fan_avg",
        "truncated_normal",
    ),
    "he_uniform": (initializers.HeUniform, 2.0, "fan_in", "uniform"),
    "he_normal": (initializers.HeNormal, 2.0, "fan_in", "truncated_normal"),
    "lecun_uniform": (initializers.LecunUniform, 1.0, "fan_in", "uniform"),
    "lecun_normal": (
        initializers.LecunNormal,
        1.0,
        "fan_in",
        "truncated_normal",
    ),
}


def _n(shape, mode):
    fan_in, fan_out = compute_fans(shape)
    return {
        "fan_in": fan_in,
        "fan_out": fan_out,
        "fan_avg": (fan_in + fan_out) / 2,
    }[mode]


@pytest.mark.parametrize(
    "shape, fans",
    [
        ((), (1, 1)),
        ((7,), (7, 7)),
        ((3, 5), (3, 5)),
        ((3, 4, 8), (3 * 4, 3 * 8)),  # Conv1D kernel: receptive field 3
        ((3, 3, 2, 8), (9 * 2, 9 * 8)),  # Conv2D kernel: receptive field 9
        ((2, 3, 4, 5, 6), (24 * 5, 24 * 6)),  # Conv3D
    ],
)
def test_compute_fans(shape, fans):
    assert compute_fans(shape) == fans


@pytest.mark.parametrize("name", sorted(NAMED))
@pytest.mark.parametrize("shape", [(120, 80), (3, 3, 16, 24)])
def test_variance_scaling_family_statistics(name, shape):
    cls, scale, mode, distribution = NAMED[name]
    values = cls(seed=7)(shape).numpy()
    assert values.shape == shape and values.dtype == np.float32
    variance = scale / max(1.0, _n(shape, mode))
    if distribution == "uniform":
        limit = math.sqrt(3.0 * variance)
        assert np.abs(values).max() <= limit
        assert np.abs(values).max() > 0.95 * limit
    else:
        # stddev before truncation is sqrt(variance) / 0.8796..., cut at 2x.
        assert np.abs(values).max() <= 2 * math.sqrt(variance) / 0.8796 + 1e-6
    assert abs(values.mean()) < 0.05 * math.sqrt(variance) * 10
    np.testing.assert_allclose(values.var(), variance, rtol=0.06)


@pytest.mark.parametrize(
    "distribution",
    ["uniform", "truncated_normal", "untruncated_normal", "normal"],
)
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
def test_variance_scaling_modes(mode, distribution):
    init = initializers.VarianceScaling(
        scale=3.0, mode=mode, distribution=distribution, seed=1
    )
    shape = (60, 240)
    values = init(shape).numpy()
    np.testing.assert_allclose(values.var(), 3.0 / _n(shape, mode), rtol=0.06)
    if distribution == "normal":
        assert init.distribution == "truncated_normal"


def test_variance_scaling_small_fan_uses_one():
    # n < 1 is replaced by 1 (max(1, n)), so scale is the variance.
    values = initializers.VarianceScaling(
        scale=0.5, distribution="untruncated_normal", seed=3
    )((0, 4000))
    assert values.shape == (0, 4000)
    values = initializers.VarianceScaling(
        scale=0.5, distribution="untruncated_normal", seed=3
    )(())
    assert values.shape == ()


def test_random_normal_uniform_truncated():
    n = initializers.RandomNormal(mean=1.0, stddev=2.0, seed=1)((400, 250))
    n = n.numpy()
    assert abs(n.mean() - 1.0) < 0.03 and abs(n.std() - 2.0) < 0.03
    u = initializers.RandomUniform(minval=-3.0, maxval=5.0, seed=1)((100000,))
    u = u.numpy()
    assert u.min() >= -3.0 and u.max() < 5.0
    assert abs(u.mean() - 1.0) < 0.05
    t = initializers.TruncatedNormal(mean=-1.0, stddev=0.5, seed=1)((100000,))
    t = t.numpy()
    assert t.min() >= -2.0 and t.max() <= 0.0
    # Std of a normal truncated at +-2 sigma: 0.8796 sigma.
    assert abs(t.std() - 0.5 * 0.87962566) < 0.01


def test_defaults_match_keras():
    assert initializers.RandomNormal().get_config() == {
        "seed": None,
        "mean": 0.0,
        "stddev": 0.05,
    }
    assert initializers.RandomUniform().get_config() == {
        "seed": None,
        "minval": -0.05,
        "maxval": 0.05,
    }
    assert initializers.TruncatedNormal().get_config() == {
        "seed": None,
        "mean": 0.0,
        "stddev": 0.05,
    }
    assert initializers.VarianceScaling().get_config() == {
        "seed": None,
        "scale": 1.0,
        "mode": "fan_in",
        "distribution": "truncated_normal",
        "input_axes": None,  # Keras 3.12+
        "output_axes": None,
    }
    assert initializers.Orthogonal().get_config() == {"seed": None, "gain": 1.0}
    assert initializers.Constant().get_config() == {"value": 0.0}
    assert initializers.Identity().get_config() == {"gain": 1.0}
    for cls, *_ in NAMED.values():
        assert cls(seed=4).get_config() == {
            "seed": 4,
            "input_axes": None,
            "output_axes": None,
        }


def test_dtypes():
    for init in [
        initializers.GlorotUniform(seed=1),
        initializers.Zeros(),
        initializers.Ones(),
        initializers.RandomNormal(seed=1),
        initializers.Orthogonal(seed=1),
        initializers.Identity(),
    ]:
        assert init((3, 3)).dtype == "float32"
        assert init((3, 3), dtype="float64").dtype == "float64"
    assert initializers.Zeros()((2,), dtype="int32").dtype == "int32"
    with pytest.raises(ValueError, match="float"):
        initializers.GlorotUniform(seed=1)((2, 2), dtype="int32")


def test_int_seed_is_deterministic():
    a = initializers.GlorotNormal(seed=42)
    b = initializers.GlorotNormal(seed=42)
    np.testing.assert_array_equal(a((4, 5)).numpy(), a((4, 5)).numpy())
    np.testing.assert_array_equal(a((4, 5)).numpy(), b((4, 5)).numpy())
    c = initializers.GlorotNormal(seed=43)
    assert not np.array_equal(a((4, 5)).numpy(), c((4, 5)).numpy())


def test_unseeded_same_per_call_and_reproducible_with_global_seed():
    kerasnet.utils.set_random_seed(123)
    a = initializers.HeUniform()
    b = initializers.HeUniform()
    first = a((6, 6)).numpy()
    np.testing.assert_array_equal(first, a((6, 6)).numpy())
    assert not np.array_equal(first, b((6, 6)).numpy())
    kerasnet.utils.set_random_seed(123)
    again = initializers.HeUniform()
    np.testing.assert_array_equal(first, again((6, 6)).numpy())


def test_seed_generator_gives_new_values_each_call():
    init = initializers.RandomUniform(seed=kerasnet.random.SeedGenerator(9))
    assert not np.array_equal(init((8,)).numpy(), init((8,)).numpy())
    init2 = initializers.RandomUniform(seed=kerasnet.random.SeedGenerator(9))
    init3 = initializers.RandomUniform(seed=kerasnet.random.SeedGenerator(9))
    np.testing.assert_array_equal(init2((8,)).numpy(), init3((8,)).numpy())


@pytest.mark.parametrize("seed", ["1", 1.5, True, [1]])
def test_bad_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        initializers.RandomNormal(seed=seed)


@pytest.mark.parametrize(
    "shape", [(5, 3), (3, 5), (4, 4), (2, 3, 6), (2, 2, 3, 2)]
)
def test_orthogonal(shape):
    q = initializers.Orthogonal(gain=1.5, seed=3)(shape).numpy()
    assert q.shape == shape
    m = q.reshape(-1, shape[-1]).astype(np.float64) / 1.5
    rows, cols = m.shape
    gram = m.T @ m if rows >= cols else m @ m.T
    np.testing.assert_allclose(gram, np.eye(min(rows, cols)), atol=1e-5)


def test_orthogonal_rejects_rank_1():
    with pytest.raises(ValueError, match="at least two-dimensional"):
        initializers.Orthogonal()((4,))


def test_constant_zeros_ones_identity():
    np.testing.assert_array_equal(
        initializers.Constant(2.5)((2, 3)).numpy(), np.full((2, 3), 2.5)
    )
    c = initializers.Constant(3)((2,), dtype="int32")
    assert c.dtype == "int32" and c.numpy().tolist() == [3, 3]
    np.testing.assert_array_equal(initializers.Zeros()((2, 2)).numpy(), 0)
    np.testing.assert_array_equal(initializers.Ones()((2, 2)).numpy(), 1)
    np.testing.assert_array_equal(
        initializers.Identity(gain=2.0)((2, 3)).numpy(), 2.0 * np.eye(2, 3)
    )
    with pytest.raises(ValueError, match="2D"):
        initializers.Identity()((2, 2, 2))


@pytest.mark.parametrize("shape", [(-1, 2), "ab", (2.5, None)])
def test_bad_shape(shape):
    with pytest.raises(ValueError, match="shape"):
        initializers.Zeros()(shape)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"scale": 0.0}, "scale"),
        ({"scale": -1.0}, "scale"),
        ({"mode": "fan"}, "mode"),
        ({"distribution": "gaussian"}, "distribution"),
    ],
)
def test_variance_scaling_bad_args(kwargs, match):
    with pytest.raises(ValueError, match=match):
        initializers.VarianceScaling(**kwargs)


@pytest.mark.parametrize(
    "name, cls",
    [
        ("glorot_uniform", initializers.GlorotUniform),
        ("GlorotUniform", initializers.GlorotUniform),
        ("glorot_normal", initializers.GlorotNormal),
        ("he_normal", initializers.HeNormal),
        ("he_uniform", initializers.HeUniform),
        ("lecun_normal", initializers.LecunNormal),
        ("lecun_uniform", initializers.LecunUniform),
        ("zeros", initializers.Zeros),
        ("zero", initializers.Zeros),
        ("ones", initializers.Ones),
        ("one", initializers.Ones),
        ("constant", initializers.Constant),
        ("identity", initializers.Identity),
        ("random_normal", initializers.RandomNormal),
        ("normal", initializers.RandomNormal),
        ("random_uniform", initializers.RandomUniform),
        ("uniform", initializers.RandomUniform),
        ("truncated_normal", initializers.TruncatedNormal),
        ("variance_scaling", initializers.VarianceScaling),
        ("orthogonal", initializers.Orthogonal),
        ("Orthogonal", initializers.Orthogonal),
        ("OrthogonalInitializer", initializers.Orthogonal),
    ],
)
def test_get_by_name(name, cls):
    assert type(initializers.get(name)) is cls


def test_get_other_identifiers():
    assert initializers.get(None) is None
    inst = initializers.Ones()
    assert initializers.get(inst) is inst
    assert isinstance(initializers.get(initializers.Zeros), initializers.Zeros)
    got = initializers.get(
        {
            "class_name": "RandomUniform",
            "config": {"minval": 1.0, "maxval": 2.0},
        }
    )
    assert (got.minval, got.maxval) == (1.0, 2.0)
    with pytest.raises(ValueError, match="no_such_init"):
        initializers.get("no_such_init")
    with pytest.raises(ValueError, match="initializer"):
        initializers.get(3)


ALL_INSTANCES = [
    initializers.Constant(1.5),
    initializers.Zeros(),
    initializers.Ones(),
    initializers.Identity(gain=0.5),
    initializers.RandomNormal(mean=1.0, stddev=0.2, seed=5),
    initializers.RandomUniform(minval=-1.0, maxval=2.0, seed=5),
    initializers.TruncatedNormal(stddev=0.3, seed=5),
    initializers.VarianceScaling(
        scale=2.0, mode="fan_out", distribution="uniform", seed=5
    ),
    initializers.Orthogonal(gain=2.0, seed=5),
] + [cls(seed=5) for cls, *_ in NAMED.values()]


@pytest.mark.parametrize("init", ALL_INSTANCES, ids=lambda i: type(i).__name__)
def test_serialize_round_trip(init):
    config = initializers.serialize(init)
    assert config["module"] == "keras.initializers"
    assert config["class_name"] == type(init).__name__
    assert config["registered_name"] is None
    clone = initializers.deserialize(config)
    assert type(clone) is type(init)
    assert clone.get_config() == init.get_config()
    shape = (3, 4)
    np.testing.assert_array_equal(clone(shape).numpy(), init(shape).numpy())
    # from_config and clone too
    again = type(init).from_config(init.get_config())
    np.testing.assert_array_equal(again(shape).numpy(), init(shape).numpy())


def test_seed_generator_config_round_trip():
    init = initializers.RandomNormal(seed=kerasnet.random.SeedGenerator(11))
    config = initializers.serialize(init)
    assert config["config"]["seed"]["class_name"] == "SeedGenerator"
    clone = initializers.deserialize(config)
    assert isinstance(clone.seed, kerasnet.random.SeedGenerator)
    np.testing.assert_array_equal(
        clone((5,)).numpy(),
        initializers.RandomNormal(seed=kerasnet.random.SeedGenerator(11))(
            (5,)
        ).numpy(),
    )


def test_constant_array_value_round_trip():
    init = initializers.Constant(np.array([1.0, 2.0, 3.0]))
    clone = initializers.deserialize(initializers.serialize(init))
    np.testing.assert_array_equal(clone((2, 3)).numpy(), [[1, 2, 3]] * 2)


def test_variable_accepts_initializer_names():
    v = kerasnet.Variable("glorot_uniform", shape=(4, 6), name="k")
    limit = math.sqrt(6 / 10)
    assert v.shape == (4, 6) and np.abs(v.numpy()).max() <= limit
    v = kerasnet.Variable(initializers.Constant(2.0), shape=(2,))
    np.testing.assert_array_equal(v.numpy(), [2.0, 2.0])


def test_custom_initializer_subclass():
    class Twos(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return kerasnet.ops.full(shape, 2.0, dtype=dtype)

    assert Twos()((2,)).numpy().tolist() == [2.0, 2.0]
    config = initializers.serialize(Twos())
    assert config["class_name"] == "Twos"
    clone = initializers.deserialize(config, custom_objects={"Twos": Twos})
    assert isinstance(clone, Twos)
    with pytest.raises(NotImplementedError):
        initializers.Initializer()((2,))
