"""Confusion counts, Precision, Recall and AUC against numpy references."""

import math

import numpy as np
import pytest

from kerasnet import metrics

EPS = 1e-7
RNG = np.random.default_rng(23)
N = 40
Y = RNG.integers(0, 2, size=N)
P = np.clip(Y * 0.3 + RNG.uniform(size=N) * 0.7, 0, 1)
W = RNG.uniform(size=N)


def _counts(y, p, thresholds, w=None):
    p = np.asarray(p, dtype=float)
    w = np.ones_like(p) if w is None else np.broadcast_to(w, p.shape)
    y = np.asarray(y).astype(bool).reshape(-1)
    w = w.reshape(-1)
    p = p.reshape(-1)
    pos = p[None, :] > np.asarray(thresholds)[:, None]
    tp = (pos & y).astype(float) @ w
    fp = (pos & ~y).astype(float) @ w
    tn = (~pos & ~y).astype(float) @ w
    fn = (~pos & y).astype(float) @ w
    return tp, fp, tn, fn


@pytest.mark.parametrize(
    "thresholds", [None, 0.3, [0.1, 0.5, 0.7], [0.0, 0.5, 1.0]]
)
@pytest.mark.parametrize("weighted", [False, True])
def test_condition_counts(thresholds, weighted):
    t = [0.5] if thresholds is None else np.atleast_1d(thresholds)
    want = _counts(Y, P, t, W if weighted else None)
    classes = (
        metrics.TruePositives,
        metrics.FalsePositives,
        metrics.TrueNegatives,
        metrics.FalseNegatives,
    )
    for cls, value in zip(classes, want):
        m = cls(thresholds=thresholds)
        m.update_state(Y, P, sample_weight=W if weighted else None)
        out = m.result().numpy()
        np.testing.assert_allclose(np.atleast_1d(out), value, rtol=1e-5)
        assert out.shape == (() if len(t) == 1 else (len(t),))


def test_precision_recall_thresholds_and_weights():
    t = [0.2, 0.5, 0.8]
    tp, fp, _, fn = _counts(Y, P, t, W)
    p = metrics.Precision(thresholds=t)
    r = metrics.Recall(thresholds=t)
    for half in (slice(0, N // 2), slice(N // 2, N)):
        p.update_state(Y[half], P[half], sample_weight=W[half])
        r.update_state(Y[half], P[half], sample_weight=W[half])
    np.testing.assert_allclose(p.result().numpy(), tp / (tp + fp), rtol=1e-5)
    np.testing.assert_allclose(r.result().numpy(), tp / (tp + fn), rtol=1e-5)
    p.reset_state()
    assert p.result().numpy().tolist() == [0.0, 0.0, 0.0]  # 0/0 gives 0


def test_precision_recall_class_id_and_top_k():
    c = 4
    probs = RNG.dirichlet(np.ones(c), size=N)
    labels = np.eye(c)[RNG.integers(0, c, size=N)]
    m = metrics.Precision(class_id=2)
    m.update_state(labels, probs)
    pos = probs[:, 2] > 0.5
    want = (pos & (labels[:, 2] == 1)).sum() / max(pos.sum(), 1)
    np.testing.assert_allclose(float(m.result()), want, rtol=1e-5)
    m = metrics.Recall(class_id=1, thresholds=0.2)
    m.update_state(labels, probs)
    pos = probs[:, 1] > 0.2
    want = (pos & (labels[:, 1] == 1)).sum() / labels[:, 1].sum()
    np.testing.assert_allclose(float(m.result()), want, rtol=1e-5)
    # top_k: only each row's k largest predictions count as positive.
    k = 2
    order = np.argsort(-probs, axis=1, kind="stable")[:, :k]
    in_top = np.zeros_like(probs, dtype=bool)
    np.put_along_axis(in_top, order, True, axis=1)
    tp = (in_top & (labels == 1)).sum()
    m = metrics.Precision(top_k=k)
    m.update_state(labels, probs)
    np.testing.assert_allclose(float(m.result()), tp / in_top.sum(), rtol=1e-5)
    m = metrics.Recall(top_k=k)
    m.update_state(labels, probs)
    np.testing.assert_allclose(float(m.result()), tp / labels.sum(), rtol=1e-5)
    with pytest.raises(ValueError, match="class_id"):
        metrics.Precision(class_id=9).update_state(labels, probs)


def test_top_k_ties_break_by_position():
    m = metrics.Precision(top_k=2)
    m.update_state(np.array([[0, 0, 1, 1]]), np.array([[1.0, 1.0, 1.0, 1.0]]))
    assert float(m.result()) == 0.0  # the first two tied entries are kept
    m = metrics.Precision(top_k=4)
    m.update_state(np.array([[0, 0, 1, 1]]), np.array([[1.0, 1.0, 1.0, 1.0]]))
    assert float(m.result()) == 0.5


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: metrics.Precision(thresholds=1.5), "Threshold"),
        (lambda: metrics.Recall(thresholds=[0.1, -0.2]), "Threshold"),
        (lambda: metrics.Precision(top_k=0), "top_k"),
        (lambda: metrics.Recall(class_id=-1), "class_id"),
        (lambda: metrics.AUC(num_thresholds=1), "num_thresholds"),
        (lambda: metrics.AUC(curve="XY"), "curve"),
        (lambda: metrics.AUC(summation_method="trapezoid"), "summation"),
        (lambda: metrics.AUC(num_labels=3), "num_labels"),
        (lambda: metrics.AUC(label_weights=[-1.0]), "label_weights"),
    ],
)
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_shape_mismatch_raises():
    with pytest.raises(ValueError, match="shape"):
        metrics.Precision().update_state(np.ones((4, 2)), np.ones((4, 3)))


# -- AUC -------------------------------------------------------------------


def _auc_thresholds(num_thresholds):
    inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return np.array([-EPS] + inner + [1 + EPS])


def _riemann(tp, fp, tn, fn, curve, method):
    recall = np.divide(tp, tp + fn, out=np.zeros_like(tp), where=(tp + fn) > 0)
    if curve == "ROC":
        x = np.divide(fp, fp + tn, out=np.zeros_like(fp), where=(fp + tn) > 0)
        y = recall
    else:
        x = recall
        y = np.divide(tp, tp + fp, out=np.zeros_like(tp), where=(tp + fp) > 0)
    if method == "interpolation":
        h = (y[:-1] + y[1:]) / 2
    elif method == "minoring":
        h = np.minimum(y[:-1], y[1:])
    else:
        h = np.maximum(y[:-1], y[1:])
    return ((x[:-1] - x[1:]) * h).sum()


def _pr_interpolated(tp, fp, fn):
    # Precision with TP and P = TP + FP varying linearly on each interval
    # (Davis & Goadrich), integrated over recall in closed form.
    total = 0.0
    p = tp + fp
    for a in range(len(tp) - 1):
        b = a + 1
        dtp, dp = tp[a] - tp[b], p[a] - p[b]
        if dp <= 0 or tp[b] + fn[b] <= 0:
            continue
        slope = dtp / dp
        intercept = tp[b] - slope * p[b]
        ratio = p[a] / p[b] if p[a] > 0 and p[b] > 0 else 1.0
        total += slope * (dtp + intercept * math.log(ratio)) / (tp[b] + fn[b])
    return total


def test_auc_documented_small_case_by_hand():
    # thresholds [-eps, 0.5, 1 + eps]:
    # tp=[2,1,0] fp=[2,0,0] fn=[0,1,2] tn=[0,2,2]
    y, p = [0, 0, 1, 1], [0, 0.5, 0.3, 0.9]
    m = metrics.AUC(num_thresholds=3)
    m.update_state(y, p)
    # recall [1, .5, 0], fpr [1, 0, 0]: (1 + .5) / 2 * (1 - 0) = 0.75
    np.testing.assert_allclose(float(m.result()), 0.75, rtol=1e-6)
    m = metrics.AUC(num_thresholds=3, curve="PR")
    m.update_state(y, p)
    # interval 1: slope 1/3, intercept 2/3, P ratio 4; interval 2: slope 1.
    want = (1 / 3) * (1 + (2 / 3) * math.log(4)) / 2 + 1 * 1 / 2
    np.testing.assert_allclose(float(m.result()), want, rtol=1e-6)


@pytest.mark.parametrize("curve", ["ROC", "PR"])
@pytest.mark.parametrize("method", ["interpolation", "minoring", "majoring"])
@pytest.mark.parametrize("num_thresholds", [3, 10, 200])
def test_auc_matches_numpy(curve, method, num_thresholds):
    m = metrics.AUC(
        num_thresholds=num_thresholds, curve=curve, summation_method=method
    )
    m.update_state(Y[:25], P[:25], sample_weight=W[:25])
    m.update_state(Y[25:], P[25:], sample_weight=W[25:])
    tp, fp, tn, fn = _counts(Y, P, _auc_thresholds(num_thresholds), W)
    if curve == "PR" and method == "interpolation":
        want = _pr_interpolated(tp, fp, fn)
    else:
        want = _riemann(tp, fp, tn, fn, curve, method)
    np.testing.assert_allclose(float(m.result()), want, rtol=1e-5, atol=1e-7)


def test_auc_approaches_exact_roc_auc_and_bounds():
    y = RNG.integers(0, 2, size=400)
    p = np.clip(0.25 * y + RNG.uniform(size=400) * 0.75, 0, 1)
    pos, neg = p[y == 1], p[y == 0]
    exact = (pos[:, None] > neg[None, :]).mean() + 0.5 * (
        pos[:, None] == neg[None, :]
    ).mean()
    results = {}
    for method in ("interpolation", "minoring", "majoring"):
        m = metrics.AUC(num_thresholds=1000, summation_method=method)
        m.update_state(y, p)
        results[method] = float(m.result())
    assert abs(results["interpolation"] - exact) < 2e-3
    assert results["minoring"] <= results["interpolation"] + 1e-7
    assert results["interpolation"] <= results["majoring"] + 1e-7


def test_auc_explicit_thresholds_and_logits():
    m = metrics.AUC(thresholds=[0.7, 0.2, 0.5])
    assert m.num_thresholds == 5
    np.testing.assert_allclose(m.thresholds, [-EPS, 0.2, 0.5, 0.7, 1 + EPS])
    m.update_state(Y, P)
    tp, fp, tn, fn = _counts(Y, P, m.thresholds)
    np.testing.assert_allclose(
        float(m.result()),
        _riemann(tp, fp, tn, fn, "ROC", "interpolation"),
        rtol=1e-5,
    )
    logits = np.log(P / (1 - P + 1e-12) + 1e-12)
    a = metrics.AUC(num_thresholds=50, from_logits=True)
    a.update_state(Y, logits)
    b = metrics.AUC(num_thresholds=50)
    b.update_state(Y, 1 / (1 + np.exp(-logits)))
    np.testing.assert_allclose(float(a.result()), float(b.result()), rtol=1e-5)


def test_auc_multi_label_and_label_weights():
    y = RNG.integers(0, 2, size=(N, 3))
    p = np.clip(0.3 * y + 0.7 * RNG.uniform(size=(N, 3)), 0, 1)
    per_label = []
    for j in range(3):
        m = metrics.AUC(num_thresholds=20)
        m.update_state(y[:, j], p[:, j])
        per_label.append(float(m.result()))
    m = metrics.AUC(num_thresholds=20, multi_label=True)
    assert not m.variables  # built on the first update
    m.update_state(y, p)
    assert m.true_positives.shape == (20, 3)
    np.testing.assert_allclose(float(m.result()), np.mean(per_label), rtol=1e-5)
    lw = np.array([1.0, 0.0, 3.0])
    m = metrics.AUC(
        num_thresholds=20, multi_label=True, num_labels=3, label_weights=lw
    )
    m.update_state(y, p)
    np.testing.assert_allclose(
        float(m.result()), (np.array(per_label) @ lw) / lw.sum(), rtol=1e-5
    )
    # Flattened (multi_label=False): label_weights weight the predictions.
    m = metrics.AUC(num_thresholds=20, label_weights=lw)
    m.update_state(y, p)
    tp, fp, tn, fn = _counts(
        y, p, _auc_thresholds(20), np.broadcast_to(lw, y.shape)
    )
    np.testing.assert_allclose(
        float(m.result()),
        _riemann(tp, fp, tn, fn, "ROC", "interpolation"),
        rtol=1e-5,
    )
    with pytest.raises(ValueError, match="rank 2"):
        metrics.AUC(multi_label=True).update_state(
            np.ones((2, 2, 2)), np.ones((2, 2, 2))
        )


def test_auc_reset_and_names():
    m = metrics.AUC(num_thresholds=4)
    m.update_state(Y, P)
    m.reset_state()
    assert all(float(v.numpy().sum()) == 0 for v in m.variables)
    assert [v.name for v in m.variables] == [
        "true_positives",
        "false_positives",
        "true_negatives",
        "false_negatives",
    ]
