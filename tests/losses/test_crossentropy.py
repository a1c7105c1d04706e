"""Cross-entropy losses: values vs numpy, stability, gradients, options."""

import warnings

import numpy as np
import pytest

import kerasnet
from kerasnet import activations, losses

EPS = 1e-7
RNG = np.random.default_rng(7)
LOGITS = RNG.normal(scale=2.0, size=(6, 4))
LABELS = np.array([0, 3, 1, 1, 2, 0])
ONE_HOT = np.eye(4)[LABELS]


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _cce_probs(t, p):
    p = p / p.sum(-1, keepdims=True)
    return -(t * np.log(np.clip(p, EPS, 1 - EPS))).sum(-1)


def _bce_probs(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def test_categorical_from_probabilities_and_logits():
    probs = _softmax(LOGITS)
    want = -np.log(probs[np.arange(6), LABELS])
    np.testing.assert_allclose(
        losses.categorical_crossentropy(ONE_HOT, probs).numpy(), want, rtol=1e-6
    )
    np.testing.assert_allclose(
        losses.categorical_crossentropy(
            ONE_HOT, LOGITS, from_logits=True
        ).numpy(),
        want,
        rtol=1e-10,
    )
    # Unnormalised probabilities are renormalised, 0 is clipped to epsilon.
    p = np.array([[0.2, 0.2, 0.0, 0.0]])
    t = np.array([[0.0, 0.0, 1.0, 0.0]])
    np.testing.assert_allclose(
        losses.categorical_crossentropy(t, p).numpy(), _cce_probs(t, p)
    )


def test_categorical_axis():
    x = RNG.normal(size=(3, 4, 2))
    t = np.eye(4)[RNG.integers(0, 4, size=(3, 2))].transpose(0, 2, 1)
    e = np.exp(x - x.max(1, keepdims=True))
    logp = np.log(e / e.sum(1, keepdims=True))
    np.testing.assert_allclose(
        losses.categorical_crossentropy(t, x, from_logits=True, axis=1).numpy(),
        -(t * logp).sum(1),
        rtol=1e-10,
    )


def test_label_smoothing():
    ls = 0.2
    smooth = ONE_HOT * (1 - ls) + ls / 4
    probs = _softmax(LOGITS)
    np.testing.assert_allclose(
        losses.categorical_crossentropy(
            ONE_HOT, LOGITS, from_logits=True, label_smoothing=ls
        ).numpy(),
        -(smooth * np.log(probs)).sum(-1),
        rtol=1e-10,
    )
    t = (LOGITS > 0).astype(float)
    bsmooth = t * (1 - ls) + 0.5 * ls
    np.testing.assert_allclose(
        losses.binary_crossentropy(
            t, _sigmoid(LOGITS), label_smoothing=ls
        ).numpy(),
        _bce_probs(bsmooth, _sigmoid(LOGITS)).mean(-1),
        rtol=1e-6,
    )


def test_sparse_matches_categorical():
    for from_logits in (False, True):
        pred = LOGITS if from_logits else _softmax(LOGITS)
        dense = losses.categorical_crossentropy(
            ONE_HOT, pred, from_logits=from_logits
        )
        for labels in (LABELS, LABELS[:, None], LABELS.astype(np.float32)):
            sparse = losses.sparse_categorical_crossentropy(
                labels, pred, from_logits=from_logits
            )
            np.testing.assert_allclose(sparse.numpy(), dense.numpy(), rtol=1e-6)


def test_sparse_ignore_class_function_and_class():
    labels = np.array([0, -1, 1, 1, -1, 0])
    out = losses.sparse_categorical_crossentropy(
        labels, LOGITS, from_logits=True, ignore_class=-1
    )
    logp = np.log(_softmax(LOGITS))
    valid = labels != -1
    want = np.where(valid, -logp[np.arange(6), np.maximum(labels, 0)], 0)
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-10)
    np.testing.assert_array_equal(out._keras_mask.numpy(), valid)
    # The class form averages over the valid entries only (Keras' mask).
    loss = losses.SparseCategoricalCrossentropy(
        from_logits=True, ignore_class=-1
    )
    np.testing.assert_allclose(
        float(loss(labels, LOGITS)), want[valid].mean(), rtol=1e-6
    )
    loss_sum = losses.SparseCategoricalCrossentropy(
        from_logits=True, ignore_class=-1, reduction="sum"
    )
    np.testing.assert_allclose(
        float(loss_sum(labels, LOGITS)), want.sum(), rtol=1e-6
    )


def test_binary_from_logits_and_probabilities():
    t = RNG.uniform(size=LOGITS.shape)
    want = (
        np.maximum(LOGITS, 0) - LOGITS * t + np.log1p(np.exp(-np.abs(LOGITS)))
    ).mean(-1)
    np.testing.assert_allclose(
        losses.binary_crossentropy(t, LOGITS, from_logits=True).numpy(),
        want,
        rtol=1e-10,
    )
    np.testing.assert_allclose(
        losses.binary_crossentropy(t, _sigmoid(LOGITS)).numpy(), want, rtol=1e-6
    )
    np.testing.assert_allclose(
        losses.binary_crossentropy(t, _sigmoid(LOGITS), axis=0).numpy(),
        _bce_probs(t, _sigmoid(LOGITS)).mean(0),
        rtol=1e-6,
    )


def test_stability_at_extreme_logits():
    big = np.array([[1000.0, -1000.0, 0.0]], dtype=np.float32)
    t = np.array([[0.0, 1.0, 0.0]], dtype=np.float32)
    out = losses.categorical_crossentropy(t, big, from_logits=True).numpy()
    np.testing.assert_allclose(out, [2000.0])
    out = losses.binary_crossentropy(t, big, from_logits=True).numpy()
    np.testing.assert_allclose(out, [(1000 + 1000 + np.log(2)) / 3], rtol=1e-6)
    out = losses.sparse_categorical_crossentropy(
        np.array([1]), big, from_logits=True
    ).numpy()
    np.testing.assert_allclose(out, [2000.0])
    # Probabilities of exactly 0 and 1 are clipped, so the loss is finite.
    t = np.array([[1.0, 0.0]], dtype=np.float32)
    p = np.array([[0.0, 1.0]], dtype=np.float32)
    out = losses.binary_crossentropy(t, p).numpy()
    assert np.isfinite(out).all()
    eps = np.float32(EPS)
    clipped = np.clip(p, eps, np.float32(1) - eps)  # in float32, as Keras
    want = -(t * np.log(clipped) + (1 - t) * np.log(1 - clipped)).mean(-1)
    np.testing.assert_allclose(out, want, rtol=1e-5)


def test_gradients_from_logits():
    logits = kerasnet.Variable(LOGITS, dtype="float64")
    loss = losses.CategoricalCrossentropy(from_logits=True, dtype="float64")
    with kerasnet.GradientTape() as tape:
        value = loss(ONE_HOT, logits)
    grad = tape.gradient(value, logits).numpy()
    np.testing.assert_allclose(
        grad, (_softmax(LOGITS) - ONE_HOT) / 6, rtol=1e-10, atol=1e-12
    )
    loss = losses.SparseCategoricalCrossentropy(
        from_logits=True, dtype="float64"
    )
    with kerasnet.GradientTape() as tape:
        value = loss(LABELS, logits)
    np.testing.assert_allclose(
        tape.gradient(value, logits).numpy(),
        (_softmax(LOGITS) - ONE_HOT) / 6,
        rtol=1e-10,
        atol=1e-12,
    )
    t = (LOGITS > 0.5).astype(np.float64)
    loss = losses.BinaryCrossentropy(from_logits=True, dtype="float64")
    with kerasnet.GradientTape() as tape:
        value = loss(t, logits)
    np.testing.assert_allclose(
        tape.gradient(value, logits).numpy(),
        (_sigmoid(LOGITS) - t) / LOGITS.size,
        rtol=1e-10,
        atol=1e-12,
    )


def test_softmax_output_uses_cached_logits():
    logits = np.array([[100.0, -100.0, 0.0]], dtype=np.float32)
    t = np.array([[0.0, 1.0, 0.0]], dtype=np.float32)
    probs = activations.softmax(logits)
    assert float(probs.numpy()[0, 1]) == 0.0
    out = losses.categorical_crossentropy(t, probs).numpy()
    np.testing.assert_allclose(out, [200.0], rtol=1e-6)
    out = losses.CategoricalCrossentropy()(t, probs)
    np.testing.assert_allclose(float(out), 200.0, rtol=1e-6)
    sig = activations.sigmoid(np.array([[30.0]], dtype=np.float32))
    np.testing.assert_allclose(
        losses.binary_crossentropy([[0.0]], sig).numpy(), [30.0], rtol=1e-6
    )
    with pytest.warns(UserWarning, match="from_logits=True"):
        losses.categorical_crossentropy(t, probs, from_logits=True)


def test_one_class_warning():
    with pytest.warns(SyntaxWarning, match="binary_crossentropy"):
        losses.categorical_crossentropy([[1.0]], [[0.7]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        losses.categorical_crossentropy(ONE_HOT, _softmax(LOGITS))


def _focal_reference(t, p, gamma, alpha=None):
    bce = _bce_probs(t, p)
    p_t = t * p + (1 - t) * (1 - p)
    out = (1 - p_t) ** gamma * bce
    if alpha is not None:
        out = (t * alpha + (1 - t) * (1 - alpha)) * out
    return out.mean(-1)


@pytest.mark.parametrize("gamma", [0.0, 2.0, 3.5])
@pytest.mark.parametrize("balance", [False, True])
def test_binary_focal(gamma, balance):
    t = (LOGITS > 0.3).astype(np.float64)
    probs = _sigmoid(LOGITS)
    want = _focal_reference(t, probs, gamma, 0.4 if balance else None)
    for pred, from_logits in ((probs, False), (LOGITS, True)):
        out = losses.binary_focal_crossentropy(
            t,
            pred,
            apply_class_balancing=balance,
            alpha=0.4,
            gamma=gamma,
            from_logits=from_logits,
        )
        np.testing.assert_allclose(out.numpy(), want, rtol=1e-6)
    if gamma == 0.0 and not balance:
        np.testing.assert_allclose(
            want, losses.binary_crossentropy(t, probs).numpy(), rtol=1e-6
        )


def test_categorical_focal():
    probs = _softmax(LOGITS)
    p = np.clip(probs, EPS, 1 - EPS)
    want = (0.25 * (1 - p) ** 2 * -(ONE_HOT * np.log(p))).sum(-1)
    np.testing.assert_allclose(
        losses.categorical_focal_crossentropy(ONE_HOT, probs).numpy(),
        want,
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        losses.categorical_focal_crossentropy(
            ONE_HOT, LOGITS, from_logits=True
        ).numpy(),
        want,
        rtol=1e-6,
    )


def test_shape_and_argument_errors():
    with pytest.raises(ValueError, match="same shape"):
        losses.categorical_crossentropy(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="same shape"):
        losses.sparse_categorical_crossentropy(
            np.array([0, 1, 2]), np.ones((2, 4))
        )
    with pytest.raises(ValueError, match="label_smoothing"):
        losses.CategoricalCrossentropy(label_smoothing=1.5)
    with pytest.raises(ValueError, match="axis"):
        losses.categorical_crossentropy(ONE_HOT, LOGITS, axis=True)
    with pytest.raises(TypeError, match="ignore_class"):
        losses.SparseCategoricalCrossentropy(ignore_class="void")


def test_sparse_out_of_range_labels_give_zero():
    out = losses.sparse_categorical_crossentropy(
        np.array([5, -3]), LOGITS[:2], from_logits=True
    )
    np.testing.assert_array_equal(out.numpy(), [0.0, 0.0])


def test_kl_and_poisson_classes():
    t = RNG.dirichlet(np.ones(4), size=3)
    p = RNG.dirichlet(np.ones(4), size=3)
    kl = (t * np.log(t / p)).sum(-1)
    np.testing.assert_allclose(
        float(losses.KLDivergence()(t, p)), kl.mean(), rtol=1e-5
    )
    np.testing.assert_allclose(
        float(losses.Poisson()(t, p)),
        (p - t * np.log(p + EPS)).mean(-1).mean(),
        rtol=1e-5,
    )
    assert losses.KLDivergence(reduction=None)(t, p).shape == (3,)


def test_cached_logits_give_the_from_logits_gradient():
    logits = kerasnet.Variable(LOGITS, dtype="float64")
    loss = losses.CategoricalCrossentropy(dtype="float64")
    with kerasnet.GradientTape() as tape:
        value = loss(ONE_HOT, activations.softmax(logits))
    np.testing.assert_allclose(
        tape.gradient(value, logits).numpy(),
        (_softmax(LOGITS) - ONE_HOT) / 6,
        rtol=1e-10,
        atol=1e-12,
    )
    t = (LOGITS > 0.5).astype(np.float64)
    loss = losses.BinaryCrossentropy(dtype="float64")
    with kerasnet.GradientTape() as tape:
        value = loss(t, activations.sigmoid(logits))
    np.testing.assert_allclose(
        tape.gradient(value, logits).numpy(),
        (_sigmoid(LOGITS) - t) / LOGITS.size,
        rtol=1e-10,
        atol=1e-12,
    )


def test_probability_gradient_matches_finite_differences():
    probs = _softmax(LOGITS)
    p = kerasnet.ops.convert_to_tensor(probs)
    with kerasnet.GradientTape() as tape:
        tape.watch(p)
        value = kerasnet.ops.sum(losses.categorical_crossentropy(ONE_HOT, p))
    grad = tape.gradient(value, p).numpy()
    h = 1e-6
    fd = np.zeros_like(probs)
    for idx in np.ndindex(*probs.shape):
        up, down = probs.copy(), probs.copy()
        up[idx] += h
        down[idx] -= h
        fd[idx] = (
            _cce_probs(ONE_HOT, up).sum() - _cce_probs(ONE_HOT, down).sum()
        ) / (2 * h)
    np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-7)
