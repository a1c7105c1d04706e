"""Accuracy, regression and probabilistic metrics against numpy."""

import numpy as np
import pytest

from kerasnet import losses, metrics

RNG = np.random.default_rng(17)
N, C = 12, 5
LOGITS = RNG.normal(size=(N, C))
LABELS = RNG.integers(0, C, size=N)
ONE_HOT = np.eye(C)[LABELS]
W = RNG.uniform(size=N)


def _weighted_mean(values, w=None):
    return values.mean() if w is None else (values * w).sum() / w.sum()


def test_accuracy():
    t = RNG.integers(0, 3, size=(N, 1))
    p = RNG.integers(0, 3, size=(N, 1))
    m = metrics.Accuracy()
    m.update_state(t, p, sample_weight=W)
    np.testing.assert_allclose(
        float(m.result()), _weighted_mean((t == p)[:, 0], W), rtol=1e-6
    )


@pytest.mark.parametrize("threshold", [0.5, 0.2, 0.9])
def test_binary_accuracy(threshold):
    probs = RNG.uniform(size=(N, 1))
    t = RNG.integers(0, 2, size=(N, 1))
    m = metrics.BinaryAccuracy(threshold=threshold)
    m.update_state(t, probs)
    want = ((probs > threshold) == t).mean()
    np.testing.assert_allclose(float(m.result()), want, rtol=1e-6)
    # rank-1 labels against (N, 1) predictions align
    m = metrics.BinaryAccuracy(threshold=threshold)
    m.update_state(t[:, 0], probs, sample_weight=W)
    np.testing.assert_allclose(
        float(m.result()),
        _weighted_mean(((probs > threshold) == t)[:, 0], W),
        rtol=1e-6,
    )
    # multi-label rows are averaged per sample first
    t2 = RNG.integers(0, 2, size=(N, 3))
    p2 = RNG.uniform(size=(N, 3))
    out = metrics.binary_accuracy(t2, p2, threshold=threshold).numpy()
    np.testing.assert_allclose(out, ((p2 > threshold) == t2).mean(-1))


@pytest.mark.parametrize("threshold", [0.0, 1.0, -0.5, "0.5"])
def test_binary_accuracy_bad_threshold(threshold):
    with pytest.raises(ValueError, match="threshold"):
        metrics.BinaryAccuracy(threshold=threshold)


def test_categorical_and_sparse_accuracy():
    hits = LOGITS.argmax(-1) == LABELS
    m = metrics.CategoricalAccuracy()
    m.update_state(ONE_HOT, LOGITS, sample_weight=W)
    np.testing.assert_allclose(
        float(m.result()), _weighted_mean(hits, W), rtol=1e-6
    )
    for labels in (LABELS, LABELS[:, None], LABELS.astype(np.float32)):
        m = metrics.SparseCategoricalAccuracy()
        m.update_state(labels, LOGITS, sample_weight=W)
        np.testing.assert_allclose(
            float(m.result()), _weighted_mean(hits, W), rtol=1e-6
        )
    out = metrics.sparse_categorical_accuracy(LABELS[:, None], LOGITS)
    assert out.shape == (N,)
    # sequence outputs: (batch, time, classes)
    seq = RNG.normal(size=(3, 4, C))
    seq_labels = RNG.integers(0, C, size=(3, 4))
    out = metrics.sparse_categorical_accuracy(seq_labels, seq).numpy()
    np.testing.assert_array_equal(out, seq.argmax(-1) == seq_labels)
    out = metrics.categorical_accuracy(np.eye(C)[seq_labels], seq).numpy()
    np.testing.assert_array_equal(out, seq.argmax(-1) == seq_labels)


def _in_top_k(labels, preds, k):
    target = preds[np.arange(len(labels)), labels]
    return (preds > target[:, None]).sum(-1) < k


@pytest.mark.parametrize("k", [1, 2, 4])
def test_top_k_accuracy(k):
    want = _in_top_k(LABELS, LOGITS, k)
    m = metrics.SparseTopKCategoricalAccuracy(k=k)
    m.update_state(LABELS, LOGITS, sample_weight=W)
    np.testing.assert_allclose(
        float(m.result()), _weighted_mean(want, W), rtol=1e-6
    )
    m = metrics.TopKCategoricalAccuracy(k=k)
    m.update_state(ONE_HOT, LOGITS)
    np.testing.assert_allclose(float(m.result()), want.mean(), rtol=1e-6)


def test_top_k_ties_count_as_in():
    # TF in_top_k semantics: values tied with the k-th largest are in.
    preds = np.array([[0.5, 0.5, 0.5, 0.1], [0.9, 0.2, 0.2, 0.1]])
    out = metrics.sparse_top_k_categorical_accuracy(
        np.array([2, 2]), preds, k=1
    ).numpy()
    np.testing.assert_array_equal(out, [1.0, 0.0])
    out = metrics.sparse_top_k_categorical_accuracy(
        np.array([2, 2]), preds, k=2
    ).numpy()
    np.testing.assert_array_equal(out, [1.0, 1.0])
    # a non-finite target prediction is never in the top k
    preds = np.array([[np.nan, 0.1]])
    out = metrics.sparse_top_k_categorical_accuracy(np.array([0]), preds, k=2)
    np.testing.assert_array_equal(out.numpy(), [0.0])
    with pytest.raises(ValueError, match="k"):
        metrics.TopKCategoricalAccuracy(k=0)


def test_top_k_on_sequences_keeps_label_shape():
    seq = RNG.normal(size=(3, 4, C))
    seq_labels = RNG.integers(0, C, size=(3, 4))
    out = metrics.sparse_top_k_categorical_accuracy(seq_labels, seq, k=2)
    assert out.shape == (3, 4)
    want = _in_top_k(seq_labels.reshape(-1), seq.reshape(-1, C), 2)
    np.testing.assert_array_equal(out.numpy().reshape(-1), want)


REGRESSION = {
    metrics.MeanSquaredError: lambda t, p: ((t - p) ** 2).mean(-1),
    metrics.MeanAbsoluteError: lambda t, p: np.abs(t - p).mean(-1),
    metrics.MeanAbsolutePercentageError: lambda t, p: (
        100 * np.abs((t - p) / np.maximum(np.abs(t), 1e-7)).mean(-1)
    ),
    metrics.MeanSquaredLogarithmicError: lambda t, p: (
        (np.log1p(np.maximum(p, 1e-7)) - np.log1p(np.maximum(t, 1e-7))) ** 2
    ).mean(-1),
    metrics.LogCoshError: lambda t, p: np.log(np.cosh(p - t)).mean(-1),
}


@pytest.mark.parametrize("cls", list(REGRESSION), ids=lambda c: c.__name__)
def test_regression_metrics_accumulate(cls):
    t = RNG.uniform(0.1, 2.0, size=(2, N, 3))
    p = RNG.uniform(0.1, 2.0, size=(2, N, 3))
    m = cls()
    for i in range(2):
        m.update_state(t[i], p[i], sample_weight=W)
    per_sample = np.concatenate([REGRESSION[cls](t[i], p[i]) for i in range(2)])
    np.testing.assert_allclose(
        float(m.result()),
        _weighted_mean(per_sample, np.concatenate([W, W])),
        rtol=1e-5,
    )


def test_root_mean_squared_error():
    t = RNG.normal(size=(N, 3))
    p = RNG.normal(size=(N, 3))
    m = metrics.RootMeanSquaredError()
    m.update_state(t, p)
    np.testing.assert_allclose(
        float(m.result()), np.sqrt(((t - p) ** 2).mean()), rtol=1e-5
    )
    m.reset_state()
    m.update_state(t, p, sample_weight=W)
    np.testing.assert_allclose(
        float(m.result()),
        np.sqrt(((t - p) ** 2).mean(-1) @ W / W.sum()),
        rtol=1e-5,
    )


def test_cosine_similarity_metric_is_positive_similarity():
    t = RNG.normal(size=(N, 3))
    p = RNG.normal(size=(N, 3))
    cos = (
        (t * p).sum(-1)
        / np.linalg.norm(t, axis=-1)
        / np.linalg.norm(p, axis=-1)
    )
    m = metrics.CosineSimilarity()
    m.update_state(t, p, sample_weight=W)
    np.testing.assert_allclose(
        float(m.result()), _weighted_mean(cos, W), rtol=1e-5
    )


@pytest.mark.parametrize(
    "cls, fn, labels",
    [
        (
            metrics.CategoricalCrossentropy,
            lambda t, p: losses.categorical_crossentropy(
                t, p, from_logits=True
            ),
            ONE_HOT,
        ),
        (
            metrics.SparseCategoricalCrossentropy,
            lambda t, p: losses.sparse_categorical_crossentropy(
                t, p, from_logits=True
            ),
            LABELS,
        ),
        (
            metrics.BinaryCrossentropy,
            lambda t, p: losses.binary_crossentropy(t, p, from_logits=True),
            (LOGITS > 0).astype(float),
        ),
    ],
)
def test_crossentropy_metrics_match_losses(cls, fn, labels):
    m = cls(from_logits=True)
    m.update_state(labels, LOGITS, sample_weight=W)
    want = _weighted_mean(fn(labels, LOGITS).numpy(), W)
    np.testing.assert_allclose(float(m.result()), want, rtol=1e-5)


@pytest.mark.parametrize(
    "cls, fn",
    [
        (metrics.KLDivergence, losses.kl_divergence),
        (metrics.Poisson, losses.poisson),
        (metrics.Hinge, losses.hinge),
        (metrics.SquaredHinge, losses.squared_hinge),
        (metrics.CategoricalHinge, losses.categorical_hinge),
    ],
)
def test_other_loss_metrics(cls, fn):
    t = RNG.uniform(size=(N, C))
    p = RNG.uniform(size=(N, C))
    m = cls()
    m.update_state(t, p)
    np.testing.assert_allclose(
        float(m.result()), fn(t, p).numpy().mean(), rtol=1e-5
    )
