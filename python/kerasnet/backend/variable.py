"""kerasnet.Variable: a tensor updated in place (Keras 3's KerasVariable API)."""

import weakref

import numpy as np

from kerasnet import _C
from kerasnet.backend.dtypes import standardize_dtype

# Variables by tensor id, so the tape can hand back the Python objects it watched.
_BY_ID = weakref.WeakValueDictionary()


class Variable(_C.Tensor):
    """A mutable tensor holding model state.

    Args:
        initializer: the initial value (array-like, tensor), or a callable
            `initializer(shape, dtype)` (an initializer object or the name of
            one, such as "glorot_uniform"), in which case `shape` is required.
        shape: the shape; required with a callable initializer.
        dtype: the dtype; defaults to `floatx()` ("float32").
        trainable: whether gradient tapes watch it on read and optimizers
            update it.
        autocast: kept for Keras compatibility.
        aggregation: kept for Keras compatibility ("none", "mean", "sum",
            "only_first_replica").
        synchronization: kept for Keras compatibility.
        name: the variable's name (default "variable").

    Example:

    >>> v = kerasnet.Variable(np.ones((2, 3)), name="w")
    >>> v.assign_add(np.ones((2, 3)))
    """

    def __init__(
        self,
        initializer,
        shape=None,
        dtype=None,
        trainable=True,
        autocast=True,
        aggregation="none",
        synchronization="auto",
        name=None,
    ):
        name = name or "variable"
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain "
                f"character `/`. Received: name={name!r}"
            )
        dtype = standardize_dtype(dtype)
        if isinstance(initializer, str):
            # Start-up time: `import kerasnet` does not load the initializers (they load on
            # first use, see kerasnet/__init__.py); also a mutual dependency (they build on backend).
            from kerasnet import initializers

            initializer = initializers.get(initializer)
        if callable(initializer) and not isinstance(initializer, _C.Tensor):
            if shape is None:
                raise ValueError(
                    "When creating a Variable from an initializer, the "
                    "`shape` argument should be specified. "
                    f"Received: initializer={initializer} and shape={shape}"
                )
            shape = tuple(int(d) for d in shape)
            value = initializer(shape, dtype=dtype)
        else:
            value = initializer
        super().__init__(value, dtype, True)
        if shape is not None and tuple(shape) != self.shape:
            raise ValueError(
                "Initial value has shape "
                f"{self.shape}, which is incompatible with the declared "
                f"shape {tuple(shape)}."
            )
        self._name = name
        self._path = name
        self._trainable = bool(trainable)
        self._autocast = autocast
        self._aggregation = aggregation
        self._synchronization = synchronization
        self.constraint = None
        self.regularizer = None
        self._overwrite_with_gradient = False
        _C._mark_variable(self, self._trainable)
        _BY_ID[self._id] = self

    # -- Keras API -----------------------------------------------------------------
    @property
    def value(self):
        """The current value as a tensor (same storage, watched like the variable)."""
        return _C._alias(self)

    @property
    def name(self):
        return self._name

    @property
    def path(self):
        return self._path

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        _C._mark_variable(self, self._trainable)

    @property
    def aggregation(self):
        return self._aggregation

    @property
    def synchronization(self):
        return self._synchronization

    @property
    def overwrite_with_gradient(self):
        return self._overwrite_with_gradient

    @overwrite_with_gradient.setter
    def overwrite_with_gradient(self, value):
        self._overwrite_with_gradient = bool(value)

    def assign(self, value):
        """Writes `value` into the variable in place (not recorded by tapes)."""
        _C._assign(self, value)
        return self

    def assign_add(self, value):
        return self.assign(_C.add(self, value))

    def assign_sub(self, value):
        return self.assign(_C.subtract(self, value))

    def numpy(self):
        return super().numpy()

    def __repr__(self):
        return (
            f"<Variable path={self.path}, shape={self.shape}, "
            f"dtype={self.dtype}, value={np.array2string(self.numpy())}>"
        )

    __str__ = __repr__

    def __reduce__(self):
        return (
            _rebuild_variable,
            (self.numpy(), self.dtype, self.trainable, self.name),
        )


def _rebuild_variable(value, dtype, trainable, name):
    return Variable(value, dtype=dtype, trainable=trainable, name=name)


def variable_by_id(tensor_id):
    return _BY_ID.get(tensor_id)
