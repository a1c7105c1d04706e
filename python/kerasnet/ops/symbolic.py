"""kerasnet.ops on KerasTensors: each call records an op node in the Functional graph.

`symbolic_aware(fn)` wraps an op so that, when its arguments hold KerasTensors
(the engine rejects them with a TypeError), the call is recorded as an
`OpLayer` node whose output spec is found by running the op on zeros.
"""

import functools

from kerasnet.backend.keras_tensor import KerasTensor, any_symbolic_tensors


# kerasnet/ops/__init__.py hands in the ops package at its import (register_ops_module): the
# package sits above this module and wraps its ops with it.
_REGISTERED = {}


def register_ops_module(ops_module):
    """Called by kerasnet.ops: where OpLayer.from_config finds an op by name."""
    _REGISTERED["ops"] = ops_module


def _op_layer_class():
    # Start-up time: `import kerasnet` does not load the layers (they load on first use, see
    # kerasnet/__init__.py), so OpLayer's base class is imported when the first op node is built.
    # Also a mutual dependency: layers (above ops) import ops.
    from kerasnet.layers.layer import Layer

    class OpLayer(Layer):
        """A kerasnet.ops function applied inside a Functional model."""

        def __init__(self, fn, op_name, **kwargs):
            super().__init__(name=kwargs.pop("name", None) or None, autocast=False, **kwargs)
            self.fn = fn
            self.op_name = op_name
            self.built = True

        def call(self, *args, **kwargs):
            return self.fn(*args, **kwargs)

        def get_config(self):
            config = super().get_config()
            config["op_name"] = self.op_name
            return config

        @classmethod
        def from_config(cls, config):
            ops = _REGISTERED["ops"]
            name = config.pop("op_name")
            config.pop("trainable", None)
            config.pop("dtype", None)
            fn = _getitem if name == "__getitem__" else getattr(ops, name)
            return cls(fn, name, **config)

    return OpLayer


_OP_LAYER = None


def op_layer_class():
    global _OP_LAYER
    if _OP_LAYER is None:
        _OP_LAYER = _op_layer_class()
    return _OP_LAYER


def symbolic_call(fn, op_name, args, kwargs):
    layer = op_layer_class()(fn, op_name)
    return layer(*args, **kwargs)


def symbolic_aware(fn, op_name):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TypeError:
            if any_symbolic_tensors(args, kwargs):
                return symbolic_call(fn, op_name, args, kwargs)
            raise

    wrapper.__kn_op__ = op_name
    return wrapper


def _getitem(x, key):
    # A tuple key comes back from a saved config as a list (as Keras' GetItem).
    return x[tuple(key) if isinstance(key, list) else key]


def symbolic_getitem(x, key):
    return symbolic_call(_getitem, "__getitem__", (x, key), {})


def is_symbolic(x):
    return isinstance(x, KerasTensor)
