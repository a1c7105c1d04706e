"""Gather/scatter ops: take, take_along_axis, scatter_add(_along_axis), one_hot, nonzero."""

import numpy as np
from kerasnet import _C, ops

from op_db.core import (
    ALL,
    INTS,
    NUMERIC,
    Arg,
    C,
    OpEntry,
    Sample,
    _add,
    fixed,
    rand,
    reference,
)


# ---------------------------------------------------------------------------------------------
# Index
# ---------------------------------------------------------------------------------------------
def _take_samples(rng):
    out = []
    idx = lambda *shape, n=4, dt="int32": Arg(rng.integers(-n, n, size=shape).astype(dt))
    for dt in ALL:
        out.append(Sample((Arg(rand(rng, (4, 5), dt)), idx(3)), {"axis": 0}, dt))
    f = "float32"
    x = lambda shape, layout=C: Arg(rand(rng, shape, f), layout)
    out += [
        Sample((x((4, 5)), idx(6, n=20)), {}, "flat"),
        Sample((x((4, 5)), idx(2, 3, n=5)), {"axis": 1}, "2d-indices"),
        Sample((x((4, 5)), idx(3, n=5, dt="int64")), {"axis": -1}, "int64-neg-axis"),
        Sample((x((2, 3, 4)), idx(5, n=3)), {"axis": 1}, "middle"),
        Sample((x((4, 5)), Arg(np.array([1, 1, 1, 3], "int32"), "list")), {"axis": 0},
               "list-dup"),
        Sample((x((4, 5)), Arg(np.array([2, -1], "int64"), "numpy")), {"axis": 0}, "numpy"),
        Sample((x((4, 5)), Arg(np.array(2, "int32"))), {"axis": 0}, "0d-index"),
        Sample((x((4, 5)), Arg(np.zeros((0,), "int32"))), {"axis": 0}, "no-indices"),
        Sample((x((0, 5)), Arg(np.zeros((2,), "int32"))), {"axis": 1}, "empty-x"),
        Sample((x((4, 5), "transposed"), idx(3, n=4)), {"axis": 0}, "transposed"),
        Sample((x((4, 6), "sliced"), idx(4, n=3)), {"axis": 1}, "sliced"),
        Sample((x((300, 200)), idx(500, n=300)), {"axis": 0}, "large"),
    ]
    return out


def _take_ref(x, indices, axis=None):
    return np.take(x, indices, axis=axis)


def _take_grad(rng):
    d = "float64"
    return [
        Sample((Arg(rand(rng, (4, 5), d)), Arg(np.array([0, 2, 2, -1], "int32"))), {"axis": 0},
               "dup"),
        Sample((Arg(rand(rng, (4, 5), d)), Arg(np.array([[1, 4], [4, 0]], "int32"))),
               {"axis": 1}, "2d"),
        Sample((Arg(rand(rng, (3, 4), d), "transposed"), Arg(np.array([5, 0, 5], "int64"))), {},
               "flat-transposed"),
    ]


_add(OpEntry("take", ops.take, _take_samples, reference(_take_ref), lambda s: s.args[0].dtype,
             grad_samples=_take_grad))


def _tala_samples(rng):
    out = []
    for dt in ALL:
        out.append(Sample((Arg(rand(rng, (3, 4), dt)),
                           Arg(rng.integers(0, 4, (3, 2)).astype("int32"))), {"axis": 1}, dt))
    f = "float32"
    x = lambda shape, layout=C: Arg(rand(rng, shape, f), layout)
    out += [
        Sample((x((3, 4)), Arg(rng.integers(0, 3, (5, 4)).astype("int64"))), {"axis": 0},
               "axis0"),
        Sample((x((3, 4)), Arg(rng.integers(-4, 4, (3, 6)).astype("int32"))), {"axis": -1},
               "negative-indices"),
        Sample((x((2, 3, 4)), Arg(rng.integers(0, 3, (2, 5, 4)).astype("int32"))), {"axis": 1},
               "3d"),
        Sample((x((2, 3, 4)), Arg(rng.integers(0, 3, (2, 1, 4)).astype("int32"))), {"axis": 1},
               "3d-one"),
        Sample((x((3, 4)), Arg(rng.integers(0, 12, (5,)).astype("int32"))), {"axis": None},
               "flat"),
        Sample((x((3, 4)), Arg(np.zeros((3, 0), "int32"))), {"axis": 1}, "empty"),
        Sample((x((4, 5), "transposed"), Arg(rng.integers(0, 5, (4, 3)).astype("int32"))),
               {"axis": 1}, "transposed"),
    ]
    return out


def _tala_ref(x, indices, axis=None):
    return np.take_along_axis(x, indices, axis=axis)


def _tala_grad(rng):
    d = "float64"
    return [
        Sample((Arg(rand(rng, (3, 4), d)), Arg(np.array([[0, 0], [3, 1], [2, 2]], "int32"))),
               {"axis": 1}, "dup"),
        Sample((Arg(rand(rng, (3, 4), d), "transposed"),
                Arg(rng.integers(0, 3, (5, 4)).astype("int64"))), {"axis": 0}, "axis0"),
    ]


_add(OpEntry("take_along_axis", ops.take_along_axis, _tala_samples, reference(_tala_ref),
             lambda s: s.args[0].dtype, grad_samples=_tala_grad))


def _scatter_add_ref(shape, indices, updates, axis=0):
    out = np.zeros(shape, updates.dtype)
    moved = np.moveaxis(out, axis, 0)
    upd = np.moveaxis(updates, axis, 0)
    np.add.at(moved, np.asarray(indices).reshape(-1) % shape[axis], upd)
    return out


def _scatter_add_samples(rng):
    out = []
    for dt in NUMERIC:
        out.append(Sample(((4, 3), Arg(np.array([0, 2, 2, 3, 0], "int32")),
                           Arg(rand(rng, (5, 3), dt))), {"axis": 0}, dt))
    f = "float32"
    out += [
        Sample(((4, 3), Arg(np.array([2, -1], "int64")), Arg(rand(rng, (4, 2), f))), {"axis": 1},
               "axis1-negative"),
        Sample(((2, 5, 3), Arg(np.array([4, 4, 4], "int32")), Arg(rand(rng, (2, 3, 3), f))),
               {"axis": 1}, "middle-dups"),
        Sample(((4, 3), Arg(np.zeros((0,), "int32")), Arg(rand(rng, (0, 3), f))), {"axis": 0},
               "no-updates"),
        Sample(((4, 3), Arg(np.array([1, 0, 3], "int32")), Arg(rand(rng, (3, 3), f),
                                                               "transposed")), {"axis": 0},
               "transposed"),
        Sample(((300, 64), Arg(rng.integers(0, 300, 1000).astype("int32")),
                Arg(rand(rng, (1000, 64), f))), {"axis": 0}, "large"),
    ]
    return out


def _scatter_grad(rng):
    return [Sample(((4, 3), Arg(np.array([0, 2, 2, 3, 0], "int32")),
                    Arg(rand(rng, (5, 3), "float64"))), {"axis": 0}, "dups"),
            Sample(((4, 3), Arg(np.array([2, -1], "int64")),
                    Arg(rand(rng, (4, 2), "float64"), "transposed")), {"axis": 1}, "axis1")]


_add(OpEntry("scatter_add", _C.scatter_add, _scatter_add_samples, reference(_scatter_add_ref),
             lambda s: s.args[2].dtype, grad_samples=_scatter_grad,
             rtol={"float32": 1e-5}, atol={"float32": 1e-5}))


def _scatter_along_ref(shape, indices, updates, axis):
    out = np.zeros(shape, updates.dtype)
    idx = list(np.indices(indices.shape, sparse=False))
    idx[axis] = np.asarray(indices) % shape[axis]
    np.add.at(out, tuple(idx), updates)
    return out


def _scatter_along_samples(rng):
    out = []
    for dt in NUMERIC:
        out.append(Sample(((3, 4), Arg(rng.integers(0, 4, (3, 5)).astype("int32")),
                           Arg(rand(rng, (3, 5), dt))), {"axis": 1}, dt))
    f = "float32"
    out += [
        Sample(((3, 4), Arg(rng.integers(-3, 3, (6, 4)).astype("int64")),
                Arg(rand(rng, (6, 4), f))), {"axis": 0}, "axis0-negative"),
        Sample(((2, 3, 4), Arg(rng.integers(0, 3, (2, 5, 4)).astype("int32")),
                Arg(rand(rng, (2, 5, 4), f))), {"axis": 1}, "3d"),
        Sample(((3, 4), Arg(np.zeros((3, 0), "int32")), Arg(rand(rng, (3, 0), f))), {"axis": 1},
               "empty"),
        Sample(((3, 4), Arg(rng.integers(0, 4, (3, 4)).astype("int32")),
                Arg(rand(rng, (3, 4), f), "transposed")), {"axis": 1}, "transposed"),
    ]
    return out


def _scatter_along_grad(rng):
    return [Sample(((3, 4), Arg(np.array([[0, 0, 1], [3, 3, 3], [2, 1, 0]], "int32")),
                    Arg(rand(rng, (3, 3), "float64"))), {"axis": 1}, "dups")]


_add(OpEntry("scatter_add_along_axis", _C.scatter_add_along_axis, _scatter_along_samples,
             reference(_scatter_along_ref), lambda s: s.args[2].dtype,
             grad_samples=_scatter_along_grad))


def _one_hot_ref(x, num_classes, axis=-1, dtype=None):
    x = np.asarray(x)
    eye = np.concatenate([np.eye(num_classes), np.zeros((1, num_classes))])
    safe = np.where((x >= 0) & (x < num_classes), x, num_classes)
    out = eye[safe]
    return np.moveaxis(out, -1, axis)


def _one_hot_samples(rng):
    out = []
    for dt in INTS:
        out.append(Sample((Arg(rng.integers(0, 5, (3, 4)).astype(dt)), 5), {}, dt))
    out += [
        Sample((Arg(np.array([0, 3, 1], "int32")), 4), {"axis": 0}, "axis0"),
        Sample((Arg(rng.integers(0, 3, (2, 3)).astype("int32")), 3), {"axis": 1}, "axis-mid"),
        Sample((Arg(np.array([-1, 4, 2, 7], "int32")), 4), {}, "out-of-range"),
        Sample((Arg(np.array(2, "int32")), 3), {}, "scalar"),
        Sample((Arg(np.zeros((0,), "int32")), 3), {}, "empty"),
        Sample((Arg(np.array([1, 2], "int64"), "list"), 3), {"dtype": "int32"}, "dtype-int"),
        Sample((Arg(np.array([1, 0], "int32")), 2), {"dtype": "float64"}, "dtype-f64"),
        Sample((Arg(rng.integers(0, 4, (4, 5)).astype("int32"), "transposed"), 4), {},
               "transposed"),
        Sample((Arg(rng.integers(0, 100, (1000,)).astype("int32")), 100), {}, "large"),
    ]
    return out


_add(OpEntry("one_hot", ops.one_hot, _one_hot_samples, reference(_one_hot_ref),
             lambda s: s.kwargs.get("dtype", "float32"), grad=None, nograd="index input"))


def _nonzero_samples(rng):
    out = []
    for dt in ALL:
        out.append(Sample((Arg(rand(rng, (3, 4), dt, -1, 1)),), {}, dt))
    f = "float32"
    out += [
        Sample((Arg(np.array([0.0, -0.0, np.nan, 1e-30], f)),), {}, "specials"),
        Sample((Arg(np.zeros((2, 3), f)),), {}, "none"),
        Sample((Arg(np.zeros((0, 3), f)),), {}, "empty"),
        Sample((Arg(rand(rng, (2, 3, 4), "int32", -1, 1)),), {}, "3d"),
        Sample((Arg(rand(rng, (4, 5), "bool"), "transposed"),), {}, "transposed"),
        Sample((Arg(rand(rng, (300, 300), "bool")),), {}, "large"),
    ]
    return out


_add(OpEntry("nonzero", _C.nonzero, _nonzero_samples,
             reference(lambda x: np.argwhere(x).reshape(-1, max(x.ndim, 1))
                       if x.ndim else np.argwhere(x)),
             fixed("int64"), grad=None, nograd="index result"))
