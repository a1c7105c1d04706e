"""Loss functions against numpy references written from Keras' formulas."""

import numpy as np
import pytest

from kerasnet import losses

EPS = 1e-7
RNG = np.random.default_rng(42)
Y_TRUE = RNG.normal(size=(4, 5))
Y_PRED = RNG.normal(size=(4, 5))
PROBS_T = RNG.uniform(0.05, 1.0, size=(4, 5))
PROBS_P = RNG.uniform(0.05, 1.0, size=(4, 5))


def _l2n(x, axis=-1):
    return x / np.maximum(np.linalg.norm(x, axis=axis, keepdims=True), EPS)


def _huber(t, p, delta=1.0):
    e = np.abs(p - t)
    return np.where(e <= delta, 0.5 * e**2, delta * e - 0.5 * delta**2).mean(-1)


REGRESSION = {
    "mean_squared_error": lambda t, p: ((t - p) ** 2).mean(-1),
    "mean_absolute_error": lambda t, p: np.abs(t - p).mean(-1),
    "mean_absolute_percentage_error": lambda t, p: (
        100 * np.abs((t - p) / np.maximum(np.abs(t), EPS)).mean(-1)
    ),
    "mean_squared_logarithmic_error": lambda t, p: (
        (np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(t, EPS) + 1)) ** 2
    ).mean(-1),
    "huber": _huber,
    "log_cosh": lambda t, p: np.log(np.cosh(p - t)).mean(-1),
    "cosine_similarity": lambda t, p: -(_l2n(t) * _l2n(p)).sum(-1),
    "hinge": lambda t, p: np.maximum(1 - t * p, 0).mean(-1),
    "squared_hinge": lambda t, p: (np.maximum(1 - t * p, 0) ** 2).mean(-1),
    "poisson": lambda t, p: (p - t * np.log(p + EPS)).mean(-1),
    "kl_divergence": lambda t, p: (
        np.clip(t, EPS, 1) * np.log(np.clip(t, EPS, 1) / np.clip(p, EPS, 1))
    ).sum(-1),
}

POSITIVE_ONLY = {"poisson", "kl_divergence", "mean_squared_logarithmic_error"}


@pytest.mark.parametrize("name", sorted(REGRESSION))
def test_regression_and_hinge_functions(name):
    fn = getattr(losses, name)
    if name in POSITIVE_ONLY:
        t, p = PROBS_T, PROBS_P
    elif name in ("hinge", "squared_hinge"):
        t, p = np.sign(Y_TRUE), Y_PRED
    else:
        t, p = Y_TRUE, Y_PRED
    out = fn(t, p)
    assert out.shape == (4,) and out.dtype == "float64"
    np.testing.assert_allclose(
        out.numpy(), REGRESSION[name](t, p), rtol=1e-10, atol=1e-12
    )
    out32 = fn(t.astype(np.float32), p.astype(np.float32))
    assert out32.dtype == "float32"
    np.testing.assert_allclose(
        out32.numpy(), REGRESSION[name](t, p), rtol=2e-5, atol=1e-5
    )


def test_hinge_converts_binary_labels():
    t01 = (Y_TRUE > 0).astype(np.float64)
    np.testing.assert_allclose(
        losses.hinge(t01, Y_PRED).numpy(),
        np.maximum(1 - (2 * t01 - 1) * Y_PRED, 0).mean(-1),
    )
    np.testing.assert_allclose(
        losses.squared_hinge(t01, Y_PRED).numpy(),
        (np.maximum(1 - (2 * t01 - 1) * Y_PRED, 0) ** 2).mean(-1),
    )


def test_categorical_hinge():
    t = np.eye(5)[[0, 3, 2, 4]]
    pos = (t * Y_PRED).sum(-1)
    neg = ((1 - t) * Y_PRED).max(-1)
    np.testing.assert_allclose(
        losses.categorical_hinge(t, Y_PRED).numpy(),
        np.maximum(neg - pos + 1, 0),
    )


def test_huber_delta_and_log_cosh_large_errors():
    np.testing.assert_allclose(
        losses.huber(Y_TRUE, Y_PRED, delta=0.3).numpy(),
        _huber(Y_TRUE, Y_PRED, 0.3),
    )
    big = np.array([[1000.0, -1000.0]], dtype=np.float32)
    out = losses.log_cosh(np.zeros_like(big), big).numpy()
    np.testing.assert_allclose(out, [1000 - np.log(2)], rtol=1e-6)


def test_rank_alignment_of_targets():
    # (batch,) targets vs (batch, 1) predictions: the 1 is expanded away.
    t = np.array([1.0, 2.0, 3.0])
    p = np.array([[1.5], [2.0], [2.0]])
    np.testing.assert_allclose(
        losses.mean_squared_error(t, p).numpy(), [0.25, 0.0, 1.0]
    )
    np.testing.assert_allclose(
        losses.mean_squared_error(p, t).numpy(), [0.25, 0.0, 1.0]
    )


def test_cosine_similarity_axis_and_zero_vector():
    t = np.array([[0.0, 0.0], [1.0, 1.0]])
    p = np.array([[1.0, 2.0], [3.0, 3.0]])
    out = losses.cosine_similarity(t, p).numpy()
    np.testing.assert_allclose(out, [0.0, -1.0], atol=1e-7)
    x = RNG.normal(size=(3, 4, 2))
    y = RNG.normal(size=(3, 4, 2))
    np.testing.assert_allclose(
        losses.cosine_similarity(x, y, axis=1).numpy(),
        -(_l2n(x, 1) * _l2n(y, 1)).sum(1),
    )


def test_integer_inputs_promote_to_float():
    out = losses.mean_squared_error([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), [0.5, 0.0])
