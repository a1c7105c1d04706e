"""Sum, Mean and MeanMetricWrapper: metrics that reduce per-sample values."""

from kerasnet import initializers, ops
from kerasnet.saving.serialization_lib import (
    deserialize_keras_object,
    serialize_keras_object,
)
from kerasnet.losses.loss import (
    apply_mask,
    divide_no_nan,
    get_keras_mask,
    squeeze_or_expand_to_same_rank,
)
from kerasnet.metrics.metric import Metric
from kerasnet import losses


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    """(values reduced to one per sample and weighted, the sample weights).

    Values are first reduced to the rank of `sample_weight` with `reduce_fn`,
    multiplied by the (broadcast) weights, then reduced to rank 1. A Keras
    mask on `values` acts as (or multiplies) the sample weights.
    """
    mask = get_keras_mask(values)
    values = ops.cast(ops.convert_to_tensor(values), dtype)
    if sample_weight is None and mask is not None:
        sample_weight = ops.cast(mask, dtype)
    elif sample_weight is not None:
        sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), dtype)
        sample_weight = apply_mask(sample_weight, mask, dtype, reduction="sum")
    if sample_weight is not None:
        values, sample_weight = squeeze_or_expand_to_same_rank(
            values, sample_weight
        )
        weight_ndim, values_ndim = sample_weight.ndim, values.ndim
        if values_ndim > weight_ndim:
            values = reduce_fn(
                values, axis=tuple(range(weight_ndim, values_ndim))
            )
        try:
            sample_weight = ops.broadcast_to(sample_weight, values.shape)
        except (ValueError, RuntimeError):
            raise ValueError(
                "`sample_weight` cannot be broadcast to the shape of the "
                f"values. Received: sample_weight.shape="
                f"{tuple(sample_weight.shape)}, values.shape="
                f"{tuple(values.shape)}"
            ) from None
        values = ops.multiply(values, sample_weight)
        if weight_ndim > 1:
            sample_weight = reduce_fn(
                sample_weight, axis=tuple(range(1, weight_ndim))
            )
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of the given values.

    For values [1, 3, 5, 7] the sum is 16; with sample_weight [1, 1, 0, 0] it
    is 4. One variable: `total`.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(
            shape=(),
            initializer=initializers.Zeros(),
            dtype=self.dtype,
            name="total",
        )

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(
            values, sample_weight, reduce_fn=ops.sum, dtype=self.dtype
        )
        self.total.assign_add(ops.sum(values))

    def reset_state(self):
        self.total.assign(ops.zeros((), dtype=self.dtype))

    def result(self):
        return ops.cast(self.total, self.dtype)


class Mean(Metric):
    """The (weighted) mean of the given values.

    For values [1, 3, 5, 7] the mean is 4; with sample_weight [1, 1, 0, 0] it
    is 2. Two variables: `total` and `count`; the result is total / count
    (0 while count is 0).

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(
            shape=(),
            initializer=initializers.Zeros(),
            dtype=self.dtype,
            name="total",
        )
        self.count = self.add_variable(
            shape=(),
            initializer=initializers.Zeros(),
            dtype=self.dtype,
            name="count",
        )

    def update_state(self, values, sample_weight=None):
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, reduce_fn=ops.mean, dtype=self.dtype
        )
        self.total.assign_add(ops.sum(values))
        if sample_weight is not None:
            num_samples = ops.sum(sample_weight)
        elif values.ndim >= 1:
            num_samples = float(values.shape[0])
        else:
            num_samples = 1.0
        self.count.assign_add(ops.convert_to_tensor(num_samples, self.dtype))

    def reset_state(self):
        self.total.assign(ops.zeros((), dtype=self.dtype))
        self.count.assign(ops.zeros((), dtype=self.dtype))

    def result(self):
        return divide_no_nan(
            ops.convert_to_tensor(self.total), ops.cast(self.count, self.dtype)
        )


class MeanMetricWrapper(Mean):
    """The running mean of a per-sample function `fn(y_true, y_pred, **kwargs)`.

    Args:
        fn: the function to wrap (e.g. a loss function).
        name: name of the metric instance.
        dtype: dtype of the result.
        **kwargs: keyword arguments passed to `fn`.

    Example:

    ```python
    def squared_error(y_true, y_pred):
        return (y_true - y_pred) ** 2

    metric = MeanMetricWrapper(fn=squared_error)
    ```
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(
                f"Argument `fn` must be callable. Received: fn={fn!r}"
            )
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        if fn in losses.ALL_OBJECTS or type(fn) in losses.ALL_OBJECTS:
            self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = get_keras_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if mask is not None:
            sample_weight = apply_mask(
                sample_weight, mask, self.dtype, reduction="sum"
            )
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        # The named metrics (Accuracy, MeanSquaredError, ...) pass exactly their own arguments
        # to their fixed function, so their config is name, dtype and those arguments; only a
        # bare wrapper also names its function.
        config = super().get_config()
        if type(self) is MeanMetricWrapper:
            config["fn"] = serialize_keras_object(self._fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize_keras_object(
                config["fn"], module_objects=_ALL_OBJECTS_DICT
            )
        return cls(**config)


class _LossMean(MeanMetricWrapper):
    """The running mean of a loss function `_FN` (the metric twins of the losses); lower is
    better."""

    _FN = None

    def __init__(self, name, dtype=None, **kwargs):
        super().__init__(type(self)._FN, name=name, dtype=dtype, **kwargs)
        self._direction = "down"


# The metrics package, above this module, hands in its lookup table at its import
# (register_all_objects, called by kerasnet/metrics/__init__.py).
_ALL_OBJECTS_DICT = {}


def register_all_objects(all_objects_dict):
    """Called once by kerasnet.metrics: the names `fn` of a saved config is resolved against."""
    global _ALL_OBJECTS_DICT
    _ALL_OBJECTS_DICT = all_objects_dict
