"""Elementwise ops: math (keras.ops.numpy), activations (keras.ops.nn), where, cast."""

from kerasnet import _C
from kerasnet.backend.dtypes import standardize_dtype
from kerasnet.ops.index import nonzero as _nonzero

negative = _C.negative
abs = _C.abs  # noqa: A001 (Keras' name)
absolute = _C.abs
sign = _C.sign
exp = _C.exp
log = _C.log
log1p = _C.log1p
expm1 = _C.expm1
sqrt = _C.sqrt
rsqrt = _C.rsqrt
square = _C.square
reciprocal = _C.reciprocal
sin = _C.sin
arcsinh = _C.arcsinh
cos = _C.cos
tan = _C.tan
tanh = _C.tanh
sigmoid = _C.sigmoid
relu = _C.relu
relu6 = _C.relu6
selu = _C.selu
softplus = _C.softplus
softsign = _C.softsign
silu = _C.silu
swish = _C.silu
hard_sigmoid = _C.hard_sigmoid
hard_silu = _C.hard_silu
hard_swish = _C.hard_silu
erf = _C.erf
floor = _C.floor
ceil = _C.ceil
isnan = _C.isnan
isinf = _C.isinf
isfinite = _C.isfinite
logical_not = _C.logical_not

add = _C.add
subtract = _C.subtract
multiply = _C.multiply
divide = _C.divide
true_divide = _C.true_divide
floor_divide = _C.floor_divide
mod = _C.mod
power = _C.power
maximum = _C.maximum
minimum = _C.minimum
equal = _C.equal
not_equal = _C.not_equal
less = _C.less
less_equal = _C.less_equal
greater = _C.greater
greater_equal = _C.greater_equal
logical_and = _C.logical_and
logical_or = _C.logical_or
logical_xor = _C.logical_xor


def gelu(x, approximate=True):
    return _C.gelu(x, bool(approximate))


def elu(x, alpha=1.0):
    return _C.elu(x, float(alpha))


def leaky_relu(x, negative_slope=0.2):
    return _C.leaky_relu(x, float(negative_slope))


def round(x, decimals=0):  # noqa: A001 (Keras' name)
    return _C.round(x, int(decimals))


def clip(x, x_min, x_max):
    return _C.clip(x, float(x_min), float(x_max))


def cast(x, dtype):
    return _C.cast(x, standardize_dtype(dtype))


def where(condition, x1=None, x2=None):
    """Elementwise select; with only `condition`, the indices of its non-zeros."""
    if x1 is None and x2 is None:
        return _nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError(
            "`x1` and `x2` either both should be `None` or both should "
            "have non-None value."
        )
    return _C.where(condition, x1, x2)


def log2(x):
    return _C.multiply(_C.log(x), 1.4426950408889634)


def log10(x):
    return _C.multiply(_C.log(x), 0.4342944819032518)


def log_sigmoid(x):
    return _C.negative(_C.softplus(_C.negative(x)))


def logaddexp(x1, x2):
    m = _C.maximum(x1, x2)
    return _C.add(m, _C.log1p(_C.exp(_C.negative(_C.abs(_C.subtract(x1, x2))))))


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    diff = _C.abs(_C.subtract(x1, x2))
    close = _C.less_equal(diff, _C.add(_C.multiply(_C.abs(x2), rtol), atol))
    close = _C.logical_or(close, _C.equal(x1, x2))  # equal infinities (inf - inf is nan)
    if equal_nan:
        close = _C.logical_or(close, _C.logical_and(_C.isnan(x1), _C.isnan(x2)))
    return close


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = _C.where(_C.isnan(x), nan, x)
    if posinf is not None:
        x = _C.where(_C.logical_and(_C.isinf(x), _C.greater(x, 0)), posinf, x)
    if neginf is not None:
        x = _C.where(_C.logical_and(_C.isinf(x), _C.less(x, 0)), neginf, x)
    return x
