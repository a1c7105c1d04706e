"""Reductions: sum, mean, max, ..., argmax, cumsum, logsumexp."""

from kerasnet import _C

sum = _C.sum  # noqa: A001 (Keras' name)
prod = _C.prod
max = _C.max  # noqa: A001
min = _C.min  # noqa: A001
amax = _C.max
amin = _C.min
mean = _C.mean
var = _C.var
std = _C.std
any = _C.any  # noqa: A001
all = _C.all  # noqa: A001
logsumexp = _C.logsumexp
argmax = _C.argmax
argmin = _C.argmin
cumsum = _C.cumsum
cumprod = _C.cumprod


def count_nonzero(x, axis=None):
    return _C.sum(_C.cast(_C.not_equal(x, 0), "int32"), axis)


def average(x, axis=None, weights=None):
    if weights is None:
        return _C.mean(x, axis)
    weighted = _C.sum(_C.multiply(x, weights), axis)
    return _C.divide(weighted, _C.sum(_C.multiply(_C.ones_like(x), weights), axis))
