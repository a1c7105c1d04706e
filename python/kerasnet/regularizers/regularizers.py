"""Weight regularizers: penalties added to the loss (Keras 3 API)."""

import math

from kerasnet import ops
from kerasnet.backend import epsilon


class Regularizer:
    """Regularizer base class.

    A regularizer is a callable `regularizer(x)` returning a scalar penalty
    for the weight (or activity) tensor `x`; layers add it to their losses.
    Subclasses implement `__call__` and `get_config`.

    Example:

    >>> regularizer = L2(2.0)
    >>> regularizer(ops.ones((5, 5)))  # 2 * 25 = 50.0
    """

    def __call__(self, x):
        """The penalty for `x` (0 for the base class)."""
        return 0.0

    @classmethod
    def from_config(cls, config):
        """A regularizer from the output of `get_config()`."""
        return cls(**config)

    def get_config(self):
        """The configuration as a JSON-serializable dict (abstract, as in Keras: a custom
        regularizer that is saved overrides it)."""
        raise NotImplementedError(
            f"{self.__class__.__name__} does not implement get_config()"
        )

    def __repr__(self):
        try:
            config = self.get_config()
        except NotImplementedError:
            config = {}
        return f"<{self.__class__.__name__} {config}>"


def validate_float_arg(value, name):
    """`value` as a float, or ValueError if it is not a finite number >= 0."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (float, int))
        or math.isinf(value)
        or math.isnan(value)
        or value < 0
    ):
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative "
            f"float. Received: {name}={value!r}"
        )
    return float(value)


def _float_tensor(x):
    x = ops.convert_to_tensor(x)
    if x.dtype not in ("float32", "float64"):
        x = ops.cast(x, "float32")
    return x


class L1L2(Regularizer):
    """Both penalties: `l1 * sum(abs(x)) + l2 * sum(square(x))`.

    As in Keras, both factors default to 0.0 here (unlike `L1` and `L2`).

    Args:
        l1: non-negative L1 factor (None means 0).
        l2: non-negative L2 factor (None means 0).
    """

    def __init__(self, l1=0.0, l2=0.0):
        l1 = 0.0 if l1 is None else l1
        l2 = 0.0 if l2 is None else l2
        self.l1 = validate_float_arg(l1, name="l1")
        self.l2 = validate_float_arg(l2, name="l2")

    def __call__(self, x):
        x = _float_tensor(x)
        penalty = ops.zeros((), dtype=x.dtype)
        if self.l1:
            penalty = ops.add(
                penalty, ops.multiply(ops.sum(ops.abs(x)), self.l1)
            )
        if self.l2:
            penalty = ops.add(
                penalty, ops.multiply(ops.sum(ops.square(x)), self.l2)
            )
        return penalty

    def get_config(self):
        return {"l1": float(self.l1), "l2": float(self.l2)}


class L1(Regularizer):
    """L1 penalty: `l1 * sum(abs(x))`.

    Args:
        l1: non-negative factor (default 0.01; None means 0.01).
    """

    def __init__(self, l1=0.01):
        l1 = 0.01 if l1 is None else l1
        self.l1 = validate_float_arg(l1, name="l1")

    def __call__(self, x):
        x = _float_tensor(x)
        return ops.multiply(ops.sum(ops.abs(x)), self.l1)

    def get_config(self):
        return {"l1": float(self.l1)}


class L2(Regularizer):
    """L2 penalty: `l2 * sum(square(x))`.

    Args:
        l2: non-negative factor (default 0.01; None means 0.01).
    """

    def __init__(self, l2=0.01):
        l2 = 0.01 if l2 is None else l2
        self.l2 = validate_float_arg(l2, name="l2")

    def __call__(self, x):
        x = _float_tensor(x)
        return ops.multiply(ops.sum(ops.square(x)), self.l2)

    def get_config(self):
        return {"l2": float(self.l2)}


def l2_normalize(x, axis):
    """`x / max(norm(x), epsilon)` along `axis` (Keras' `normalize`)."""
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    inv_norm = ops.minimum(ops.rsqrt(square_sum), 1.0 / epsilon())
    return ops.multiply(x, inv_norm)


class OrthogonalRegularizer(Regularizer):
    """Penalises non-orthogonality of the rows (or columns) of a 2D weight.

    The penalty is `factor * 0.5 * sum(|N N^T - diag|) / num_pairs` where N
    holds the L2-normalised rows (`mode="rows"`) or columns, i.e. `factor`
    times the mean absolute cosine between distinct rows (columns).

    Args:
        factor: non-negative factor (default 0.01).
        mode: "rows" or "columns".
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = validate_float_arg(factor, name="factor")
        if mode not in ("rows", "columns"):
            raise ValueError(
                "Invalid value for argument `mode`. Expected one of "
                f'{{"rows", "columns"}}. Received: mode={mode!r}'
            )
        self.mode = mode

    def __call__(self, inputs):
        inputs = _float_tensor(inputs)
        if inputs.ndim != 2:
            raise ValueError(
                "Inputs to OrthogonalRegularizer must have rank 2. "
                f"Received: inputs.shape={inputs.shape}"
            )
        if self.mode == "rows":
            normed = l2_normalize(inputs, axis=1)
            product = ops.matmul(normed, ops.transpose(normed))
            size = inputs.shape[0]
        else:
            normed = l2_normalize(inputs, axis=0)
            product = ops.matmul(ops.transpose(normed), normed)
            size = inputs.shape[1]
        if size < 2:
            return ops.zeros((), dtype=inputs.dtype)
        off_diagonal = ops.subtract(1.0, ops.eye(size, dtype=inputs.dtype))
        product = ops.multiply(product, off_diagonal)
        num_pairs = size * (size - 1.0) / 2.0
        total = ops.sum(ops.abs(product))
        return ops.multiply(total, self.factor * 0.5 / num_pairs)

    def get_config(self):
        return {"factor": float(self.factor), "mode": self.mode}
