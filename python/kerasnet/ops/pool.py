"""Pooling with Keras' signatures: max_pool, average_pool."""

from kerasnet import _C
from kerasnet.ops.conv import _as_tensor, _from_last, _pads, _to_last, _tuple


def _pool(fn, name, inputs, pool_size, strides, padding, data_format):
    x, moved = _to_last(_as_tensor(inputs), data_format)
    nd = x.ndim - 2
    if nd < 1 or nd > 3:
        raise ValueError(f"Inputs to {name} must have rank 3, 4 or 5. Received input shape {x.shape}")
    pool_size = _tuple(pool_size, nd, "pool_size")
    strides = pool_size if strides is None else _tuple(strides, nd, "strides")
    padding = padding.lower()
    if padding not in ("valid", "same"):
        raise ValueError(f"`padding` must be 'valid' or 'same'. Received: padding={padding}")
    pads = _pads(padding, x.shape[1:-1], pool_size, strides, (1,) * nd, name)
    return _from_last(fn(x, pool_size, strides, pads), moved)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over windows (padded cells never win)."""
    return _pool(_C.max_pool, "max_pool", inputs, pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling over windows (padded cells are not counted)."""
    return _pool(_C.avg_pool, "average_pool", inputs, pool_size, strides, padding, data_format)
