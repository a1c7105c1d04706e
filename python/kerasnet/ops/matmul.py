"""matmul and the products built on it."""

import numpy as np

from kerasnet import _C
from kerasnet.backend.tensor import Tensor, as_tensor
from kerasnet.ops.elementwise import add
from kerasnet.ops.fused_activation import fused_activation

# ops/__init__ star-imports this module: __all__ keeps the Keras ops (and only those) in
# kerasnet.ops. matmul_bias_act and dense_forward serve the Dense layer from here.
__all__ = ["matmul", "dot", "outer", "vdot", "trace"]

matmul = _C.matmul

# activation(x @ kernel + bias) as one GEMM with the bias and activation in its epilogue
# (csrc/ops/matmul/matmul_bias_act.cpp); activation is a FusedActivation, bias None or one value
# per unit.
matmul_bias_act = _C.matmul_bias_act


def dense_forward(x, kernel, bias=None, activation=None):
    """`activation(x @ kernel + bias)` for the Dense layer (bias None: none, activation None: linear).

    The one place that decides how it runs: as the fused matmul_bias_act when the engine's
    epilogue computes `activation` (fused_activation.py) and x is an engine tensor of the
    kernel's dtype, else as separate ops (matmul, add, then the activation function).
    """
    fused = fused_activation(activation)
    if fused is not None and isinstance(x, Tensor) and x.dtype == kernel.dtype:
        return _C.matmul_bias_act(x, kernel, bias, fused)
    y = _C.matmul(x, kernel)
    if bias is not None:
        y = add(y, bias)
    if activation is not None:
        y = activation(y)
    return y


def dot(x1, x2):
    x1 = as_tensor(x1)
    x2 = as_tensor(x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return _C.multiply(x1, x2)
    return _C.matmul(x1, x2)


def outer(x1, x2):
    return _C.multiply(_C.reshape(x1, (-1, 1)), _C.reshape(x2, (1, -1)))


def vdot(x1, x2):
    return _C.sum(_C.multiply(_C.reshape(x1, (-1,)), _C.reshape(x2, (-1,))))


def trace(x, offset=0, axis1=0, axis2=1):
    x = as_tensor(x)
    n, m = x.shape[axis1], x.shape[axis2]
    mask = np.eye(n, m, offset, dtype=bool)
    shape = [1] * x.ndim
    shape[axis1], shape[axis2] = n, m
    picked = _C.where(np.reshape(mask, shape), x, _C.zeros((), x.dtype))
    return _C.sum(picked, (axis1, axis2))
