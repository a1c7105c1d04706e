"""Gather/scatter ops: take, take_along_axis, one_hot, nonzero, scatter."""

from kerasnet import _C
from kerasnet.backend.dtypes import standardize_dtype

take = _C.take


def take_along_axis(x, indices, axis=None):
    if axis is None:
        return _C.take_along_axis(_C.reshape(x, (-1,)), _C.reshape(indices, (-1,)), 0)
    return _C.take_along_axis(x, indices, axis)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    if sparse:
        raise ValueError("kerasnet does not support sparse tensors.")
    return _C.one_hot(x, int(num_classes), int(axis), standardize_dtype(dtype))


def nonzero(x):
    """A tuple with one int array of indices per axis (numpy order)."""
    coords = _C.nonzero(x)
    return tuple(coords[:, d] for d in range(coords.shape[1]))
