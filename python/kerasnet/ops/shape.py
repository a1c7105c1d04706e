"""Shape ops: reshape, transpose, concatenate, split, pad, ..."""

from kerasnet import _C
from kerasnet.backend.tensor import as_tensor as _as_tensor
from kerasnet.ops.creation import tri

# ops/__init__ star-imports this module (no __all__): every public name at the top
# becomes a kerasnet.ops name, hence the private `_as_tensor` and the function-local
# imports of numpy and `tri` below.

reshape = _C.reshape
transpose = _C.transpose
moveaxis = _C.moveaxis
expand_dims = _C.expand_dims
squeeze = _C.squeeze
broadcast_to = _C.broadcast_to
flip = _C.flip
concatenate = _C.concatenate
stack = _C.stack
split = _C.split
tile = _C.tile
copy = _C.copy


def repeat(x, repeats, axis=None):
    if isinstance(repeats, int):
        return _C.repeat(x, repeats, axis)
    # Per-element repeats: gather with the repeated index list.
    import numpy as np

    x = _as_tensor(x)
    if axis is None:
        x = _C.reshape(x, (-1,))
        axis = 0
    n = x.shape[axis]
    reps = np.asarray(repeats).reshape(-1)
    if reps.dtype.kind not in "iu":
        raise TypeError(
            f"`repeats` must be an int or a sequence of ints. Received: repeats={repeats!r}"
        )
    if reps.size == 1:
        return _C.repeat(x, int(reps[0]), axis)
    if reps.size != n:
        raise ValueError(
            f"`repeats` has {reps.size} entries for an axis of size {n}."
        )
    idx = np.repeat(np.arange(n, dtype=np.int64), reps)
    return _C.take(x, idx, axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = _as_tensor(x)
    widths = _normalize_pad_width(pad_width, x.ndim)
    if constant_values is not None and mode != "constant":
        raise ValueError(
            "Argument `constant_values` can only be provided when "
            f"`mode == 'constant'`. Received: mode={mode}"
        )
    value = 0.0 if constant_values is None else float(constant_values)
    return _C.pad(x, widths, mode, value)


def _normalize_pad_width(pad_width, ndim):
    import numpy as np

    w = np.asarray(pad_width, dtype=np.int64)
    if w.ndim == 0:
        w = np.full((ndim, 2), int(w))
    elif w.shape == (2,):
        w = np.tile(w.reshape(1, 2), (ndim, 1))
    elif w.shape == (1, 2):
        w = np.tile(w, (ndim, 1))
    if w.shape != (ndim, 2):
        raise ValueError(
            f"`pad_width` must have shape ({ndim}, 2), got {w.shape}"
        )
    return [(int(a), int(b)) for a, b in w]


def ravel(x):
    return _C.reshape(x, (-1,))


def swapaxes(x, axis1, axis2):
    x = _as_tensor(x)
    perm = list(range(x.ndim))
    a, b = axis1 % x.ndim, axis2 % x.ndim
    perm[a], perm[b] = perm[b], perm[a]
    return _C.transpose(x, perm)


def hstack(xs):
    xs = [_as_tensor(x) for x in xs]
    return _C.concatenate(xs, 0 if xs[0].ndim == 1 else 1)


def vstack(xs):
    xs = [_as_tensor(x) for x in xs]
    xs = [_C.reshape(x, (1, -1)) if x.ndim == 1 else x for x in xs]
    return _C.concatenate(xs, 0)


def tril(x, k=0):
    x = _as_tensor(x)
    mask = tri(x.shape[-2], x.shape[-1], k, "bool")
    return _C.where(mask, x, _C.zeros((), x.dtype))


def triu(x, k=0):
    x = _as_tensor(x)
    mask = tri(x.shape[-2], x.shape[-1], k - 1, "bool")
    return _C.where(mask, _C.zeros((), x.dtype), x)
