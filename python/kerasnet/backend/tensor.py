"""The Python face of the engine's Tensor: repr, numpy priority, conversions."""

import numpy as np

from kerasnet import _C
from kerasnet.backend.dtypes import standardize_dtype
from kerasnet.backend.variable import Variable

Tensor = _C.Tensor

# ndarray (op) Tensor defers to Tensor's reflected operators.
Tensor.__array_priority__ = 100


def _tensor_repr(self):
    device = "" if self.device == "cpu" else f", device={self.device}"
    return (
        f"<kerasnet.Tensor: shape={self.shape}, dtype={self.dtype}{device}, "
        f"numpy=\n{self.numpy()!r}>"
    )


def _tensor_iter(self):
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    for i in range(self.shape[0]):
        yield self[i]


Tensor.__repr__ = _tensor_repr
Tensor.__str__ = _tensor_repr
Tensor.__iter__ = _tensor_iter


def as_tensor(x):
    """x as a Tensor: a Tensor (or Variable) as it is; anything else converted with
    the engine's dtype inference (numpy arrays keep theirs, Python floats become
    float32), without a copy for aligned, contiguous numpy arrays."""
    return x if isinstance(x, Tensor) else Tensor(x, None, False)


# Engine ops as they are, for kerasnet's own hot paths (Layer autocast, Functional
# inputs, the optimizer step) that already hold standard arguments: kerasnet.ops
# normalises its arguments first (`ops.cast` standardises the dtype name), and
# `ops.zeros_like` creates on the default device where this keeps x's device.
cast = _C.cast
zeros_like = _C.zeros_like


def is_tensor(x):
    """True for engine tensors (Variables are not tensors, as in Keras)."""
    return isinstance(x, Tensor) and not isinstance(x, Variable)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Converts numpy arrays, Python values and Variables to a Tensor.

    Aligned, contiguous numpy arrays are wrapped without a copy.
    """
    if sparse:
        raise ValueError("kerasnet does not support sparse tensors.")
    if ragged:
        raise ValueError("kerasnet does not support ragged tensors.")
    if dtype is not None:
        dtype = standardize_dtype(dtype)
    if isinstance(x, Tensor) and dtype is None:
        return x.value if isinstance(x, Variable) else x
    return Tensor(x, dtype, False)


def convert_to_numpy(x):
    """A numpy array of the value (a writable copy for tensors)."""
    if isinstance(x, Tensor):
        return x.numpy()
    return np.asarray(x)
