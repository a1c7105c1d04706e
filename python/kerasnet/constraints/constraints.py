"""Weight constraints: projections applied to a weight after each update."""

from kerasnet import ops
from kerasnet.backend import epsilon


class Constraint:
    """Base class for weight constraints.

    A constraint is a callable `constraint(w)` returning the projected weight
    (for example normalised or clipped). The base class returns `w`
    unchanged.

    Example:

    >>> class NonNegative(Constraint):
    ...     def __call__(self, w):
    ...         return ops.maximum(w, 0.0)
    """

    def __call__(self, w):
        """The projected weight (unchanged for the base class)."""
        return w

    def get_config(self):
        """The constraint's configuration as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """A constraint from the output of `get_config()`."""
        return cls(**config)

    def __repr__(self):
        return f"<{self.__class__.__name__} {self.get_config()}>"


def _check_axis(axis):
    if isinstance(axis, bool):
        raise TypeError(
            f"Argument `axis` must be an int or a list of ints. "
            f"Received: axis={axis!r}"
        )
    if isinstance(axis, int):
        return axis
    if isinstance(axis, (list, tuple)) and all(
        isinstance(a, int) and not isinstance(a, bool) for a in axis
    ):
        return tuple(axis)
    raise TypeError(
        "Argument `axis` must be an int or a list of ints. "
        f"Received: axis={axis!r}"
    )


def _check_number(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"Argument `{name}` must be a number. Received: {name}={value!r}"
        )
    if value < 0:
        raise ValueError(
            f"Argument `{name}` must be non-negative. Received: {name}={value}"
        )


def _float_tensor(w):
    w = ops.convert_to_tensor(w)
    if w.dtype not in ("float32", "float64"):
        w = ops.cast(w, "float32")
    return w


def _norms(w, axis):
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Caps the norm of the weights incident to each unit at `max_value`.

    Args:
        max_value: the maximum norm.
        axis: axis (or list of axes) along which norms are computed: 0 for a
            Dense kernel (input_dim, units); [0, 1, 2] for a Conv2D kernel
            (rows, cols, input_depth, filters).
    """

    def __init__(self, max_value=2, axis=0):
        _check_number(max_value, "max_value")
        self.max_value = max_value
        self.axis = _check_axis(axis)

    def __call__(self, w):
        w = _float_tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0.0, self.max_value)
        return ops.multiply(w, ops.divide(desired, ops.add(norms, epsilon())))

    def get_config(self):
        return {"max_value": self.max_value, "axis": _config_axis(self.axis)}


class NonNeg(Constraint):
    """Constrains the weights to be non-negative."""

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        return ops.maximum(w, ops.zeros((), dtype=w.dtype))


class UnitNorm(Constraint):
    """Constrains the weights incident to each unit to have unit norm.

    Args:
        axis: axis (or list of axes) along which norms are computed (see
            `MaxNorm`).
    """

    def __init__(self, axis=0):
        self.axis = _check_axis(axis)

    def __call__(self, w):
        w = _float_tensor(w)
        return ops.divide(w, ops.add(_norms(w, self.axis), epsilon()))

    def get_config(self):
        return {"axis": _config_axis(self.axis)}


class MinMaxNorm(Constraint):
    """Keeps the norm of the weights of each unit in [min_value, max_value].

    Weights are rescaled to `(1 - rate) * norm + rate * clip(norm, min, max)`:
    rate=1.0 enforces the bounds strictly, smaller rates move towards them.

    Args:
        min_value: the minimum norm.
        max_value: the maximum norm.
        rate: rate of enforcement, in [0, 1].
        axis: axis (or list of axes) along which norms are computed.
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        _check_number(min_value, "min_value")
        _check_number(max_value, "max_value")
        _check_number(rate, "rate")
        if min_value > max_value:
            raise ValueError(
                "Argument `min_value` must not exceed `max_value`. Received: "
                f"min_value={min_value}, max_value={max_value}"
            )
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = _check_axis(axis)

    def __call__(self, w):
        w = _float_tensor(w)
        norms = _norms(w, self.axis)
        clipped = ops.clip(norms, self.min_value, self.max_value)
        desired = ops.add(
            ops.multiply(clipped, self.rate),
            ops.multiply(norms, 1.0 - self.rate),
        )
        return ops.multiply(w, ops.divide(desired, ops.add(norms, epsilon())))

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": _config_axis(self.axis),
        }


def _config_axis(axis):
    return list(axis) if isinstance(axis, tuple) else axis
