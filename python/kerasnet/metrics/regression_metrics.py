"""Regression metrics: running means of the regression losses, RMSE, cosine."""

from kerasnet import ops
from kerasnet.losses.loss import squeeze_or_expand_to_same_rank
from kerasnet.losses.regression import (
    l2_normalize,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    prepare,
)
from kerasnet.metrics.reduction_metrics import Mean, MeanMetricWrapper, _LossMean


class MeanSquaredError(_LossMean):
    """Running mean of `mean(square(y_true - y_pred))`.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _FN = staticmethod(mean_squared_error)

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanAbsoluteError(_LossMean):
    """Running mean of `mean(abs(y_true - y_pred))`.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _FN = staticmethod(mean_absolute_error)

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanAbsolutePercentageError(_LossMean):
    """Running mean of `100 * mean(abs((y_true - y_pred) / y_true))`.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _FN = staticmethod(mean_absolute_percentage_error)

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_LossMean):
    """Running mean of `mean(square(log(y_true + 1) - log(y_pred + 1)))`.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _FN = staticmethod(mean_squared_logarithmic_error)

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class LogCoshError(_LossMean):
    """Running mean of `mean(log(cosh(y_pred - y_true)))`.

    Args:
        name: name of the metric instance (default "logcosh", as Keras).
        dtype: dtype of the result.
    """

    _FN = staticmethod(log_cosh)

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """`sqrt(mean(square(y_pred - y_true)))` over everything seen so far.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true, self.dtype)
        y_pred = ops.convert_to_tensor(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        error_sq = ops.square(ops.subtract(y_pred, y_true))
        return super().update_state(error_sq, sample_weight=sample_weight)

    def result(self):
        return ops.sqrt(super().result())


def cosine_similarity(y_true, y_pred, axis=-1):
    """`sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`."""
    y_true, y_pred = prepare(y_true, y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ops.sum(
        ops.multiply(l2_normalize(y_true, axis), l2_normalize(y_pred, axis)),
        axis=axis,
    )


class CosineSimilarity(MeanMetricWrapper):
    """Running mean of the cosine similarity between labels and predictions.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
        axis: the axis along which the similarity is computed (default -1).
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

