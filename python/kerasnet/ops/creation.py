"""Creation ops: zeros, ones, full, *_like, arange, linspace, eye."""

import operator

from kerasnet import _C
from kerasnet.backend.dtypes import standardize_dtype
from kerasnet.backend.tensor import as_tensor as _as_tensor


def _shape(shape):
    if isinstance(shape, int):
        return (shape,)
    return tuple(operator.index(d) for d in shape)  # TypeError for 2.5, "a", None


def _value_dtype(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int32"
    return standardize_dtype(None)


def zeros(shape, dtype=None):
    return _C.zeros(_shape(shape), standardize_dtype(dtype))


def ones(shape, dtype=None):
    return _C.ones(_shape(shape), standardize_dtype(dtype))


def empty(shape, dtype=None):
    """Keras' `empty`: a tensor of the shape (kerasnet fills it with zeros)."""
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None):
    dtype = standardize_dtype(dtype) if dtype else _value_dtype(fill_value)
    if isinstance(fill_value, _C.Tensor):
        return _C.broadcast_to(_C.cast(fill_value, dtype), _shape(shape))
    if isinstance(fill_value, (str, bytes)) or fill_value is None:
        raise TypeError(
            f"`fill_value` must be a number. Received: fill_value={fill_value!r}"
        )
    return _C.full(_shape(shape), float(fill_value), dtype)


def zeros_like(x, dtype=None):
    x = _as_tensor(x)
    return _C.zeros(x.shape, standardize_dtype(dtype) if dtype else x.dtype)


def ones_like(x, dtype=None):
    x = _as_tensor(x)
    return _C.ones(x.shape, standardize_dtype(dtype) if dtype else x.dtype)


def full_like(x, fill_value, dtype=None):
    x = _as_tensor(x)
    return full(x.shape, fill_value, dtype or x.dtype)


def arange(start, stop=None, step=1, dtype=None):
    """Like numpy.arange; the dtype is int32 for int arguments, else floatx."""
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        ints = all(isinstance(v, int) for v in (start, stop, step))
        dtype = "int32" if ints else standardize_dtype(None)
    return _C.arange(float(start), float(stop), float(step), standardize_dtype(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    if axis != 0:
        raise ValueError("kerasnet.ops.linspace supports only axis=0 for scalar bounds.")
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    out = _C.linspace(
        float(start), float(stop), int(num), bool(endpoint), standardize_dtype(dtype)
    )
    if retstep:
        div = (num - 1) if endpoint else num
        return out, (float(stop) - float(start)) / div if div > 0 else float("nan")
    return out


def eye(N, M=None, k=0, dtype=None):
    return _C.eye(int(N), int(N if M is None else M), int(k), standardize_dtype(dtype))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    """Ones at and below the k-th diagonal."""
    M = N if M is None else M
    rows = _C.reshape(_C.arange(0.0, float(N), 1.0, "int32"), (N, 1))
    cols = _C.reshape(_C.arange(0.0, float(M), 1.0, "int32"), (1, M))
    return _C.cast(_C.greater_equal(_C.add(rows, k), cols), standardize_dtype(dtype))
