"""Deterministic initializers: Constant, Zeros, Ones, Identity."""

import numpy as np

from kerasnet import ops
from kerasnet.saving.serialization_lib import (
    deserialize_keras_object,
    serialize_keras_object,
)
from kerasnet.backend import standardize_dtype
from kerasnet.initializers.initializer import Initializer, check_shape


class Constant(Initializer):
    """Initializer that fills tensors with a constant value.

    Args:
        value: a Python scalar (or an array broadcastable to the requested
            shape), convertible to the requested dtype.

    Example:

    >>> initializer = Constant(10.0)
    >>> values = initializer(shape=(2, 2))
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        shape = check_shape(shape)
        dtype = standardize_dtype(dtype)
        value = ops.cast(ops.convert_to_tensor(np.asarray(self.value)), dtype)
        return ops.multiply(value, ops.ones(shape, dtype=dtype))

    def get_config(self):
        return {"value": serialize_keras_object(self.value)}

    @classmethod
    def from_config(cls, config):
        return cls(deserialize_keras_object(config.get("value", 0.0)))


class Zeros(Initializer):
    """Initializer that fills tensors with 0.

    Example:

    >>> values = Zeros()(shape=(2, 2))
    """

    def __call__(self, shape, dtype=None):
        return ops.zeros(check_shape(shape), dtype=standardize_dtype(dtype))


class Ones(Initializer):
    """Initializer that fills tensors with 1.

    Example:

    >>> values = Ones()(shape=(2, 2))
    """

    def __call__(self, shape, dtype=None):
        return ops.ones(check_shape(shape), dtype=standardize_dtype(dtype))


class Identity(Initializer):
    """Initializer that generates the identity matrix (2D shapes only).

    Non-square shapes get ones on the main diagonal.

    Args:
        gain: multiplicative factor applied to the identity matrix.

    Example:

    >>> values = Identity(gain=2.0)(shape=(3, 3))
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = check_shape(shape)
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D "
                f"matrices. Received: shape={shape} of rank {len(shape)}."
            )
        dtype = standardize_dtype(dtype)
        eye = ops.eye(shape[0], shape[1], dtype=dtype)
        return ops.cast(ops.multiply(eye, self.gain), dtype)

    def get_config(self):
        return {"gain": self.gain}


IdentityInitializer = Identity
