"""kerasnet.ops: Keras 3's functional ops (numpy-like and nn) on kerasnet's engine."""

from kerasnet.ops.attention import dot_product_attention  # noqa: F401
from kerasnet.ops.conv import conv, conv_transpose, depthwise_conv, separable_conv  # noqa: F401
from kerasnet.ops.core import *  # noqa: F401,F403
from kerasnet.ops.core import slice, custom_gradient, stop_gradient  # noqa: F401
from kerasnet.ops.creation import *  # noqa: F401,F403
from kerasnet.ops.einsum import einsum  # noqa: F401
from kerasnet.ops.elementwise import *  # noqa: F401,F403
from kerasnet.ops.elementwise import abs, round  # noqa: F401
from kerasnet.ops.index import *  # noqa: F401,F403
from kerasnet.ops.matmul import *  # noqa: F401,F403
from kerasnet.ops.norm import *  # noqa: F401,F403
from kerasnet.ops.pool import average_pool, max_pool  # noqa: F401
from kerasnet.ops.reduce import *  # noqa: F401,F403
from kerasnet.ops.reduce import all, any, max, min, sum  # noqa: F401
from kerasnet.ops.shape import *  # noqa: F401,F403

# Importing the family module `kerasnet.ops.shape` binds the package attribute
# `shape` to that module; Keras' `ops.shape` is the function.
from kerasnet.ops.core import shape  # noqa: E402,F401
from kerasnet.ops.symbolic import op_layer_class as _op_layer_class, symbolic_aware as _symbolic_aware
from kerasnet.ops import symbolic as _symbolic  # noqa: E402
from kerasnet.backend import keras_tensor as _keras_tensor  # noqa: E402
import sys as _sys  # noqa: E402


def _wrap_public_ops():
    """Makes every public op accept KerasTensors (Functional API), see symbolic.py."""
    g = globals()
    skip = {"convert_to_numpy", "convert_to_tensor", "is_tensor", "shape", "ndim",
            "size", "dtype", "custom_gradient"}
    for name, value in list(g.items()):
        if name.startswith("_") or name in skip or not callable(value) or isinstance(value, type):
            continue
        g[name] = _symbolic_aware(value, name)


_wrap_public_ops()


# backend.keras_tensor (operators, x[key]) and ops.symbolic (OpLayer.from_config) reach this
# package through what it hands them here, not by importing it (DESIGN.md: ops -> backend).
_keras_tensor.register_ops(_sys.modules[__name__], _symbolic.symbolic_getitem)
_symbolic.register_ops_module(_sys.modules[__name__])


def __getattr__(name):
    # The op-node layer of Functional graphs, found here when a saved graph
    # is loaded (it is created on first use, see symbolic.py).
    if name == "OpLayer":
        return _op_layer_class()
    raise AttributeError(f"module 'kerasnet.ops' has no attribute '{name}'")
