"""KerasTensor: the symbolic tensor of the Functional API.

A KerasTensor has a shape (None for unknown dimensions), a dtype and the
history of the layer call that produced it. It holds no data: applying a layer
to KerasTensors records a graph node, and applying a `kerasnet.ops` function or
an operator (`x + 1`, `x[:, 0]`) records an op node (see ops/symbolic.py).
"""

from kerasnet.backend import tree
from kerasnet.backend.dtypes import standardize_dtype


class KerasHistory:
    """(layer, node_index, tensor_index) of the call that made a KerasTensor."""

    __slots__ = ("operation", "node_index", "tensor_index")

    def __init__(self, operation, node_index, tensor_index):
        self.operation = operation
        self.node_index = node_index
        self.tensor_index = tensor_index

    def __iter__(self):
        return iter((self.operation, self.node_index, self.tensor_index))


# kerasnet.ops sits above backend (DESIGN.md), so it hands its operators in at its own
# import (register_ops, called by kerasnet/ops/__init__.py) instead of backend reaching up.
_REGISTERED = {}


def register_ops(ops_module, symbolic_getitem):
    """Called once by kerasnet.ops: the package the operators dispatch to, and x[key]."""
    _REGISTERED["ops"] = ops_module
    _REGISTERED["symbolic_getitem"] = symbolic_getitem


class KerasTensor:
    """A symbolic tensor: shape, dtype and the layer call that produced it."""

    def __init__(self, shape, dtype="float32", sparse=False, name=None, record_history=True):
        self._shape = tuple(None if d is None else int(d) for d in shape)
        self._dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.name = name
        self._keras_history = None
        self._keras_mask = None

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def ndim(self):
        return len(self._shape)

    def reshape(self, newshape):
        return self._op("reshape", self, newshape)

    def __repr__(self):
        return (
            f"<KerasTensor shape={self.shape}, dtype={self.dtype}, "
            f"sparse={self.sparse}, name={self.name}>"
        )

    def __array__(self, *args, **kwargs):
        raise TypeError(
            "A KerasTensor is symbolic: it is a placeholder for a value that "
            "only exists when the model is called. You are likely using it "
            "where a concrete tensor or numpy array is expected (outside of a "
            "Functional model, or in a numpy function). Use kerasnet.ops "
            "functions or a layer instead."
        )

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a Python boolean.")

    def __len__(self):
        if not self._shape or self._shape[0] is None:
            raise TypeError("len() of a KerasTensor with unknown first dimension")
        return self._shape[0]

    def __iter__(self):
        # TypeError, as Python raises for any object that cannot be iterated (unpacking a
        # KerasTensor is a common slip: `a, b = keras.Input((2,))`).
        raise TypeError(
            "Iterating over a symbolic KerasTensor is not supported: index it "
            "(x[:, 0]) or use keras.ops.split / keras.ops.unstack."
        )

    __hash__ = object.__hash__

    # Operators record op nodes (ops/symbolic.py).
    def _op(self, name, *args):
        return getattr(_REGISTERED["ops"], name)(*args)

    def __add__(self, o): return self._op("add", self, o)
    def __radd__(self, o): return self._op("add", o, self)
    def __sub__(self, o): return self._op("subtract", self, o)
    def __rsub__(self, o): return self._op("subtract", o, self)
    def __mul__(self, o): return self._op("multiply", self, o)
    def __rmul__(self, o): return self._op("multiply", o, self)
    def __truediv__(self, o): return self._op("divide", self, o)
    def __rtruediv__(self, o): return self._op("divide", o, self)
    def __floordiv__(self, o): return self._op("floor_divide", self, o)
    def __rfloordiv__(self, o): return self._op("floor_divide", o, self)
    def __mod__(self, o): return self._op("mod", self, o)
    def __rmod__(self, o): return self._op("mod", o, self)
    def __pow__(self, o): return self._op("power", self, o)
    def __rpow__(self, o): return self._op("power", o, self)
    def __matmul__(self, o): return self._op("matmul", self, o)
    def __rmatmul__(self, o): return self._op("matmul", o, self)
    def __neg__(self): return self._op("negative", self)
    def __abs__(self): return self._op("abs", self)
    def __lt__(self, o): return self._op("less", self, o)
    def __le__(self, o): return self._op("less_equal", self, o)
    def __gt__(self, o): return self._op("greater", self, o)
    def __ge__(self, o): return self._op("greater_equal", self, o)
    def __and__(self, o): return self._op("logical_and", self, o)
    def __or__(self, o): return self._op("logical_or", self, o)
    def __invert__(self): return self._op("logical_not", self)

    def __getitem__(self, key):
        return _REGISTERED["symbolic_getitem"](self, key)


def is_keras_tensor(x):
    return isinstance(x, KerasTensor)


def any_symbolic_tensors(args=(), kwargs=None):
    for x in tree.flatten((list(args), kwargs or {})):
        if isinstance(x, KerasTensor):
            return True
    return False
