"""The Python face of the engine's Tensor: repr, numpy priority, conversions."""

import numpy as np

from kerasnet import _C

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


def is_tensor(x):
    """True for engine tensors (Variables are not tensors, as in Keras)."""
    from kerasnet.backend.variable import Variable

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
        from kerasnet.backend.dtypes import standardize_dtype

        dtype = standardize_dtype(dtype)
    if isinstance(x, Tensor) and dtype is None:
        from kerasnet.backend.variable import Variable

        return x.value if isinstance(x, Variable) else x
    return Tensor(x, dtype, False)


def convert_to_numpy(x):
    """A numpy array of the value (a writable copy for tensors)."""
    if isinstance(x, Tensor):
        return x.numpy()
    return np.asarray(x)
