"""to_categorical and normalize (Keras' keras.utils numerical helpers)."""

import numpy as np
from kerasnet.backend import is_tensor
from kerasnet import ops


def _is_tensor(x):
    return is_tensor(x)


def to_categorical(x, num_classes=None):
    """Converts a class vector (integers) to a one-hot class matrix.

    For use with `categorical_crossentropy`. A trailing axis of size 1 is
    dropped first, so labels of shape `(n, 1)` give `(n, num_classes)`.

    Args:
        x: array-like of class values (integers from 0 to `num_classes - 1`).
        num_classes: total number of classes. If `None`, it is inferred as
            `max(x) + 1`.

    Returns:
        A one-hot float array with the class axis last: a numpy array
        (float64, as Keras) for numpy-like input, a kerasnet tensor (float32)
        for a tensor input.

    Example:

    >>> keras.utils.to_categorical([0, 1, 2, 3], num_classes=4)
    array([[1., 0., 0., 0.],
           [0., 1., 0., 0.],
           [0., 0., 1., 0.],
           [0., 0., 0., 1.]])
    """
    if num_classes is not None:
        if (
            isinstance(num_classes, bool)
            or not isinstance(num_classes, (int, np.integer))
            or num_classes < 1
        ):
            raise ValueError(
                "`num_classes` must be a positive integer or None. "
                f"Received: num_classes={num_classes!r}"
            )
        num_classes = int(num_classes)
    if _is_tensor(x):
        if num_classes is None:
            num_classes = int(np.max(np.asarray(x))) + 1
        return ops.one_hot(x, num_classes)
    values = np.asarray(x)
    if values.dtype == object or not (
        np.issubdtype(values.dtype, np.integer)
        or np.issubdtype(values.dtype, np.floating)
        or values.dtype == bool
    ):
        raise TypeError(
            "`to_categorical` expects integer class labels. "
            f"Received an array of dtype {values.dtype}."
        )
    if np.issubdtype(values.dtype, np.floating) and not np.all(
        np.isfinite(values) & (values == np.round(values))
    ):
        raise ValueError(
            "`to_categorical` expects integer class labels; received "
            "non-integer values."
        )
    labels = values.astype("int64")
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    if labels.size and labels.min() < 0:
        raise ValueError(
            "`to_categorical` expects class labels >= 0. "
            f"Received a label of {labels.min()}."
        )
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    elif labels.size and labels.max() >= num_classes:
        raise ValueError(
            f"`to_categorical` received the label {labels.max()}, which is "
            f"out of range for num_classes={num_classes} (labels must be in "
            f"[0, {num_classes - 1}])."
        )
    out = np.zeros((labels.shape[0], num_classes))
    out[np.arange(labels.shape[0]), labels] = 1
    return out.reshape(shape + (num_classes,))


def _check_order(order):
    if order in ("fro", "nuc") or not (
        order == np.inf
        or (isinstance(order, (int, float, np.number)) and order > 0)
    ):
        raise ValueError(
            "`order` must be a positive number or np.inf for a vector norm. "
            f"Received: order={order!r}"
        )


def normalize(x, axis=-1, order=2):
    """Normalizes an array along an axis to unit norm.

    Slices whose norm is 0 are left unchanged. A numpy array in gives a numpy
    array out; a kerasnet tensor gives a tensor (computed with engine ops).

    Args:
        x: array to normalize.
        axis: axis along which to normalize. Defaults to `-1`.
        order: normalization order (`2` for the L2 norm, `1` for L1,
            `np.inf` for the max norm, any `p > 0`).

    Returns:
        A normalized copy of the array.
    """
    _check_order(order)
    if _is_tensor(x):
        return _normalize_tensor(x, axis, order)
    x = np.asarray(x)
    if x.ndim == 0:
        raise ValueError("`normalize` expects an array of rank >= 1.")
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    norm[norm == 0] = 1
    return x / norm


def _normalize_tensor(x, axis, order):
    if not str(x.dtype).startswith(("float", "bfloat")):
        x = ops.cast(x, "float32")
    a = ops.abs(x)
    if order == np.inf:
        norm = ops.max(a, axis=axis, keepdims=True)
    elif order == 2:
        norm = ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=True))
    elif order == 1:
        norm = ops.sum(a, axis=axis, keepdims=True)
    else:
        total = ops.sum(ops.power(a, float(order)), axis=axis, keepdims=True)
        norm = ops.power(total, 1.0 / float(order))
    norm = ops.where(ops.equal(norm, 0), ops.ones_like(norm), norm)
    return ops.divide(x, norm)
