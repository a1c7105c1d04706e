"""Regression losses: MSE, MAE, MAPE, MSLE, Huber, LogCosh, CosineSimilarity.

Each is a function `fn(y_true, y_pred, ...)` returning one loss per sample
(reduced over the last axis) and a `Loss` class wrapping it.
"""

import math

from kerasnet import ops
from kerasnet.backend import epsilon
from kerasnet.losses.loss import (
    LossFunctionWrapper,
    squeeze_or_expand_to_same_rank,
)


def prepare(y_true, y_pred):
    """(y_true, y_pred) as tensors of y_pred's float dtype."""
    y_pred = ops.convert_to_tensor(y_pred)
    if y_pred.dtype not in ("float32", "float64"):
        y_pred = ops.cast(y_pred, "float32")
    y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype)
    return y_true, y_pred


def _aligned(y_true, y_pred):
    y_true, y_pred = prepare(y_true, y_pred)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def mean_squared_error(y_true, y_pred):
    """`mean(square(y_true - y_pred), axis=-1)`."""
    y_true, y_pred = _aligned(y_true, y_pred)
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """`mean(abs(y_true - y_pred), axis=-1)`."""
    y_true, y_pred = _aligned(y_true, y_pred)
    return ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """Mean absolute percentage error.

    `100 * mean(abs((y_true - y_pred) / max(abs(y_true), eps)), axis=-1)`.
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    denominator = ops.maximum(ops.abs(y_true), epsilon())
    diff = ops.abs(ops.divide(ops.subtract(y_true, y_pred), denominator))
    return ops.multiply(ops.mean(diff, axis=-1), 100.0)


def mean_squared_logarithmic_error(y_true, y_pred):
    """`mean(square(log(y_true + 1) - log(y_pred + 1)), axis=-1)`.

    Values below epsilon are replaced by epsilon before the log.
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    first = ops.log(ops.add(ops.maximum(y_pred, epsilon()), 1.0))
    second = ops.log(ops.add(ops.maximum(y_true, epsilon()), 1.0))
    return ops.mean(ops.square(ops.subtract(first, second)), axis=-1)


def l2_normalize(x, axis=-1):
    """`x / max(norm(x), epsilon)` along `axis` (Keras' `normalize`)."""
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    inv_norm = ops.minimum(ops.rsqrt(square_sum), 1.0 / epsilon())
    return ops.multiply(x, inv_norm)


def cosine_similarity(y_true, y_pred, axis=-1):
    """`-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`.

    Between -1 (same direction) and 1 (opposite); 0 when either is a zero
    vector.
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    y_pred = l2_normalize(y_pred, axis=axis)
    y_true = l2_normalize(y_true, axis=axis)
    return ops.negative(ops.sum(ops.multiply(y_true, y_pred), axis=axis))


def huber(y_true, y_pred, delta=1.0):
    """Mean over the last axis of 0.5 * e^2 where |e| <= delta, else
    delta * |e| - 0.5 * delta^2 (e = y_pred - y_true)."""
    y_true, y_pred = _aligned(y_true, y_pred)
    error = ops.subtract(y_pred, y_true)
    abs_error = ops.abs(error)
    quadratic = ops.multiply(ops.square(error), 0.5)
    linear = ops.subtract(ops.multiply(abs_error, delta), 0.5 * delta * delta)
    return ops.mean(
        ops.where(ops.less_equal(abs_error, delta), quadratic, linear), axis=-1
    )


def log_cosh(y_true, y_pred):
    """`mean(log(cosh(y_pred - y_true)), axis=-1)`, without overflow."""
    y_true, y_pred = _aligned(y_true, y_pred)
    x = ops.subtract(y_pred, y_true)
    # log(cosh(x)) = x + softplus(-2x) - log(2)
    value = ops.add(x, ops.softplus(ops.multiply(x, -2.0)))
    return ops.mean(ops.subtract(value, math.log(2.0)), axis=-1)


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squares of errors: `mean(square(y_true - y_pred))`.

    Args:
        reduction: see `Loss` (default "sum_over_batch_size").
        name: name of the loss instance.
        dtype: dtype of the computation (default floatx).
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_squared_error",
        dtype=None,
    ):
        super().__init__(
            mean_squared_error, name=name, reduction=reduction, dtype=dtype
        )


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors: `mean(abs(y_true - y_pred))`.

    Args:
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_absolute_error",
        dtype=None,
    ):
        super().__init__(
            mean_absolute_error, name=name, reduction=reduction, dtype=dtype
        )


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """`100 * mean(abs((y_true - y_pred) / y_true))`.

    Args:
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_absolute_percentage_error",
        dtype=None,
    ):
        super().__init__(
            mean_absolute_percentage_error,
            name=name,
            reduction=reduction,
            dtype=dtype,
        )


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """`mean(square(log(y_true + 1) - log(y_pred + 1)))`.

    Args:
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_squared_logarithmic_error",
        dtype=None,
    ):
        super().__init__(
            mean_squared_logarithmic_error,
            name=name,
            reduction=reduction,
            dtype=dtype,
        )


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity: `-sum(l2_norm(y_true) * l2_norm(y_pred))`.

    Args:
        axis: the axis along which the similarity is computed (default -1).
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self,
        axis=-1,
        reduction="sum_over_batch_size",
        name="cosine_similarity",
        dtype=None,
    ):
        super().__init__(
            cosine_similarity,
            name=name,
            reduction=reduction,
            dtype=dtype,
            axis=axis,
        )
        self.axis = axis


class Huber(LossFunctionWrapper):
    """Huber loss: quadratic for |error| <= delta, linear beyond.

    Args:
        delta: the point where the loss changes from quadratic to linear.
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self,
        delta=1.0,
        reduction="sum_over_batch_size",
        name="huber_loss",
        dtype=None,
    ):
        if isinstance(delta, bool) or not isinstance(delta, (int, float)):
            raise TypeError(
                f"Argument `delta` must be a number. Received: delta={delta!r}"
            )
        super().__init__(
            huber, name=name, reduction=reduction, dtype=dtype, delta=delta
        )
        self.delta = delta


class LogCosh(LossFunctionWrapper):
    """`mean(log(cosh(y_pred - y_true)))`: MSE-like if small, MAE-like if large.

    Args:
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self, reduction="sum_over_batch_size", name="log_cosh", dtype=None
    ):
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)

