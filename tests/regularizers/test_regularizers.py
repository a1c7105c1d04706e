"""kerasnet.regularizers: penalties vs numpy, defaults, configs, errors."""

import numpy as np
import pytest

import kerasnet
from kerasnet import regularizers

W = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.5]], dtype=np.float32)


def test_l1_l2_l1l2_values():
    np.testing.assert_allclose(
        regularizers.L1(0.3)(W).numpy(), 0.3 * np.abs(W).sum(), rtol=1e-6
    )
    np.testing.assert_allclose(
        regularizers.L2(0.1)(W).numpy(), 0.1 * (W**2).sum(), rtol=1e-6
    )
    np.testing.assert_allclose(
        regularizers.L1L2(l1=0.2, l2=0.05)(W).numpy(),
        0.2 * np.abs(W).sum() + 0.05 * (W**2).sum(),
        rtol=1e-6,
    )
    # Keras' docstring example: L2(2.) on ones((5, 5)) is 2 * 25.
    assert float(regularizers.L2(2.0)(np.ones((5, 5)))) == 50.0
    assert float(regularizers.L1L2()(W)) == 0.0
    assert regularizers.L2(0.1)(W).dtype == "float32"


def test_defaults_match_keras():
    assert regularizers.L1().get_config() == {"l1": 0.01}
    assert regularizers.L2().get_config() == {"l2": 0.01}
    assert regularizers.L1(None).get_config() == {"l1": 0.01}
    assert regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.L1L2(l1=None, l2=0.2).get_config() == {
        "l1": 0.0,
        "l2": 0.2,
    }
    assert regularizers.OrthogonalRegularizer().get_config() == {
        "factor": 0.01,
        "mode": "rows",
    }


def _orthogonal_penalty(w, factor, mode):
    m = w if mode == "rows" else w.T
    m = m / np.linalg.norm(m, axis=1, keepdims=True)
    gram = m @ m.T
    n = gram.shape[0]
    off = np.abs(gram[~np.eye(n, dtype=bool)]).sum()
    return factor * 0.5 * off / (n * (n - 1) / 2)


@pytest.mark.parametrize("mode", ["rows", "columns"])
def test_orthogonal_regularizer(mode):
    rng = np.random.default_rng(0)
    w = rng.normal(size=(4, 6))
    got = regularizers.OrthogonalRegularizer(0.3, mode=mode)(w).numpy()
    np.testing.assert_allclose(
        got, _orthogonal_penalty(w, 0.3, mode), rtol=1e-10
    )
    q, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    assert float(regularizers.OrthogonalRegularizer(1.0)(q)) < 1e-7
    with pytest.raises(ValueError, match="rank 2"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="mode"):
        regularizers.OrthogonalRegularizer(mode="diag")


@pytest.mark.parametrize(
    "make",
    [
        lambda: regularizers.L1(-0.1),
        lambda: regularizers.L2(float("nan")),
        lambda: regularizers.L1L2(l1=float("inf")),
        lambda: regularizers.L1L2(l2="0.1"),
        lambda: regularizers.OrthogonalRegularizer(factor=-1),
    ],
)
def test_bad_factors(make):
    with pytest.raises(ValueError, match="non-negative"):
        make()


def test_gradient():
    v = kerasnet.Variable(W)
    reg = regularizers.L1L2(l1=0.1, l2=0.2)
    with kerasnet.GradientTape() as tape:
        penalty = reg(v)
    grad = tape.gradient(penalty, v).numpy()
    np.testing.assert_allclose(grad, 0.1 * np.sign(W) + 0.4 * W, rtol=1e-6)


@pytest.mark.parametrize(
    "name, cls",
    [
        ("l1", regularizers.L1),
        ("L1", regularizers.L1),
        ("l2", regularizers.L2),
        ("L2", regularizers.L2),
        ("l1l2", regularizers.L1L2),
        ("l1_l2", regularizers.L1L2),
        ("L1L2", regularizers.L1L2),
        ("orthogonal_regularizer", regularizers.OrthogonalRegularizer),
    ],
)
def test_get_by_name(name, cls):
    assert type(regularizers.get(name)) is cls


def test_get_and_round_trip():
    assert regularizers.get(None) is None

    def fn(x):
        return 0.0

    assert regularizers.get(fn) is fn
    with pytest.raises(ValueError, match="regularizer"):
        regularizers.get("l3")
    for reg in (
        regularizers.L1(0.2),
        regularizers.L2(0.3),
        regularizers.L1L2(0.1, 0.4),
        regularizers.OrthogonalRegularizer(0.5, "columns"),
    ):
        config = regularizers.serialize(reg)
        assert config["module"] == "keras.regularizers"
        assert config["class_name"] == type(reg).__name__
        clone = regularizers.deserialize(config)
        assert type(clone) is type(reg)
        assert clone.get_config() == reg.get_config()
        assert regularizers.get(config).get_config() == reg.get_config()
    with pytest.raises(NotImplementedError):
        regularizers.Regularizer().get_config()
    assert regularizers.Regularizer()(W) == 0.0
