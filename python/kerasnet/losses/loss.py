"""Loss: the base class of losses, the reductions, masks and sample weights.

Here: `Loss` (and `LossFunctionWrapper`, a Loss around a per-sample function),
`reduction` handling as Keras 3 does it ("sum_over_batch_size", "sum", "mean",
"mean_with_sample_weight", "none" / None), the merge of Keras masks
(`_keras_mask` on a tensor) into sample weights, and Keras' rank alignment of
targets, predictions and weights. Not here: the loss formulas (regression.py,
probabilistic.py, hinge.py).
"""

import numpy as np

from kerasnet import ops
from kerasnet.saving.serialization_lib import (
    auto_name,
    deserialize_keras_object,
    serialize_keras_object,
)
from kerasnet.backend import Tensor, floatx, is_tensor, standardize_dtype
from kerasnet.backend import tree

REDUCTIONS = (
    "sum_over_batch_size",
    "sum",
    None,
    "none",
    "mean",
    "mean_with_sample_weight",
)


class Loss:
    """Loss base class: subclass it and implement `call(y_true, y_pred)`.

    Calling a loss converts both arguments to its dtype, computes the
    per-sample values with `call`, weights them by `sample_weight` (and by the
    Keras mask of `y_pred`, if any) and reduces them by `reduction`.

    Args:
        name: name of the loss instance (snake_case of the class by default).
        reduction: "sum_over_batch_size" (default; the weighted sum divided by
            the number of elements), "mean" (the same), "sum", "none" / None
            (no reduction), or "mean_with_sample_weight" (the weighted sum
            divided by the sum of the sample weights).
        dtype: dtype of the computation (default `floatx()`).

    Example:

    ```python
    class MeanSquaredError(Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.square(y_pred - y_true), axis=-1)
    ```
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(
                f"Argument `name` must be a string. Received: name={name!r}"
            )
        self.name = name or auto_name(self.__class__.__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = standardize_dtype(dtype or floatx())

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        in_mask = get_keras_mask(y_pred)
        y_pred = _map(lambda x: _convert(x, self.dtype), y_pred)
        y_true = _map(lambda x: _convert(x, self.dtype), y_true)
        losses = self.call(y_true, y_pred)
        out_mask = get_keras_mask(losses)
        if in_mask is not None and out_mask is not None:
            mask = ops.logical_and(in_mask, out_mask)
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(
            losses,
            sample_weight=sample_weight,
            mask=mask,
            reduction=self.reduction,
            dtype=self.dtype,
        )

    def call(self, y_true, y_pred):
        """The per-sample losses (abstract: every loss overrides it)."""
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{self.__class__.__name__} name={self.name}>"


class LossFunctionWrapper(Loss):
    """A Loss around `fn(y_true, y_pred, **kwargs)` giving per-sample losses.

    Args:
        fn: the loss function.
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
        **kwargs: keyword arguments passed to `fn`.
    """

    def __init__(
        self,
        fn,
        reduction="sum_over_batch_size",
        name=None,
        dtype=None,
        **kwargs,
    ):
        if not callable(fn):
            raise TypeError(
                f"Argument `fn` must be callable. Received: fn={fn!r}"
            )
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if is_structure(y_true) or is_structure(y_pred):
            pairs = tree.map_structure(
                squeeze_or_expand_to_same_rank, y_true, y_pred
            )
            y_true = tree.map_structure(lambda p: p[0], pairs)
            y_pred = tree.map_structure(lambda p: p[1], pairs)
        else:
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        # The named losses (MeanSquaredError, Huber, ...) pass exactly their own arguments to
        # their fixed function, so their config is the base fields plus those arguments; only
        # a bare wrapper also names its function.
        config = super().get_config()
        if type(self) is LossFunctionWrapper:
            config["fn"] = serialize_keras_object(self.fn)
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

    def __repr__(self):
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


def is_structure(x):
    """True for dicts and for lists/tuples holding tensors or arrays.

    A list of plain numbers (e.g. `[1, 2]` or `[[0.5, 0.5]]`) is one value,
    not a structure of outputs.
    """
    if isinstance(x, dict):
        return True
    if not isinstance(x, (list, tuple)):
        return False
    return any(
        isinstance(v, (dict, Tensor, np.ndarray)) or is_structure(v) for v in x
    )


def _map(fn, x):
    return tree.map_structure(fn, x) if is_structure(x) else fn(x)


def _convert(x, dtype):
    """`x` as a tensor of `dtype`, keeping activation logits if any."""
    if isinstance(x, Tensor) and x.dtype == dtype and is_tensor(x):
        return x
    converted = ops.convert_to_tensor(x, dtype=dtype)
    logits = getattr(x, "_keras_logits", None)
    if logits is not None:
        converted._keras_logits = logits
    return converted


def standardize_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(
            "Invalid value for argument `reduction`. "
            f"Expected one of {REDUCTIONS}. Received: reduction={reduction!r}"
        )
    return reduction


def get_keras_mask(x):
    """The Keras mask carried by a tensor (`_keras_mask`), or None."""
    return getattr(x, "_keras_mask", None)


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Aligns ranks that differ by one through a trailing axis of size 1.

    The higher-rank argument loses its trailing 1, except that a rank-1
    partner is expanded instead when `expand_rank_1` (Keras' rule).
    """
    x1_rank, x2_rank = len(x1.shape), len(x2.shape)
    if x1_rank == x2_rank:
        return x1, x2
    if x1_rank == x2_rank + 1 and x1.shape[-1] == 1:
        if x2_rank == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, -1)
        else:
            x1 = ops.squeeze(x1, -1)
    if x2_rank == x1_rank + 1 and x2.shape[-1] == 1:
        if x1_rank == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, -1)
        else:
            x2 = ops.squeeze(x2, -1)
    return x1, x2


def divide_no_nan(x, y):
    """x / y, with 0 where y == 0 (and a finite gradient there)."""
    y = ops.convert_to_tensor(y)
    zero = ops.equal(y, 0)
    safe_y = ops.where(zero, ops.ones_like(y), y)
    return ops.where(zero, ops.zeros((), dtype=y.dtype), ops.divide(x, safe_y))


def _num_elements(x):
    n = 1
    for d in x.shape:
        n *= d
    return n


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduces (already weighted) per-sample losses by `reduction`."""
    if reduction in (None, "none") or tuple(values.shape) in ((), (0,)):
        return values
    loss = ops.sum(values)
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            loss = divide_no_nan(
                loss, ops.cast(ops.sum(sample_weight), loss.dtype)
            )
        else:
            n = _num_elements(values)
            loss = ops.divide(loss, n) if n > 0 else loss
    return loss


def apply_mask(sample_weight, mask, dtype, reduction):
    """Merges a Keras mask into the sample weights.

    For the mean reductions the kept entries are scaled by total / valid, so
    the mean runs over the valid entries only.
    """
    if mask is None:
        return sample_weight
    mask = ops.cast(mask, dtype)
    if reduction in ("mean", "sum_over_batch_size"):
        total = float(_num_elements(mask))
        valid = ops.sum(mask)
        mask = ops.multiply(mask, divide_no_nan(total, valid))
    if sample_weight is None:
        return mask
    sample_weight = ops.cast(sample_weight, dtype)
    mask, sample_weight = squeeze_or_expand_to_same_rank(mask, sample_weight)
    return ops.multiply(sample_weight, mask)


def reduce_weighted_values(
    values,
    sample_weight=None,
    mask=None,
    reduction="sum_over_batch_size",
    dtype=None,
):
    """Weights per-sample losses by `sample_weight` and `mask`, then reduces."""
    reduction = standardize_reduction(reduction)
    values = ops.convert_to_tensor(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=dtype)
    sample_weight = apply_mask(sample_weight, mask, values.dtype, reduction)
    if sample_weight is not None:
        sample_weight = ops.cast(sample_weight, values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(
            values, sample_weight
        )
        _check_broadcastable(values, sample_weight)
        values = ops.multiply(values, sample_weight)
    return reduce_values(values, sample_weight, reduction)


def _check_broadcastable(values, sample_weight):
    vs, ws = tuple(values.shape), tuple(sample_weight.shape)
    for v, w in zip(reversed(vs), reversed(ws)):
        if w != v and w != 1 and v != 1:
            raise ValueError(
                "`sample_weight` cannot be broadcast to the per-sample losses. "
                f"Received: sample_weight.shape={ws}, losses.shape={vs}"
            )


# The losses package, above this module, hands in its lookup table at its import
# (register_all_objects, called by kerasnet/losses/__init__.py).
_ALL_OBJECTS_DICT = {}


def register_all_objects(all_objects_dict):
    """Called once by kerasnet.losses: the names `fn` of a saved config is resolved against."""
    global _ALL_OBJECTS_DICT
    _ALL_OBJECTS_DICT = all_objects_dict
