"""Core ops: conversions, shapes and dtypes of values, stop_gradient."""

from kerasnet import _C
from kerasnet.backend.tape import custom_gradient, stop_gradient  # noqa: F401
from kerasnet.backend.tensor import (  # noqa: F401
    convert_to_numpy,
    convert_to_tensor,
    is_tensor,
)
from kerasnet.backend.tensor import as_tensor as _as_tensor
from kerasnet.backend.dtypes import standardize_dtype

# ops/__init__ star-imports this module (no __all__): every public name at the top
# becomes a kerasnet.ops name, hence the private `_as_tensor` and the function-local
# imports of numpy and standardize_dtype below.


def shape(x):
    """The static shape of x as a tuple of ints."""
    if hasattr(x, "shape"):
        return tuple(x.shape)
    import numpy as np

    return np.shape(x)


def ndim(x):
    return len(shape(x))


def size(x):
    n = 1
    for d in shape(x):
        n *= d
    return n


def dtype(x):
    return standardize_dtype(getattr(x, "dtype", None) or type(x))


def slice(inputs, start_indices, shape):  # noqa: A001 (Keras' name)
    """inputs[start:start + shape] along every axis (Keras' ops.slice)."""
    starts = [int(s) for s in start_indices]
    stops = [s + int(n) for s, n in zip(starts, shape)]
    return _C.slice(inputs, starts, stops, [1] * len(starts))


def unstack(x, num=None, axis=0):
    x = _as_tensor(x)
    n = x.shape[axis]
    if num is not None and num != n:
        raise ValueError(f"`num` ({num}) does not match the axis size ({n}).")
    return [_C.squeeze(p, axis) for p in _C.split(x, n, axis)]
