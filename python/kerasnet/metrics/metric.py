"""Metric: the base class of stateful metrics (Keras 3 API)."""

from kerasnet import initializers, ops
from kerasnet.saving.serialization_lib import auto_name
from kerasnet.backend import Variable, floatx, standardize_dtype


class Metric:
    """Encapsulates metric logic and state.

    A metric accumulates statistics in non-trainable `kerasnet.Variable`s
    with `update_state(...)`, reports them with `result()` and starts over
    with `reset_state()`. Calling a metric updates it and returns the result.

    Args:
        dtype: dtype of the metric's result (default floatx).
        name: name of the metric instance (snake_case of the class by
            default).

    Subclasses create their variables in `__init__` with `add_variable`,
    update them in `update_state` (`var.assign(...)`) and compute `result()`.

    Example:

    ```python
    class BinaryTruePositives(Metric):
        def __init__(self, name="binary_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(
                shape=(), initializer="zeros", name="true_positives")

        def update_state(self, y_true, y_pred, sample_weight=None):
            hits = ops.logical_and(ops.cast(y_true, "bool"),
                                   ops.cast(y_pred, "bool"))
            hits = ops.cast(hits, self.dtype)
            if sample_weight is not None:
                hits = hits * ops.cast(sample_weight, self.dtype)
            self.true_positives.assign_add(ops.sum(hits))

        def result(self):
            return self.true_positives
    ```
    """

    def __init__(self, dtype=None, name=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(
                f"Argument `name` must be a string. Received: name={name!r}"
            )
        self.name = name or auto_name(self.__class__.__name__)
        self._dtype = standardize_dtype(dtype or floatx())
        self._metrics = []
        self._variables = []

    # -- state -------------------------------------------------------------
    def reset_state(self):
        """Resets every state variable to zeros (called between epochs)."""
        for v in self.variables:
            v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def update_state(self, *args, **kwargs):
        """Accumulates statistics for the metric (abstract: every metric overrides it)."""
        raise NotImplementedError

    def result(self):
        """The current value: a scalar tensor or a dict of them (abstract: every metric
        overrides it)."""
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    # -- variables -----------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    def add_variable(
        self, shape, initializer, dtype=None, aggregation="sum", name=None
    ):
        """Creates a non-trainable state variable tracked by this metric."""
        self._check_super_called()
        variable = Variable(
            initializer=initializers.get(initializer),
            shape=shape,
            dtype=dtype,
            trainable=False,
            aggregation=aggregation,
            name=name,
        )
        self._track_variable(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Alias of `add_variable` (Keras 2 name)."""
        return self.add_variable(
            shape=shape, initializer=initializer, dtype=dtype, name=name
        )

    @property
    def variables(self):
        """This metric's variables, then those of the metrics it holds."""
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    def _track_variable(self, variable):
        if not any(v is variable for v in self._variables):
            self._variables.append(variable)

    def __setattr__(self, name, value):
        # Variables and metrics held in attributes are tracked, as Keras does.
        if "_variables" in self.__dict__:
            if isinstance(value, Variable):
                self._track_variable(value)
            elif isinstance(value, Metric) and not any(
                m is value for m in self._metrics
            ):
                self._metrics.append(value)
        super().__setattr__(name, value)

    def _check_super_called(self):
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                "You forgot to call `super().__init__()` in the `__init__()` "
                f"method of {self.__class__.__name__}. Go add it!"
            )

    # -- config --------------------------------------------------------------
    def get_config(self):
        """The serializable config of the metric."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{self.__class__.__name__} name={self.name}>"

    __str__ = __repr__
