"""GroupNormalization, UnitNormalization and RMSNormalization against numpy
(float64 references), the generic layer checks, masks and argument errors.

Covers layers.GroupNormalization, layers.UnitNormalization, layers.RMSNormalization.
"""

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers

RNG = np.random.default_rng(23)


# ---------------------------------------------------------------- references

def group_norm_ref(x, groups, axis=-1, gamma=None, beta=None, eps=1e-3):
    x = x.astype("float64")
    rank = x.ndim
    a = axis % rank
    c = x.shape[a]
    shape = list(x.shape)
    shape[a:a + 1] = [groups, c // groups]
    g = x.reshape(shape)
    axes = tuple(i for i in range(1, rank + 1) if i != a)
    mean = g.mean(axis=axes, keepdims=True)
    var = g.var(axis=axes, keepdims=True)
    y = ((g - mean) / np.sqrt(var + eps)).reshape(x.shape)
    bshape = [1] * rank
    bshape[a] = c
    if gamma is not None:
        y = y * np.asarray(gamma, "float64").reshape(bshape)
    if beta is not None:
        y = y + np.asarray(beta, "float64").reshape(bshape)
    return y


def unit_norm_ref(x, axis=-1):
    x = x.astype("float64")
    norm = np.sqrt((x ** 2).sum(axis=axis, keepdims=True))
    return x / np.maximum(norm, 1e-12)


def rms_norm_ref(x, axis=-1, scale=None, eps=1e-6):
    x = x.astype("float64")
    y = x / np.sqrt((x ** 2).mean(axis=axis, keepdims=True) + eps)
    if scale is not None:
        y = y * scale
    return y


# ---------------------------------------------------------- GroupNormalization

def test_group_normalization_generic():
    run_layer_test(layers.GroupNormalization, {"groups": 2}, input_shape=(3, 4),
                   expected_output_shape=(3, 4),
                   expected_weights=[("gamma", (4,)), ("beta", (4,))], supports_masking=True)
    run_layer_test(layers.GroupNormalization, {"groups": 3, "axis": 1}, input_shape=(2, 6, 5),
                   expected_output_shape=(2, 6, 5),
                   expected_weights=[("gamma", (6,)), ("beta", (6,))])
    run_layer_test(layers.GroupNormalization, {"groups": -1, "center": False},
                   input_shape=(2, 3, 4), expected_output_shape=(2, 3, 4),
                   expected_weights=[("gamma", (4,))])
    run_layer_test(layers.GroupNormalization, {"groups": 1, "center": False, "scale": False},
                   input_shape=(2, 3), expected_output_shape=(2, 3), expected_weights=[])


@pytest.mark.parametrize("shape,groups,axis", [
    ((4, 8), 4, -1),
    ((2, 5, 6), 3, -1),
    ((2, 3, 4, 8), 2, -1),
    ((2, 6, 4, 3), 3, 1),
    ((2, 4, 6, 3), 2, -2),
    ((3, 6), -1, -1),
    ((2, 7, 4), 1, -1),
])
def test_group_normalization_matches_numpy(shape, groups, axis):
    x = (RNG.standard_normal(shape) * 2 + 1).astype("float32")
    layer = layers.GroupNormalization(groups=groups, axis=axis, epsilon=1e-5)
    layer.build(x.shape)
    c = shape[axis]
    gamma = RNG.uniform(0.5, 1.5, c).astype("float32")
    beta = RNG.standard_normal(c).astype("float32")
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    ref = group_norm_ref(x, c if groups == -1 else groups, axis, gamma, beta, 1e-5)
    np.testing.assert_allclose(np.asarray(layer(x)), ref, rtol=1e-4, atol=1e-5)


def test_group_normalization_float64_and_default_weights():
    x = RNG.standard_normal((2, 3, 8))
    layer = layers.GroupNormalization(groups=4, dtype="float64")
    out = layer(x)
    assert out.dtype == "float64"
    np.testing.assert_allclose(np.asarray(out), group_norm_ref(x, 4), rtol=1e-10, atol=1e-12)


def test_group_normalization_one_group_is_layer_normalization_over_all_axes():
    x = RNG.standard_normal((3, 4, 6)).astype("float32")
    gn = layers.GroupNormalization(groups=1)(x)
    ln = layers.LayerNormalization(axis=[1, 2])(x)
    np.testing.assert_allclose(np.asarray(gn), np.asarray(ln), rtol=1e-4, atol=1e-5)


def test_group_normalization_symbolic_unknown_inner_axis():
    inp = kerasnet.Input((None, 6))
    out = layers.GroupNormalization(groups=3)(inp)
    assert tuple(out.shape) == (None, None, 6)
    model = kerasnet.Model(inp, out)
    x = RNG.standard_normal((2, 5, 6)).astype("float32")
    np.testing.assert_allclose(np.asarray(model(x)), group_norm_ref(x, 3), rtol=1e-4, atol=1e-5)


def test_group_normalization_gradient_of_the_input():
    # Per group, d/dx of sum(r * x_hat) is (r - mean(r) - x_hat * mean(r * x_hat)) / sigma.
    x = RNG.standard_normal((2, 3, 4))
    r = RNG.standard_normal((2, 3, 4))
    layer = layers.GroupNormalization(groups=2, dtype="float64")
    xv = kerasnet.Variable(x, dtype="float64")
    with kerasnet.GradientTape() as tape:
        loss = kerasnet.ops.sum(kerasnet.ops.multiply(layer(xv), r))
    grad = np.asarray(tape.gradient(loss, xv))
    g, rg = x.reshape(2, 3, 2, 2), r.reshape(2, 3, 2, 2)
    axes = (1, 3)
    sigma = np.sqrt(g.var(axis=axes, keepdims=True) + 1e-3)
    x_hat = (g - g.mean(axis=axes, keepdims=True)) / sigma
    ref = (rg - rg.mean(axis=axes, keepdims=True)
           - x_hat * (rg * x_hat).mean(axis=axes, keepdims=True)) / sigma
    np.testing.assert_allclose(grad, ref.reshape(x.shape), rtol=1e-6, atol=1e-8)


def test_group_normalization_passes_the_mask_through():
    emb = layers.Embedding(5, 4, mask_zero=True)
    ids = np.array([[1, 2, 0]])
    out = layers.GroupNormalization(groups=2)(emb(ids))
    np.testing.assert_array_equal(np.asarray(out._keras_mask), [[True, True, False]])


@pytest.mark.parametrize("groups", [0, -2, 2.0, "4", True])
def test_group_normalization_bad_groups(groups):
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization(groups=groups)


def test_group_normalization_groups_must_divide_the_channels():
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization(groups=4)(np.zeros((2, 6), "float32"))
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization()(np.zeros((2, 6), "float32"))  # 32 groups > 6 channels


def test_group_normalization_bad_axis():
    with pytest.raises(ValueError, match="axis"):
        layers.GroupNormalization(groups=1, axis=3).build((2, 4))
    with pytest.raises(ValueError, match="axis"):
        layers.GroupNormalization(groups=1, axis=-1).build((2, None))


def test_group_normalization_config_keys_as_keras():
    config = layers.GroupNormalization(groups=4).get_config()
    for key in ("groups", "axis", "epsilon", "center", "scale", "beta_initializer",
                "gamma_initializer", "beta_regularizer", "gamma_regularizer",
                "beta_constraint", "gamma_constraint"):
        assert key in config
    assert (config["groups"], config["axis"], config["epsilon"]) == (4, -1, 1e-3)
    assert layers.GroupNormalization().groups == 32


def test_group_normalization_regularizer_adds_a_loss():
    layer = layers.GroupNormalization(groups=2, gamma_regularizer="l2")
    layer(np.ones((2, 4), "float32"))
    assert len(layer.losses) == 1


# ----------------------------------------------------------- UnitNormalization

def test_unit_normalization_generic():
    run_layer_test(layers.UnitNormalization, {}, input_shape=(3, 4), expected_output_shape=(3, 4),
                   expected_weights=[], supports_masking=True)
    run_layer_test(layers.UnitNormalization, {"axis": (1, 2)}, input_shape=(2, 3, 4),
                   expected_output_shape=(2, 3, 4), expected_weights=[])


@pytest.mark.parametrize("shape,axis", [((3, 5), -1), ((2, 3, 4), 1), ((2, 3, 4), [1, 2]),
                                        ((2, 3, 4, 5), (1, 3))])
def test_unit_normalization_matches_numpy(shape, axis):
    x = RNG.standard_normal(shape).astype("float32")
    out = np.asarray(layers.UnitNormalization(axis=axis)(x))
    ref = unit_norm_ref(x, tuple(axis) if isinstance(axis, list) else axis)
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose((out.astype("float64") ** 2).sum(
        axis=tuple(axis) if isinstance(axis, (list, tuple)) else axis), 1.0, rtol=1e-5)


def test_unit_normalization_zero_input_and_keras_example():
    np.testing.assert_array_equal(np.asarray(layers.UnitNormalization()(np.zeros((1, 3), "float32"))),
                                  np.zeros((1, 3)))
    data = np.arange(6, dtype="float32").reshape(2, 3)
    out = np.asarray(layers.UnitNormalization()(data))
    np.testing.assert_allclose(np.sum(out[0] ** 2), 1.0, rtol=1e-6)


def test_unit_normalization_gradient_of_the_input():
    # d/dx of sum(r * x / |x|) is (r - y * (r . y)) / |x|, y = x / |x|.
    x = RNG.standard_normal((2, 4))
    r = RNG.standard_normal((2, 4))
    xv = kerasnet.Variable(x, dtype="float64")
    with kerasnet.GradientTape() as tape:
        loss = kerasnet.ops.sum(kerasnet.ops.multiply(layers.UnitNormalization(dtype="float64")(xv), r))
    grad = np.asarray(tape.gradient(loss, xv))
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    y = x / norm
    ref = (r - y * (r * y).sum(-1, keepdims=True)) / norm
    np.testing.assert_allclose(grad, ref, rtol=1e-6, atol=1e-8)


def test_unit_normalization_passes_the_mask_through():
    emb = layers.Embedding(5, 3, mask_zero=True)
    out = layers.UnitNormalization()(emb(np.array([[0, 3]])))
    np.testing.assert_array_equal(np.asarray(out._keras_mask), [[False, True]])


def test_unit_normalization_bad_axis():
    with pytest.raises(TypeError, match="axis"):
        layers.UnitNormalization(axis="last")
    with pytest.raises(ValueError, match="axis"):
        layers.UnitNormalization(axis=2).compute_output_shape((2, 3))
    assert layers.UnitNormalization(axis=(1, 2)).get_config()["axis"] == [1, 2]


# ------------------------------------------------------------- RMSNormalization

def test_rms_normalization_generic():
    run_layer_test(layers.RMSNormalization, {}, input_shape=(3, 4), expected_output_shape=(3, 4),
                   expected_weights=[("scale", (4,))])
    run_layer_test(layers.RMSNormalization, {"axis": [1, 2], "epsilon": 1e-5},
                   input_shape=(2, 3, 4), expected_output_shape=(2, 3, 4),
                   expected_weights=[("scale", (3, 4))])


@pytest.mark.parametrize("shape,axis", [((3, 5), -1), ((2, 3, 4), [1, 2]), ((2, 3, 4), 1),
                                        ((2, 3, 4, 5), [3, 1])])
def test_rms_normalization_matches_numpy(shape, axis):
    x = (RNG.standard_normal(shape) + 0.5).astype("float32")
    layer = layers.RMSNormalization(axis=axis)
    layer.build(x.shape)
    axes = sorted(a % len(shape) for a in (axis if isinstance(axis, list) else [axis]))
    scale = RNG.uniform(0.5, 1.5, [shape[a] for a in axes]).astype("float32")
    layer.scale.assign(scale)
    bshape = [shape[i] if i in axes else 1 for i in range(len(shape))]
    ref = rms_norm_ref(x, tuple(axes), scale.astype("float64").reshape(bshape))
    np.testing.assert_allclose(np.asarray(layer(x)), ref, rtol=1e-5, atol=1e-6)


def test_rms_normalization_float64_and_defaults():
    x = RNG.standard_normal((2, 6))
    layer = layers.RMSNormalization(dtype="float64")
    assert (layer.axis, layer.epsilon) == (-1, 1e-6)
    np.testing.assert_allclose(np.asarray(layer(x)), rms_norm_ref(x), rtol=1e-12)
    assert sorted(layer.get_config()) == sorted(
        set(layers.Layer().get_config()) | {"axis", "epsilon"})


def test_rms_normalization_gradient_of_the_input():
    # d/dx of sum(r * x / rms) is (r - x * mean(r * x) / rms^2) / rms.
    x = RNG.standard_normal((2, 5))
    r = RNG.standard_normal((2, 5))
    xv = kerasnet.Variable(x, dtype="float64")
    with kerasnet.GradientTape() as tape:
        loss = kerasnet.ops.sum(kerasnet.ops.multiply(layers.RMSNormalization(dtype="float64")(xv), r))
    grad = np.asarray(tape.gradient(loss, xv))
    ms = (x ** 2).mean(-1, keepdims=True) + 1e-6
    ref = (r - x * (r * x).mean(-1, keepdims=True) / ms) / np.sqrt(ms)
    np.testing.assert_allclose(grad, ref, rtol=1e-6, atol=1e-8)


def test_rms_normalization_vs_layer_normalization_rms_scaling():
    # Keras' deprecated rms_scaling divides by the standard deviation: the two agree
    # only on zero-mean samples.
    x = RNG.standard_normal((3, 4)).astype("float32")
    centered = x - x.mean(-1, keepdims=True)
    with pytest.warns(UserWarning, match="RMSNormalization"):
        ln = layers.LayerNormalization(rms_scaling=True)
    rms = layers.RMSNormalization(epsilon=1e-3)
    np.testing.assert_allclose(np.asarray(rms(centered)), np.asarray(ln(centered)), rtol=1e-5, atol=1e-6)
    assert not np.allclose(np.asarray(rms(x + 1)), np.asarray(ln(x + 1)), atol=1e-3)


def test_rms_normalization_bad_axis():
    with pytest.raises(TypeError, match="axis"):
        layers.RMSNormalization(axis="last")
    with pytest.raises(ValueError, match="axis"):
        layers.RMSNormalization(axis=3).build((2, 4))
