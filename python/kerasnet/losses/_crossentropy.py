"""The cross-entropy math: one private helper per kind, with kerasnet.ops.

Note [Stable cross-entropy]
From logits, the categorical forms use log_softmax (log-sum-exp with the max
subtracted) and the binary form uses softplus(x) - t * x, which equals
-t log(sigmoid(x)) - (1 - t) log(1 - sigmoid(x)) without forming sigmoid.
From probabilities, as Keras does, the output is renormalised over the class
axis (categorical forms) and clipped to [epsilon, 1 - epsilon] before the log.
When `output` was produced by `activations.softmax` / `activations.sigmoid`
it carries its logits (`_keras_logits`), which are used instead (Keras'
TensorFlow behaviour), so probabilities of exactly 0 or 1 still give finite
losses and exact gradients.

These three functions are the seam for the engine's fused cross-entropy op:
swapping one in changes this file only.
"""

import warnings

from kerasnet import ops
from kerasnet.backend import epsilon


def _logits_of(output, from_logits, kind, axis=-1):
    """(tensor, from_logits), using cached logits when `output` has them."""
    logits = getattr(output, "_keras_logits", None)
    if logits is None or tuple(logits.shape) != tuple(output.shape):
        return output, from_logits
    if (
        axis is not None
        and len(output.shape)
        and (axis % len(output.shape) != len(output.shape) - 1)
    ):
        return output, from_logits
    if from_logits:
        warnings.warn(
            f'"`{kind}` received `from_logits=True`, but the `output` '
            "argument was produced by an activation and thus does not "
            'represent logits. Was this intended?"',
            stacklevel=3,
        )
    return ops.cast(logits, output.dtype), True


def _check_same_shape(target, output):
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={tuple(target.shape)}, "
            f"output.shape={tuple(output.shape)}"
        )


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise -t log(p) - (1 - t) log(1 - p); same shape as `output`."""
    _check_same_shape(target, output)
    output, from_logits = _logits_of(
        output, from_logits, "binary_crossentropy", axis=None
    )
    if from_logits:
        return ops.subtract(ops.softplus(output), ops.multiply(target, output))
    eps = epsilon()
    output = ops.clip(output, eps, 1.0 - eps)
    positive = ops.multiply(target, ops.log(output))
    negative = ops.multiply(
        ops.subtract(1.0, target), ops.log(ops.subtract(1.0, output))
    )
    return ops.negative(ops.add(positive, negative))


def _log_probabilities(output, from_logits, axis):
    if from_logits:
        return ops.log_softmax(output, axis=axis)
    output = ops.divide(output, ops.sum(output, axis=axis, keepdims=True))
    eps = epsilon()
    return ops.log(ops.clip(output, eps, 1.0 - eps))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(target * log(p), axis) for one-hot (or soft) targets."""
    _check_same_shape(target, output)
    if len(target.shape) < 1:
        raise ValueError(
            "Arguments `target` and `output` must be at least rank 1. "
            f"Received: target.shape={tuple(target.shape)}, "
            f"output.shape={tuple(output.shape)}"
        )
    output, from_logits = _logits_of(
        output, from_logits, "categorical_crossentropy", axis
    )
    log_prob = _log_probabilities(output, from_logits, axis)
    return ops.negative(ops.sum(ops.multiply(target, log_prob), axis=axis))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-log(p[target]) along `axis` for integer class targets.

    Targets outside [0, num_classes) give a loss of 0, as Keras' one-hot
    formulation does (this is what makes `ignore_class` work).
    """
    if len(output.shape) < 1:
        raise ValueError(
            "Argument `output` must be at least rank 1. "
            f"Received: output.shape={tuple(output.shape)}"
        )
    if len(target.shape) == len(output.shape) and target.shape[-1] == 1:
        target = ops.squeeze(target, -1)
    axis = axis % len(output.shape)
    expected = tuple(output.shape[:axis]) + tuple(output.shape[axis + 1 :])
    if tuple(target.shape) != expected:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up "
            "until the last dimension: "
            f"target.shape={tuple(target.shape)}, "
            f"output.shape={tuple(output.shape)}"
        )
    output, from_logits = _logits_of(
        output, from_logits, "sparse_categorical_crossentropy", axis
    )
    log_prob = _log_probabilities(output, from_logits, axis)
    num_classes = output.shape[axis]
    target = ops.cast(target, "int32")
    valid = ops.logical_and(
        ops.greater_equal(target, 0), ops.less(target, num_classes)
    )
    safe_target = ops.where(valid, target, ops.zeros((), dtype="int32"))
    picked = ops.take_along_axis(
        log_prob, ops.expand_dims(safe_target, axis), axis=axis
    )
    picked = ops.squeeze(picked, axis)
    return ops.where(
        valid, ops.negative(picked), ops.zeros((), dtype=picked.dtype)
    )
