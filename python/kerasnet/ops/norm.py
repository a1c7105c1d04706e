"""Normalisations along an axis: softmax, log_softmax."""

from kerasnet import _C


def softmax(x, axis=-1):
    if isinstance(axis, (tuple, list)):
        if len(axis) != 1:
            raise ValueError("kerasnet.ops.softmax supports a single axis.")
        axis = axis[0]
    return _C.softmax(x, int(axis))


def log_softmax(x, axis=-1):
    if isinstance(axis, (tuple, list)):
        if len(axis) != 1:
            raise ValueError("kerasnet.ops.log_softmax supports a single axis.")
        axis = axis[0]
    return _C.log_softmax(x, int(axis))
