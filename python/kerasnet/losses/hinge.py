"""Hinge losses: Hinge, SquaredHinge, CategoricalHinge."""

from kerasnet import ops
from kerasnet.losses.loss import LossFunctionWrapper
from kerasnet.losses.regression import prepare


def convert_binary_labels_to_hinge(y_true):
    """Maps labels in {0, 1} to {-1, 1}; leaves other labels unchanged.

    The choice is made for the whole tensor, as Keras does: only when every
    label is 0 or 1.
    """
    is_binary = ops.all(
        ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1))
    )
    converted = ops.subtract(ops.multiply(y_true, 2.0), 1.0)
    return ops.where(is_binary, converted, y_true)


def hinge(y_true, y_pred):
    """`mean(maximum(1 - y_true * y_pred, 0), axis=-1)`.

    Labels in {-1, 1}, or {0, 1} (converted).
    """
    y_true, y_pred = prepare(y_true, y_pred)
    y_true = convert_binary_labels_to_hinge(y_true)
    margin = ops.subtract(1.0, ops.multiply(y_true, y_pred))
    return ops.mean(ops.maximum(margin, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """`mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`."""
    y_true, y_pred = prepare(y_true, y_pred)
    y_true = convert_binary_labels_to_hinge(y_true)
    margin = ops.subtract(1.0, ops.multiply(y_true, y_pred))
    return ops.mean(ops.square(ops.maximum(margin, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """`maximum(neg - pos + 1, 0)` with `pos = sum(y_true * y_pred)` and
    `neg = max((1 - y_true) * y_pred)` over the last axis."""
    y_true, y_pred = prepare(y_true, y_pred)
    pos = ops.sum(ops.multiply(y_true, y_pred), axis=-1)
    neg = ops.max(ops.multiply(ops.subtract(1.0, y_true), y_pred), axis=-1)
    return ops.maximum(ops.add(ops.subtract(neg, pos), 1.0), 0.0)


class Hinge(LossFunctionWrapper):
    """Hinge loss: `maximum(1 - y_true * y_pred, 0)`.

    `y_true` should be -1 or 1; binary 0/1 labels are converted.

    Args:
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self, reduction="sum_over_batch_size", name="hinge", dtype=None
    ):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss: `square(maximum(1 - y_true * y_pred, 0))`.

    Args:
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None
    ):
        super().__init__(
            squared_hinge, name=name, reduction=reduction, dtype=dtype
        )


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss: `maximum(neg - pos + 1, 0)`.

    Args:
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype of the computation.
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="categorical_hinge",
        dtype=None,
    ):
        super().__init__(
            categorical_hinge, name=name, reduction=reduction, dtype=dtype
        )

