"""Activation functions with Keras 3's names, arguments and defaults.

Each takes a tensor (or array-like) and returns a tensor of the same shape.
`softmax` and `sigmoid` remember their input as `_keras_logits` on the output,
as Keras does, so cross-entropy losses can work from the logits.
"""

from kerasnet import ops
from kerasnet.backend.keras_tensor import KerasTensor
from kerasnet.ops.fused_activation import FusedActivation, register_fused_activation


def _is_symbolic(x):
    return isinstance(x, KerasTensor)


def _tensor(x):
    """`x` as a float tensor; KerasTensors pass through (ops record them)."""
    if _is_symbolic(x):
        return x
    x = ops.convert_to_tensor(x)
    if x.dtype not in ("float32", "float64"):
        x = ops.cast(x, "float32")
    return x


def _check_number(value, name, allow_none=False):
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"Argument `{name}` must be a number. Received: {name}={value!r}"
        )


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with Keras' optional variations.

    With defaults: `max(x, 0)`. Values below `threshold` become
    `negative_slope * (x - threshold)`, values at or above it stay `x`
    (0 when `threshold` is not 0 and x equals it), capped at `max_value`.

    Args:
        x: input tensor.
        negative_slope: slope for values below the threshold.
        max_value: saturation value (the largest value returned).
        threshold: value below which inputs are damped or zeroed.

    Example:

    >>> relu([-10, -5, 0.0, 5, 10], max_value=5.0)  # [0, 0, 0, 5, 5]
    """
    _check_number(negative_slope, "negative_slope")
    _check_number(max_value, "max_value", allow_none=True)
    _check_number(threshold, "threshold")
    x = _tensor(x)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return ops.leaky_relu(x, negative_slope=negative_slope)
        negative_part = ops.relu(ops.add(ops.negative(x), threshold))
    clip_max = max_value is not None
    if threshold != 0:
        x = ops.multiply(x, ops.cast(ops.greater(x, threshold), x.dtype))
    elif max_value == 6:
        x = ops.relu6(x)
        clip_max = False
    else:
        x = ops.relu(x)
    if clip_max:
        x = ops.clip(x, 0.0, max_value)
    if negative_slope != 0.0:
        x = ops.subtract(x, ops.multiply(negative_part, negative_slope))
    return x


def leaky_relu(x, negative_slope=0.2):
    """`x` for x >= 0, `negative_slope * x` otherwise."""
    _check_number(negative_slope, "negative_slope")
    return ops.leaky_relu(_tensor(x), negative_slope=negative_slope)


def relu6(x):
    """ReLU capped at 6: `min(max(x, 0), 6)`."""
    return ops.relu6(_tensor(x))


def softmax(x, axis=-1):
    """`exp(x) / sum(exp(x))` along `axis` (an int or a tuple of ints).

    The input is kept as `output._keras_logits` for the cross-entropy losses.
    """
    x = _tensor(x)
    if isinstance(axis, (tuple, list)) and len(axis) > 1:
        lse = ops.logsumexp(x, axis=tuple(axis), keepdims=True)
        output = ops.exp(ops.subtract(x, lse))
    else:
        output = ops.softmax(x, axis=axis)
    _remember_logits(output, x, axis)
    return output


def _remember_logits(output, x, axis):
    if _is_symbolic(x):
        return
    if isinstance(axis, (tuple, list)):
        if len(axis) != 1:
            return
        axis = axis[0]
    if x.ndim and axis % x.ndim == x.ndim - 1:
        output._keras_logits = x


def log_softmax(x, axis=-1):
    """`x - logsumexp(x)` along `axis`: the log of softmax, computed stably."""
    x = _tensor(x)
    if isinstance(axis, (tuple, list)) and len(axis) > 1:
        return ops.subtract(
            x, ops.logsumexp(x, axis=tuple(axis), keepdims=True)
        )
    return ops.log_softmax(x, axis=axis)


def elu(x, alpha=1.0):
    """Exponential linear unit: `x` if x > 0, else `alpha * (exp(x) - 1)`."""
    _check_number(alpha, "alpha")
    return ops.elu(_tensor(x), alpha=alpha)


def selu(x):
    """Scaled ELU: `scale * elu(x, alpha)` with Klambauer et al.'s constants
    (alpha=1.67326324, scale=1.05070098). Pair with LecunNormal weights."""
    return ops.selu(_tensor(x))


def softplus(x):
    """`log(exp(x) + 1)`, computed without overflow."""
    return ops.softplus(_tensor(x))


def softsign(x):
    """`x / (abs(x) + 1)`."""
    return ops.softsign(_tensor(x))


def silu(x):
    """Swish / SiLU: `x * sigmoid(x)`."""
    return ops.silu(_tensor(x))


swish = silu


def gelu(x, approximate=False):
    """Gaussian error linear unit: `x * P(X <= x)` for X ~ N(0, 1).

    Exact (`0.5 * x * (1 + erf(x / sqrt(2)))`) by default; `approximate=True`
    uses the tanh approximation.
    """
    if not isinstance(approximate, bool):
        raise TypeError(
            "Argument `approximate` must be a bool. "
            f"Received: approximate={approximate!r}"
        )
    return ops.gelu(_tensor(x), approximate=approximate)


def tanh(x):
    """Hyperbolic tangent."""
    return ops.tanh(_tensor(x))


def sigmoid(x):
    """`1 / (1 + exp(-x))`. The input is kept as `output._keras_logits`."""
    x = _tensor(x)
    output = ops.sigmoid(x)
    if not _is_symbolic(x):
        output._keras_logits = x
    return output


def exponential(x):
    """`exp(x)`."""
    return ops.exp(_tensor(x))


def hard_sigmoid(x):
    """Piecewise-linear sigmoid: 0 if x <= -3, 1 if x >= 3, else x / 6 + 0.5."""
    return ops.hard_sigmoid(_tensor(x))


def hard_silu(x):
    """Hard SiLU / hard swish: `x * hard_sigmoid(x)`."""
    return ops.hard_silu(_tensor(x))


hard_swish = hard_silu


def linear(x):
    """The identity: returns `x` unchanged."""
    return x


def mish(x):
    """`x * tanh(softplus(x))`."""
    x = _tensor(x)
    return ops.multiply(x, ops.tanh(ops.softplus(x)))


def crelu(x, axis=-1):
    """Concatenated ReLU: `concatenate([relu(x), relu(-x)], axis)`."""
    x = _tensor(x)
    return ops.concatenate([ops.relu(x), ops.relu(ops.negative(x))], axis)


def celu(x, alpha=1.0):
    """Continuously differentiable ELU.

    `max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))`.
    """
    _check_number(alpha, "alpha")
    if alpha == 0:
        raise ValueError("Argument `alpha` must be non-zero. Received: alpha=0")
    x = _tensor(x)
    negative = ops.multiply(ops.expm1(ops.divide(x, alpha)), alpha)
    return ops.add(ops.relu(x), ops.minimum(negative, 0.0))


def glu(x, axis=-1):
    """Gated linear unit: `a * sigmoid(b)`, `a, b` the halves of `x`."""
    x = _tensor(x)
    if x.shape[axis] % 2:
        raise ValueError(
            "Argument `x` must have an even size along `axis`. "
            f"Received: x.shape={x.shape}, axis={axis}"
        )
    a, b = ops.split(x, 2, axis)
    return ops.multiply(a, ops.sigmoid(b))


def hard_tanh(x):
    """`clip(x, -1, 1)`."""
    return ops.clip(_tensor(x), -1.0, 1.0)


def hard_shrink(x, threshold=0.5):
    """`x` where `abs(x) > threshold`, else 0."""
    _check_number(threshold, "threshold")
    x = _tensor(x)
    return ops.where(ops.greater(ops.abs(x), threshold), x, 0.0)


def soft_shrink(x, threshold=0.5):
    """`x - threshold` above it, `x + threshold` below `-threshold`, else 0."""
    _check_number(threshold, "threshold")
    x = _tensor(x)
    shrunk = ops.subtract(x, ops.multiply(ops.sign(x), threshold))
    return ops.where(ops.greater(ops.abs(x), threshold), shrunk, 0.0)


def tanh_shrink(x):
    """`x - tanh(x)`."""
    x = _tensor(x)
    return ops.subtract(x, ops.tanh(x))


def squareplus(x, b=4):
    """`(x + sqrt(x ** 2 + b)) / 2`."""
    _check_number(b, "b")
    if b < 0:
        raise ValueError(f"Argument `b` must be non-negative. Received: b={b}")
    x = _tensor(x)
    return ops.multiply(ops.add(x, ops.sqrt(ops.add(ops.square(x), b))), 0.5)


def sparse_plus(x):
    """0 for x <= -1, x for x >= 1, `(x + 1) ** 2 / 4` between."""
    x = _tensor(x)
    middle = ops.multiply(ops.square(ops.add(x, 1.0)), 0.25)
    return ops.where(
        ops.less_equal(x, -1.0),
        0.0,
        ops.where(ops.greater_equal(x, 1.0), x, middle),
    )


def threshold(x, threshold, default_value):
    """`x` where `x > threshold`, else `default_value`."""
    _check_number(threshold, "threshold")
    _check_number(default_value, "default_value")
    x = _tensor(x)
    return ops.where(ops.greater(x, threshold), x, float(default_value))


def log_sigmoid(x):
    """`log(sigmoid(x)) = -softplus(-x)`, computed stably."""
    return ops.log_sigmoid(_tensor(x))


# The engine's fused GEMM and convolution epilogues (Dense, Conv layers) compute these two
# themselves; ops looks them up there (kerasnet/ops/fused_activation.py).
register_fused_activation(linear, FusedActivation.linear)
register_fused_activation(relu, FusedActivation.relu)
