"""Accuracy metrics: exact match, binary, categorical, sparse, top-k."""

from kerasnet import ops
from kerasnet.backend import floatx
from kerasnet.losses.loss import squeeze_or_expand_to_same_rank
from kerasnet.metrics.metrics_utils import in_top_k
from kerasnet.metrics.reduction_metrics import MeanMetricWrapper


def _tensor(x, dtype=None):
    return ops.convert_to_tensor(x, dtype=dtype)


def accuracy(y_true, y_pred):
    """1.0 where `y_true == y_pred`, averaged over the last axis."""
    y_pred = _tensor(y_pred)
    y_true = ops.cast(_tensor(y_true), y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ops.mean(ops.cast(ops.equal(y_true, y_pred), floatx()), axis=-1)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where `(y_pred > threshold) == y_true`, averaged on the last axis."""
    y_true = _tensor(y_true)
    y_pred = _tensor(y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = ops.cast(ops.greater(y_pred, threshold), y_true.dtype)
    return ops.mean(ops.cast(ops.equal(y_true, y_pred), floatx()), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """1.0 where `argmax(y_true) == argmax(y_pred)` (one value per sample)."""
    y_true = ops.argmax(_tensor(y_true), axis=-1)
    y_pred = _tensor(y_pred)
    reshape_matches = False
    true_shape = tuple(y_true.shape)
    if y_true.ndim == y_pred.ndim:
        y_true = ops.squeeze(y_true, -1)
        reshape_matches = True
    y_pred = ops.argmax(y_pred, axis=-1)
    if y_pred.dtype != y_true.dtype:
        y_pred = ops.cast(y_pred, y_true.dtype)
    matches = ops.cast(ops.equal(y_true, y_pred), floatx())
    if reshape_matches:
        matches = ops.reshape(matches, true_shape)
    return matches


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where `y_true == argmax(y_pred)`, for integer labels."""
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true)
    reshape_matches = False
    true_shape = tuple(y_true.shape)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
        reshape_matches = True
    y_pred = ops.argmax(y_pred, axis=-1)
    if y_pred.dtype != y_true.dtype:
        y_pred = ops.cast(y_pred, y_true.dtype)
    matches = ops.cast(ops.equal(y_true, y_pred), floatx())
    if reshape_matches:
        matches = ops.reshape(matches, true_shape)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = ops.squeeze(matches, -1)
    return matches


def _top_k_matches(y_true, y_pred, k):
    """in_top_k over flattened leading axes, shaped back like `y_true`."""
    true_shape = tuple(y_true.shape)
    if y_pred.ndim > 2:
        y_pred = ops.reshape(y_pred, (-1, y_pred.shape[-1]))
    if y_true.ndim > 1:
        y_true = ops.reshape(y_true, (-1,))
    matches = ops.cast(in_top_k(y_true, y_pred, k), floatx())
    if len(true_shape) > 1:
        matches = ops.reshape(matches, true_shape)
    return matches


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot target class is among the top `k` predictions."""
    _check_k(k)
    y_pred = _tensor(y_pred)
    y_true = ops.argmax(_tensor(y_true), axis=-1)
    return _top_k_matches(y_true, y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the integer target is among the top `k` predictions."""
    _check_k(k)
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true)
    return _top_k_matches(y_true, y_pred, k)


def _check_k(k):
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(
            f"Argument `k` must be a positive integer. Received: k={k!r}"
        )


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels (exactly).

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)
        self._direction = "up"


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` matches binary labels.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
        threshold: decision threshold in (0, 1) (default 0.5).
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        if threshold is not None and (
            isinstance(threshold, bool)
            or not isinstance(threshold, (int, float))
            or threshold <= 0
            or threshold >= 1
        ):
            raise ValueError(
                "Invalid value for argument `threshold`. Expected a value in "
                f"interval (0, 1). Received: threshold={threshold!r}"
            )
        super().__init__(
            fn=binary_accuracy,
            name=name,
            dtype=dtype,
            threshold=0.5 if threshold is None else threshold,
        )
        self.threshold = threshold
        self._direction = "up"


class CategoricalAccuracy(MeanMetricWrapper):
    """How often `argmax(y_pred)` matches one-hot labels (logits work too).

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often `argmax(y_pred)` matches integer labels (logits work too).

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is among the top `k` predictions.

    Args:
        k: number of top predictions considered (default 5).
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        _check_k(k)
        super().__init__(
            fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k
        )
        self.k = k
        self._direction = "up"


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target is among the top `k` predictions.

    Args:
        k: number of top predictions considered (default 5).
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(
        self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None
    ):
        _check_k(k)
        super().__init__(
            fn=sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k
        )
        self.k = k
        self._direction = "up"

