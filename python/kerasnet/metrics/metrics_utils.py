"""Shared metric machinery: thresholds, the confusion-matrix update, top-k,
and the trainer's resolution of "accuracy" / "acc" (Keras' compile_utils rule).

Note [Confusion counts]
For thresholds t_0..t_{T-1}, a prediction p counts as positive at t_i when
p > t_i (strictly). TP/FP/TN/FN at every threshold are one comparison of the
(T, N) grid of thresholds against the flattened predictions, weighted and
summed over N, so there is no Python loop over thresholds or samples. With
evenly spaced thresholds Keras' bucketed path first clips predictions into
[0, 1]; that clipping is kept here so out-of-range predictions count the
same way.
"""

import enum

import numpy as np

from kerasnet import ops
from kerasnet.backend import epsilon
from kerasnet.losses.loss import squeeze_or_expand_to_same_rank
from kerasnet.saving.serialization_lib import to_snake_case

NEG_INF = -1e10


class ConfusionMatrix(enum.Enum):
    TRUE_POSITIVES = "tp"
    FALSE_POSITIVES = "fp"
    TRUE_NEGATIVES = "tn"
    FALSE_NEGATIVES = "fn"


class AUCCurve(enum.Enum):
    """Type of AUC curve: ROC or PR."""

    ROC = "ROC"
    PR = "PR"

    @staticmethod
    def from_str(key):
        if key in ("pr", "PR"):
            return AUCCurve.PR
        if key in ("roc", "ROC"):
            return AUCCurve.ROC
        raise ValueError(
            f'Invalid AUC curve value: "{key}". Expected values are '
            '["PR", "ROC"]'
        )


class AUCSummationMethod(enum.Enum):
    """Riemann summation method of AUC: interpolation, majoring, minoring."""

    INTERPOLATION = "interpolation"
    MAJORING = "majoring"
    MINORING = "minoring"

    @staticmethod
    def from_str(key):
        if key in ("interpolation", "Interpolation"):
            return AUCSummationMethod.INTERPOLATION
        if key in ("majoring", "Majoring"):
            return AUCSummationMethod.MAJORING
        if key in ("minoring", "Minoring"):
            return AUCSummationMethod.MINORING
        raise ValueError(
            f'Invalid AUC summation method value: "{key}". Expected values '
            'are ["interpolation", "majoring", "minoring"]'
        )


def to_list(x):
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def assert_thresholds_range(thresholds):
    if thresholds is None:
        return
    invalid = [
        t
        for t in thresholds
        if t is None
        or isinstance(t, bool)
        or not isinstance(t, (int, float, np.floating, np.integer))
        or t < 0
        or t > 1
    ]
    if invalid:
        raise ValueError(
            f"Threshold values must be in [0, 1]. Received: {invalid}"
        )


def parse_init_thresholds(thresholds, default_threshold=0.5):
    if thresholds is not None:
        assert_thresholds_range(to_list(thresholds))
    return to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed_thresholds(thresholds):
    """True when the (3 or more) thresholds are i / (n - 1) for i = 0..n-1."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=epsilon()))


def update_confusion_matrix_variables(
    variables_to_update,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    thresholds_distributed_evenly=False,
):
    """Adds this batch's weighted TP/FP/TN/FN counts to the given variables.

    See Note [Confusion counts]. `variables_to_update` maps ConfusionMatrix
    members to variables of shape (T,) (or (T, num_labels) with
    `multi_label`). `top_k` keeps only each row's k largest predictions;
    `class_id` restricts labels and predictions to one class column.
    """
    if multi_label and label_weights is not None:
        raise ValueError(
            "`label_weights` for multilabel data should be handled outside "
            "of `update_confusion_matrix_variables` when `multi_label` is "
            "True."
        )
    if not variables_to_update:
        return
    invalid = [k for k in variables_to_update if k not in ConfusionMatrix]
    if invalid:
        raise ValueError(
            f'Invalid keys: "{invalid}". Valid variable key options are: '
            f'"{list(ConfusionMatrix)}"'
        )
    dtype = next(iter(variables_to_update.values())).dtype
    y_true = ops.cast(ops.convert_to_tensor(y_true), dtype)
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if tuple(y_pred.shape) != tuple(y_true.shape):
        raise ValueError(
            "`y_true` and `y_pred` must have the same shape. Received: "
            f"y_true.shape={tuple(y_true.shape)}, "
            f"y_pred.shape={tuple(y_pred.shape)}"
        )
    if sample_weight is not None:
        sample_weight = ops.expand_dims(
            ops.cast(ops.convert_to_tensor(sample_weight), dtype), -1
        )
        _, sample_weight = squeeze_or_expand_to_same_rank(
            y_true, sample_weight, expand_rank_1=False
        )
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with "
                "shape (num_samples, num_classes), found shape: "
                f"{tuple(y_pred.shape)}"
            )
        num_classes = y_pred.shape[-1]
        if not 0 <= class_id < num_classes:
            raise ValueError(
                f"`class_id` must be in [0, {num_classes}). "
                f"Received: class_id={class_id}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
    if thresholds_distributed_evenly:
        y_pred = ops.clip(y_pred, 0.0, 1.0)

    weights = None
    if sample_weight is not None:
        weights = ops.broadcast_to(sample_weight, y_pred.shape)
    if label_weights is not None:
        lw = ops.broadcast_to(
            ops.cast(ops.convert_to_tensor(label_weights), dtype),
            y_pred.shape,
        )
        weights = lw if weights is None else ops.multiply(weights, lw)

    num_thresholds = len(thresholds)
    thresholds = ops.convert_to_tensor(np.asarray(thresholds), dtype=dtype)
    if multi_label:
        # (T, N, L) grid; counts summed over N.
        grid_shape = (num_thresholds, 1, 1)
        labels = ops.expand_dims(ops.cast(y_true, "bool"), 0)
        preds = ops.expand_dims(y_pred, 0)
        if weights is not None:
            weights = ops.expand_dims(weights, 0)
    else:
        # (T, M) grid over the flattened predictions; counts summed over M.
        grid_shape = (num_thresholds, 1)
        labels = ops.reshape(ops.cast(y_true, "bool"), (1, -1))
        preds = ops.reshape(y_pred, (1, -1))
        if weights is not None:
            weights = ops.reshape(weights, (1, -1))
    pred_is_pos = ops.greater(preds, ops.reshape(thresholds, grid_shape))

    def count(label, pred):
        hits = ops.cast(ops.logical_and(label, pred), dtype)
        if weights is not None:
            hits = ops.multiply(hits, weights)
        return ops.sum(hits, axis=1)

    label_is_neg = ops.logical_not(labels)
    pred_is_neg = ops.logical_not(pred_is_pos)
    conditions = {
        ConfusionMatrix.TRUE_POSITIVES: (labels, pred_is_pos),
        ConfusionMatrix.FALSE_POSITIVES: (label_is_neg, pred_is_pos),
        ConfusionMatrix.TRUE_NEGATIVES: (label_is_neg, pred_is_neg),
        ConfusionMatrix.FALSE_NEGATIVES: (labels, pred_is_neg),
    }
    for key, variable in variables_to_update.items():
        label, pred = conditions[key]
        variable.assign_add(count(label, pred))


def _filter_top_k(x, k):
    """Keeps the k largest values along the last axis; the rest become NEG_INF.

    Ties are broken by position (lower index first), as a stable top-k does.
    The rank of x[i] is the number of entries larger than it plus the number
    of equal entries before it; entries with rank < k are kept.
    """
    x = ops.convert_to_tensor(x)
    n = x.shape[-1]
    a = ops.expand_dims(x, -1)  # (..., n, 1): the entry being ranked
    b = ops.expand_dims(x, -2)  # (..., 1, n): the entries it is compared to
    before = ops.convert_to_tensor(np.tril(np.ones((n, n), bool), -1))
    larger = ops.greater(b, a)
    tied_before = ops.logical_and(ops.equal(b, a), before)
    rank = ops.sum(
        ops.cast(ops.logical_or(larger, tied_before), "int32"), axis=-1
    )
    keep = ops.less(rank, k)
    return ops.where(keep, x, ops.full((), NEG_INF, dtype=x.dtype))


def in_top_k(targets, predictions, k):
    """Whether each target class is among the top `k` predictions of its row.

    As TensorFlow's `in_top_k`: classes tied with the k-th largest value all
    count as in the top k; a non-finite prediction for the target, or a
    target outside [0, num_classes), gives False.
    """
    predictions = ops.convert_to_tensor(predictions)
    targets = ops.cast(ops.convert_to_tensor(targets), "int32")
    num_classes = predictions.shape[-1]
    valid = ops.logical_and(
        ops.greater_equal(targets, 0), ops.less(targets, num_classes)
    )
    safe = ops.where(valid, targets, ops.zeros((), "int32"))
    target_pred = ops.take_along_axis(
        predictions, ops.expand_dims(safe, -1), axis=-1
    )
    num_larger = ops.sum(
        ops.cast(ops.greater(predictions, target_pred), "int32"), axis=-1
    )
    finite = ops.isfinite(ops.squeeze(target_pred, -1))
    return ops.logical_and(
        ops.logical_and(valid, finite), ops.less(num_larger, k)
    )


def is_binary_or_sparse_categorical(y_true, y_pred):
    """(is_binary, is_sparse_categorical) from the shapes, as Keras decides."""
    y_t_rank, y_p_rank = len(y_true.shape), len(y_pred.shape)
    y_t_last = y_true.shape[-1] if y_t_rank else None
    y_p_last = y_pred.shape[-1] if y_p_rank else None
    is_binary = y_p_last == 1
    is_sparse_categorical = y_t_rank < y_p_rank or (
        y_t_last == 1 and y_p_last is not None and y_p_last > 1
    )
    return is_binary, is_sparse_categorical


def get_metric(identifier, y_true, y_pred):
    """The Metric that `compile(metrics=[identifier])` builds for one output.

    "accuracy" and "acc" (any case) become BinaryAccuracy when `y_pred` has
    one unit, SparseCategoricalAccuracy when `y_true` has lower rank or a last
    dimension of 1, else CategoricalAccuracy, named by the identifier. Other
    identifiers go through `metrics.get`; plain functions are wrapped in a
    MeanMetricWrapper. String identifiers name the metric. `y_true` and
    `y_pred` only need `.shape` (tensors, arrays or KerasTensors).
    """
    metrics_module = _METRICS_PACKAGE[0]

    if identifier is None:
        return None
    if str(identifier).lower() in ("accuracy", "acc"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        if is_binary:
            metric = metrics_module.BinaryAccuracy(name=str(identifier))
        elif is_sparse:
            metric = metrics_module.SparseCategoricalAccuracy(
                name=str(identifier)
            )
        else:
            metric = metrics_module.CategoricalAccuracy(name=str(identifier))
    else:
        metric = metrics_module.get(identifier)
    if isinstance(identifier, str):
        name = identifier
    else:
        name = getattr(metric, "name", None) or _snake(metric)
    if not isinstance(metric, metrics_module.Metric):
        metric = metrics_module.MeanMetricWrapper(metric, name=name)
    metric.name = name
    return metric


def _snake(obj):
    return to_snake_case(getattr(obj, "__name__", type(obj).__name__))


# get_metric needs the metrics package (its classes and `get`), which sits above this module:
# kerasnet/metrics/__init__.py hands itself in at its import (register_metrics_package).
_METRICS_PACKAGE = [None]


def register_metrics_package(package):
    """Called once by kerasnet.metrics."""
    _METRICS_PACKAGE[0] = package
