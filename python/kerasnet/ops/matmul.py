"""matmul and the products built on it."""

from kerasnet import _C
from kerasnet.backend.tensor import as_tensor as _as_tensor

# ops/__init__ star-imports this module (no __all__): every public name at the top
# becomes a kerasnet.ops name, hence the private `_as_tensor` and the function-local
# imports of numpy below.

matmul = _C.matmul


def _linear(x, kernel, bias=None, activation="linear"):
    """activation(x @ kernel + bias) as one GEMM with the bias and ReLU in its epilogue (Dense
    layers; activation 'linear' or 'relu', bias None or one value per unit)."""
    return _C.linear(x, kernel, bias, activation)


def dot(x1, x2):
    x1 = _as_tensor(x1)
    x2 = _as_tensor(x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return _C.multiply(x1, x2)
    return _C.matmul(x1, x2)


def outer(x1, x2):
    return _C.multiply(_C.reshape(x1, (-1, 1)), _C.reshape(x2, (1, -1)))


def vdot(x1, x2):
    return _C.sum(_C.multiply(_C.reshape(x1, (-1,)), _C.reshape(x2, (-1,))))


def trace(x, offset=0, axis1=0, axis2=1):
    import numpy as np

    x = _as_tensor(x)
    n, m = x.shape[axis1], x.shape[axis2]
    mask = np.eye(n, m, offset, dtype=bool)
    shape = [1] * x.ndim
    shape[axis1], shape[axis2] = n, m
    picked = _C.where(np.reshape(mask, shape), x, _C.zeros((), x.dtype))
    return _C.sum(picked, (axis1, axis2))
