"""Max and average pooling and their backward ops."""

import numpy as np
from kerasnet import _C

from op_db.conv import _conv_geometry, _conv_windows
from op_db.core import (
    FLOATS,
    Arg,
    OpEntry,
    Sample,
    _add,
    fixed,
    rand,
    reference,
    rule_float,
)


# ---------------------------------------------------------------------------------------------
# pooling: x [N, S..., C]; pads (before, after) per spatial axis, each < the pool size; padded
# cells never win a max and are not counted in a mean (Keras)
# ---------------------------------------------------------------------------------------------
def _pool_windows(x_shape, pool, strides, pads):
    """Per window offset (in scan order): the padded-input window slices, and the geometry."""
    nd = len(x_shape) - 2
    _, _, out = _conv_geometry(x_shape, tuple(pool) + (1, 1), strides, pads, [1] * nd)
    padded = [(0, 0)] + [(pads[2 * i], pads[2 * i + 1]) for i in range(nd)] + [(0, 0)]
    wins = [(kidx, _conv_windows(nd, kidx, out, strides, [1] * nd)) for kidx in np.ndindex(*pool)]
    return padded, wins


def _max_pool_scan(x, pool, strides, pads):
    """(max, flat index into x of the first maximum) of every window."""
    x = np.asarray(x, np.float64)
    padded, wins = _pool_windows(x.shape, pool, strides, pads)
    xp = np.pad(x, padded, constant_values=-np.inf)
    flat = np.pad(np.arange(x.size).reshape(x.shape), padded, constant_values=-1)
    best = best_idx = None
    for _, win in wins:
        v, i = xp[win], flat[win]
        if best is None:
            best, best_idx = v.copy(), i.copy()
        else:
            better = v > best  # strict: the first maximum in scan order wins
            best = np.where(better, v, best)
            best_idx = np.where(better, i, best_idx)
    return best, best_idx


def _max_pool_ref(x, pool_size, strides, pads):
    return _max_pool_scan(x, pool_size, strides, pads)[0]


def _max_pool_argmax_ref(x, pool_size, strides, pads):
    return _max_pool_scan(x, pool_size, strides, pads)[1]


def _max_pool_backward_ref(x, dy, pool_size, strides, pads):
    _, idx = _max_pool_scan(x, pool_size, strides, pads)
    dx = np.zeros(np.size(x))
    np.add.at(dx, idx.reshape(-1), np.asarray(dy, np.float64).reshape(-1))
    return dx.reshape(np.shape(x))


def _avg_pool_parts(x_shape, pool, strides, pads):
    padded, wins = _pool_windows(x_shape, pool, strides, pads)
    ones = np.pad(np.ones(x_shape), padded)
    count = sum(ones[win] for _, win in wins)
    return padded, wins, count


def _avg_pool_ref(x, pool_size, strides, pads):
    x = np.asarray(x, np.float64)
    padded, wins, count = _avg_pool_parts(x.shape, pool_size, strides, pads)
    xp = np.pad(x, padded)
    return sum(xp[win] for _, win in wins) / count


def _avg_pool_backward_ref(dy, x_shape, pool_size, strides, pads):
    padded, wins, count = _avg_pool_parts(tuple(x_shape), pool_size, strides, pads)
    dxp = np.zeros([s + a + b for s, (a, b) in zip(x_shape, padded)])
    share = np.asarray(dy, np.float64) / count
    for _, win in wins:
        dxp[win] += share
    crop = tuple(slice(a, a + s) for s, (a, _) in zip(x_shape, padded))
    return dxp[crop]


# (x shape, pool, strides, pads, name)
_POOL_CASES = [
    ((2, 6, 6, 3), (2, 2), (2, 2), (0, 0, 0, 0), "2d-valid"),
    ((2, 7, 5, 3), (3, 3), (2, 1), (1, 1, 0, 2), "2d-same-asym"),
    ((1, 5, 5, 2), (2, 3), (1, 2), (0, 1, 1, 1), "2d-overlap"),
    ((3, 9, 4), (3,), (2,), (1, 1), "1d"),
    ((1, 4, 5, 3, 2), (2, 2, 2), (2, 2, 1), (0, 0, 1, 0, 0, 1), "3d"),
    ((0, 4, 4, 2), (2, 2), (2, 2), (0, 0, 0, 0), "empty-batch"),
    ((4, 32, 30, 16), (3, 3), (2, 2), (1, 1, 0, 1), "larger"),
    # Windows that do not overlap, with gaps between them and an uncovered last column.
    ((2, 7, 5, 3), (2, 2), (3, 2), (0, 0, 0, 0), "2d-disjoint-gaps"),
    ((1, 5, 5, 2), (2, 2), (2, 2), (0, 1, 0, 1), "2d-disjoint-same"),
    # Stride 1 (the average backward is a gather, one image at a time), channel tails.
    ((3, 6, 7, 20), (3, 3), (1, 1), (1, 1, 1, 1), "2d-stride1-same"),
    ((2, 9, 5), (3,), (1,), (0, 2), "1d-stride1-asym"),
]
_POOL_GRAD_CASES = [
    ((1, 5, 4, 2), (2, 2), (2, 1), (1, 0, 0, 1), "2d"),
    ((2, 7, 2), (3,), (2,), (1, 1), "1d"),
]


def _pool_samples(kind, cases, dtypes_for):
    def make(rng):
        out = []
        for xs, pool, st, pd, name in cases:
            _, _, osz = _conv_geometry(xs, tuple(pool) + (1, 1), st, pd, [1] * len(pool))
            ys = (xs[0], *osz, xs[-1])
            for dt in dtypes_for(name):
                x, dy = rand(rng, xs, dt, -2, 2), rand(rng, ys, dt, -1, 1)
                geo = (list(pool), list(st), list(pd))
                layout = "transposed" if name.startswith("2d") else "contiguous"
                if kind in ("max_pool", "avg_pool", "max_pool_argmax"):
                    args = (Arg(x, layout),) + geo
                elif kind == "max_pool_backward":
                    args = (Arg(x), Arg(dy, layout)) + geo
                else:
                    args = (Arg(dy, layout), xs) + geo
                out.append(Sample(args, {}, f"{name}-{dt}"))
        if kind == "max_pool_backward" and cases is _POOL_CASES:  # not a finite-difference case
            # Ties and a NaN: the gradient goes to the window's first maximum only.
            x = np.array([[1.0, 3.0, 3.0, 0.0], [3.0, 2.0, 3.0, np.nan]]).reshape(1, 2, 4, 1)
            dy = np.array([5.0, 7.0]).reshape(1, 1, 2, 1)
            out.append(Sample((Arg(x.astype("float32")), Arg(dy.astype("float32")), [2, 2], [2, 2],
                               [0, 0, 0, 0]), {}, "ties"))
        if kind in ("max_pool", "max_pool_argmax") and dtypes_for("ties") != ("float64",):
            # Ties: the first maximum of the window (scan order) wins.
            x = np.array([[1.0, 3.0, 3.0, 0.0], [3.0, 2.0, 3.0, 3.0]]).reshape(1, 2, 4, 1)
            out.append(Sample((Arg(x.astype("float32")), [2, 2], [1, 2], [0, 0, 0, 0]), {},
                              "ties"))
        return out

    return make


_POOL_REFS = {
    "max_pool": (_max_pool_ref, rule_float, "check"),
    "avg_pool": (_avg_pool_ref, rule_float, "check"),
    "max_pool_backward": (_max_pool_backward_ref, rule_float, "check"),
    "avg_pool_backward": (_avg_pool_backward_ref, rule_float, "check"),
    "max_pool_argmax": (_max_pool_argmax_ref, fixed("int64"), None),
}

for _name, (_ref, _rule, _grad) in _POOL_REFS.items():
    _add(OpEntry(_name, getattr(_C, _name),
                 _pool_samples(_name, _POOL_CASES,
                               lambda n: FLOATS if n == "2d-same-asym" else ("float32",)),
                 reference(_ref), _rule, grad=_grad,
                 nograd="" if _grad else "index result",
                 grad_samples=_pool_samples(_name, _POOL_GRAD_CASES, lambda n: ("float64",)),
                 rtol={"float32": 1e-5}, atol={"float32": 1e-6}))
