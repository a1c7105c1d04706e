"""kerasnet.constraints: projections vs numpy, configs, errors."""

import numpy as np
import pytest

from kerasnet import constraints

EPS = 1e-7
RNG = np.random.default_rng(3)
W = RNG.normal(scale=2.0, size=(4, 5))
K = RNG.normal(size=(3, 3, 2, 4))


def _norms(w, axis):
    return np.sqrt((w**2).sum(axis=axis, keepdims=True))


@pytest.mark.parametrize("w, axis", [(W, 0), (W, 1), (K, [0, 1, 2])])
def test_max_norm(w, axis):
    ax = tuple(axis) if isinstance(axis, list) else axis
    got = constraints.MaxNorm(max_value=1.5, axis=axis)(w).numpy()
    n = _norms(w, ax)
    np.testing.assert_allclose(got, w * np.clip(n, 0, 1.5) / (EPS + n))
    assert np.all(_norms(got, ax) <= 1.5 + 1e-6)


@pytest.mark.parametrize("w, axis", [(W, 0), (K, [0, 1, 2])])
def test_unit_norm(w, axis):
    ax = tuple(axis) if isinstance(axis, list) else axis
    got = constraints.UnitNorm(axis=axis)(w).numpy()
    np.testing.assert_allclose(got, w / (EPS + _norms(w, ax)))
    np.testing.assert_allclose(_norms(got, ax), 1.0, rtol=1e-6)


@pytest.mark.parametrize("rate", [1.0, 0.25])
def test_min_max_norm(rate):
    c = constraints.MinMaxNorm(min_value=2.0, max_value=3.0, rate=rate, axis=0)
    got = c(W).numpy()
    n = _norms(W, 0)
    desired = rate * np.clip(n, 2.0, 3.0) + (1 - rate) * n
    np.testing.assert_allclose(got, W * desired / (EPS + n))
    if rate == 1.0:
        norms = _norms(got, 0)
        assert np.all((norms >= 2.0 - 1e-6) & (norms <= 3.0 + 1e-6))


def test_non_neg_and_base():
    np.testing.assert_array_equal(
        constraints.NonNeg()(W).numpy(), np.maximum(W, 0)
    )
    assert constraints.Constraint()(W) is W
    out = constraints.NonNeg()(np.array([-1, 2], dtype=np.int32))
    assert out.dtype == "int32" and out.numpy().tolist() == [0, 2]


def test_defaults_match_keras():
    assert constraints.MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    assert constraints.UnitNorm().get_config() == {"axis": 0}
    assert constraints.MinMaxNorm().get_config() == {
        "min_value": 0.0,
        "max_value": 1.0,
        "rate": 1.0,
        "axis": 0,
    }
    assert constraints.NonNeg().get_config() == {}


@pytest.mark.parametrize(
    "make, exc, match",
    [
        (lambda: constraints.MaxNorm(max_value=-1), ValueError, "max_value"),
        (lambda: constraints.MaxNorm(max_value="2"), TypeError, "max_value"),
        (lambda: constraints.UnitNorm(axis="0"), TypeError, "axis"),
        (lambda: constraints.MaxNorm(axis=[0, 1.5]), TypeError, "axis"),
        (
            lambda: constraints.MinMaxNorm(min_value=2, max_value=1),
            ValueError,
            "min_value",
        ),
        (lambda: constraints.MinMaxNorm(rate=-0.1), ValueError, "rate"),
    ],
)
def test_bad_args(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


@pytest.mark.parametrize(
    "name, cls",
    [
        ("max_norm", constraints.MaxNorm),
        ("MaxNorm", constraints.MaxNorm),
        ("non_neg", constraints.NonNeg),
        ("unit_norm", constraints.UnitNorm),
        ("min_max_norm", constraints.MinMaxNorm),
    ],
)
def test_get_by_name(name, cls):
    assert type(constraints.get(name)) is cls


def test_round_trip_and_get():
    assert constraints.get(None) is None
    with pytest.raises(ValueError, match="constraint"):
        constraints.get("no_norm")
    for c in (
        constraints.MaxNorm(3.0, axis=[0, 1, 2]),
        constraints.UnitNorm(axis=1),
        constraints.NonNeg(),
        constraints.MinMaxNorm(0.5, 2.0, 0.5, 1),
    ):
        config = constraints.serialize(c)
        assert config["module"] == "keras.constraints"
        clone = constraints.deserialize(config)
        assert type(clone) is type(c)
        assert clone.get_config() == c.get_config()
        np.testing.assert_allclose(clone(K).numpy(), c(K).numpy())
