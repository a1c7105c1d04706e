"""Shape ops: copy, views (reshape, transpose, slice, ...), concatenate, pad, ..."""

import numpy as np
from kerasnet import _C, ops

from op_db.core import (
    ALL,
    LARGE,
    Arg,
    C,
    OpEntry,
    Sample,
    _add,
    promote,
    rand,
    reference,
    rule_same,
    unary_samples,
)


# ---------------------------------------------------------------------------------------------
# Shape
# ---------------------------------------------------------------------------------------------
def _shape_op_samples(cases, dtypes=ALL):
    """cases: [(input shape, layout, (extra args, kwargs), name)]; every dtype on the first."""

    def make(rng):
        out = []
        shape0, _, extra0, _ = cases[0]
        for dt in dtypes:
            out.append(Sample((Arg(rand(rng, shape0, dt)),) + extra0[0], dict(extra0[1]), dt))
        for shape, layout, (args, kwargs), name in cases:
            out.append(Sample((Arg(rand(rng, shape, "float32"), layout),) + args, dict(kwargs),
                              name))
        return out

    return make


def _shape_grad(cases):
    def make(rng):
        return [Sample((Arg(rand(rng, shape, "float64"), layout),) + args, dict(kwargs), name)
                for shape, layout, (args, kwargs), name in cases
                if 0 < int(np.prod(shape)) <= 60 and layout not in ("numpy", "list")]

    return make


def _first_dtype(s):
    return s.args[0].dtype


def _shape_entry(name, fn, ref, cases, dtype=_first_dtype, **kw):
    _add(OpEntry(name, fn, _shape_op_samples(cases), reference(ref), dtype,
                 grad_samples=_shape_grad(cases), **kw))


_shape_entry("copy", _C.copy, np.copy, [
    ((3, 4), C, ((), {}), "basic"),
    ((), C, ((), {}), "scalar"),
    ((0, 2), C, ((), {}), "empty"),
    ((4, 5), "transposed", ((), {}), "transposed"),
    ((3, 6), "sliced", ((), {}), "sliced"),
    ((3, 5), "flipped", ((), {}), "flipped"),
    ((3, 5), "broadcast", ((), {}), "broadcast"),
    ((2, 3, 4, 5), "transposed", ((), {}), "transposed-4d"),
    (LARGE, "transposed", ((), {}), "large-transposed"),
])

_shape_entry("reshape", ops.reshape, np.reshape, [
    ((2, 3, 4), C, (((6, 4),), {}), "merge"),
    ((2, 3, 4), C, (((-1,),), {}), "flatten"),
    ((2, 3, 4), C, (((4, -1, 2),), {}), "infer"),
    ((2, 3, 4), C, ((24,), {}), "int-shape"),
    ((4, 6), "transposed", (((3, 8),), {}), "transposed"),
    ((3, 6), "sliced", (((9, 2),), {}), "sliced"),
    ((0, 3), C, (((3, 0),), {}), "empty"),
    ((0, 3), C, (((-1, 3),), {}), "empty-infer"),
    ((), C, (((1, 1),), {}), "scalar-up"),
    ((1, 1), C, (((),), {}), "to-scalar"),
    ((3, 4), C, (((3, 4),), {}), "same"),
    ((3, 4), "numpy", (((4, 3),), {}), "numpy"),
])

_shape_entry("transpose", ops.transpose, np.transpose, [
    ((3, 4), C, ((), {}), "2d"),
    ((2, 3, 4), C, (((1, 0, 2),), {}), "perm"),
    ((2, 3, 4), C, (((-1, 0, -2),), {}), "neg-perm"),
    ((2, 3, 4), C, ((), {}), "reverse"),
    ((), C, ((), {}), "scalar"),
    ((0, 3), C, ((), {}), "empty"),
    ((4, 5), "transposed", ((), {}), "of-transposed"),
    ((3, 6), "sliced", ((), {}), "of-sliced"),
    ((2, 3), "numpy", ((), {}), "numpy"),
])

_shape_entry("moveaxis", ops.moveaxis, np.moveaxis, [
    ((2, 3, 4), C, ((0, -1), {}), "first-to-last"),
    ((2, 3, 4), C, ((-1, 0), {}), "last-to-first"),
    ((2, 3, 4, 5), C, (([0, 1], [3, 2]), {}), "two"),
    ((2, 3, 4, 5), C, (((0, 3), (1, 0)), {}), "tuple"),
    ((4, 5), "transposed", ((0, 1), {}), "transposed"),
    ((0, 3, 2), C, ((0, 2), {}), "empty"),
])

_shape_entry("expand_dims", ops.expand_dims, np.expand_dims, [
    ((3, 4), C, ((0,), {}), "front"),
    ((3, 4), C, ((-1,), {}), "back"),
    ((3, 4), C, ((1,), {}), "middle"),
    ((3, 4), C, (((0, 3),), {}), "tuple"),
    ((3, 4), C, (((0, -1),), {}), "neg-tuple"),
    ((), C, ((0,), {}), "scalar"),
    ((4, 5), "transposed", ((1,), {}), "transposed"),
    ((0,), C, ((0,), {}), "empty"),
])


def _squeeze_ref(x, axis=None):
    return np.squeeze(x, axis=tuple(axis) if isinstance(axis, list) else axis)


_shape_entry("squeeze", ops.squeeze, _squeeze_ref, [
    ((1, 3, 1, 4), C, ((), {}), "all"),
    ((1, 3, 1, 4), C, ((0,), {}), "axis0"),
    ((1, 3, 1, 4), C, ((-2,), {}), "neg-axis"),
    ((1, 3, 1, 4), C, (((0, 2),), {}), "tuple"),
    ((1, 1), C, ((), {}), "to-scalar"),
    ((), C, ((), {}), "scalar"),
    ((3, 4), C, ((), {}), "nothing"),
    ((1, 0, 1), C, ((), {}), "empty"),
    ((1, 5), "transposed", ((0,), {}), "transposed"),
])

_shape_entry("broadcast_to", ops.broadcast_to, np.broadcast_to, [
    ((3, 1), C, (((2, 3, 4),), {}), "expand"),
    ((), C, (((2, 2),), {}), "scalar"),
    ((4,), C, (((3, 4),), {}), "rank"),
    ((3, 4), C, (((3, 4),), {}), "same"),
    ((1, 4), C, (((0, 4),), {}), "to-empty"),
    ((4, 1), "transposed", (((2, 4, 3),), {}), "transposed"),
    ((1, 4), "sliced", (((3, 4),), {}), "sliced"),
])


def _flip_ref(x, axis=None):
    return np.flip(x, axis=tuple(axis) if isinstance(axis, list) else axis)


_shape_entry("flip", ops.flip, _flip_ref, [
    ((3, 4), C, ((), {}), "all"),
    ((2, 3, 4), C, ((), {"axis": 1}), "axis1"),
    ((2, 3, 4), C, ((), {"axis": (0, -1)}), "tuple"),
    ((), C, ((), {}), "scalar"),
    ((0, 3), C, ((), {"axis": 0}), "empty"),
    ((4, 5), "transposed", ((), {"axis": 0}), "transposed"),
    ((4, 5), "flipped", ((), {"axis": 0}), "double-flip"),
])


def _slice_ref(x, starts, stops, steps):
    idx = []
    for st, sp, step in zip(starts, stops, steps):
        idx.append(slice(st, None if sp < 0 else sp, step))
    return x[tuple(idx)]


def _slice_case(shape, py_slices, layout=C, name=""):
    starts, stops, steps = [], [], []
    for n, s in zip(shape, py_slices):
        a, b, c = s.indices(n)
        starts.append(a)
        stops.append(b)
        steps.append(c)
    return (shape, layout, ((starts, stops, steps), {}), name)


_shape_entry("slice", _C.slice, _slice_ref, [
    _slice_case((5, 6), [slice(1, 4), slice(None, None, 2)], name="basic"),
    _slice_case((5, 6), [slice(None, None, -1), slice(4, 0, -2)], name="negative-step"),
    _slice_case((5, 6), [slice(2, 2), slice(None)], name="empty-result"),
    _slice_case((5, 6), [slice(-3, None), slice(-1, -7, -1)], name="negative-start"),
    _slice_case((2, 3, 4), [slice(1, 2), slice(0, 3, 2), slice(3, None, -3)], name="3d"),
    _slice_case((4, 5), [slice(1, 3), slice(1, 5, 3)], "transposed", "transposed"),
    _slice_case((4, 6), [slice(None, None, -1), slice(1, 3)], "sliced", "sliced"),
    _slice_case((0, 3), [slice(None), slice(1, 2)], name="empty-input"),
    _slice_case((), [], name="scalar"),
])


def _slice_scatter_ref(g, shape, starts, steps):
    out = np.zeros(shape, g.dtype)
    idx = tuple(np.arange(n) * step + st for n, st, step in zip(g.shape, starts, steps))
    out[np.ix_(*idx)] = g
    return out


def _slice_scatter_samples(rng):
    cases = [
        ((2, 3), (5, 6), [1, 0], [1, 2], "basic"),
        ((5, 3), (5, 6), [4, 5], [-1, -2], "negative-step"),
        ((0, 6), (5, 6), [2, 0], [1, 1], "empty-g"),
        ((2, 2, 2), (2, 3, 4), [0, 0, 3], [1, 2, -3], "3d"),
        ((3, 4), (3, 4), [0, 0], [1, 1], "full"),
    ]
    out = []
    for dt in ALL:
        out.append(Sample((Arg(rand(rng, (2, 3), dt)), (5, 6), [1, 0], [1, 2]), {}, dt))
    for gshape, shape, starts, steps, name in cases:
        out.append(Sample((Arg(rand(rng, gshape, "float32")), shape, starts, steps), {}, name))
    out.append(Sample((Arg(rand(rng, (3, 4), "float32"), "transposed"), (6, 10), [1, 0], [2, 3]),
                      {}, "transposed"))
    return out


def _slice_scatter_grad(rng):
    return [Sample((Arg(rand(rng, (2, 3), "float64")), (5, 6), [1, 0], [1, 2]), {}, "basic"),
            Sample((Arg(rand(rng, (5, 3), "float64"), "transposed"), (5, 6), [4, 5], [-1, -2]),
                   {}, "negative-step")]


_add(OpEntry("slice_scatter", _C.slice_scatter, _slice_scatter_samples,
             reference(_slice_scatter_ref), rule_same, grad_samples=_slice_scatter_grad))


def _list_samples(op):
    """concatenate / stack: lists of tensors."""

    def make(rng):
        out = []
        same = op == "stack"
        for dt in ALL:
            out.append(Sample(([Arg(rand(rng, (2, 3), dt)), Arg(rand(rng, (2, 3), dt))],), {}, dt))
        f = "float32"
        x = lambda shape, layout=C, dt=f: Arg(rand(rng, shape, dt), layout)
        out += [
            Sample(([x((2, 3)), x((2, 3)), x((2, 3))],), {"axis": 1}, "three-axis1"),
            Sample(([x((2, 3)), x((2, 3))],), {"axis": -1}, "axis-last"),
            Sample(([x((2, 3, 4), "transposed"), x((2, 3, 4), "sliced")],), {"axis": 1},
                   "strided"),
            Sample(([x((3, 4), "numpy"), x((3, 4))],), {"axis": 0}, "numpy"),
            Sample(([x((4,))],), {}, "one"),
            Sample(([x((2, 3), dt="int32"), x((2, 3))],), {}, "int32+float32"),
            Sample(([x((2, 3), dt="bool"), x((2, 3), dt="uint8")],), {}, "bool+uint8"),
            Sample(([x((200, 70)), x((200, 70))],), {"axis": 1}, "large"),
        ]
        if same:
            out += [
                Sample(([x(()), x(())],), {}, "scalars"),
                Sample(([x((0, 3)), x((0, 3))],), {"axis": 1}, "empty"),
            ]
        else:
            out += [
                Sample(([x((2, 3)), x((4, 3)), x((1, 3))],), {"axis": 0}, "ragged"),
                Sample(([x((2, 3)), x((2, 5))],), {"axis": 1}, "ragged-axis1"),
                Sample(([x((0, 3)), x((2, 3))],), {"axis": 0}, "empty-part"),
                Sample(([x((2, 0)), x((2, 0))],), {"axis": 1}, "all-empty"),
            ]
        return out

    return make


def _list_dtype(s):
    return promote(*[a.dtype for a in s.args[0]])


def _list_grad(op):
    def make(rng):
        d = "float64"
        x = lambda shape, layout=C: Arg(rand(rng, shape, d), layout)
        out = [Sample(([x((2, 3)), x((2, 3))],), {"axis": 0}, "axis0"),
               Sample(([x((2, 3), "transposed"), x((2, 3)), x((2, 3))],), {"axis": -1},
                      "axis-last")]
        if op == "concatenate":
            out.append(Sample(([x((2, 3)), x((1, 3))],), {"axis": 0}, "ragged"))
        return out

    return make


def _concat_ref(xs, axis=0):
    return np.concatenate(xs, axis=axis)


def _stack_ref(xs, axis=0):
    return np.stack(xs, axis=axis)


_add(OpEntry("concatenate", ops.concatenate, _list_samples("concatenate"),
             reference(_concat_ref), _list_dtype, grad_samples=_list_grad("concatenate")))
_add(OpEntry("stack", ops.stack, _list_samples("stack"), reference(_stack_ref), _list_dtype,
             grad_samples=_list_grad("stack")))


def _split_ref(x, indices_or_sections, axis=0):
    return np.split(x, indices_or_sections, axis=axis)


_shape_entry("split", ops.split, _split_ref, [
    ((4, 6), C, ((2,), {}), "sections"),
    ((4, 6), C, ((3,), {"axis": 1}), "sections-axis1"),
    ((4, 6), C, (([1, 4],), {"axis": 1}), "indices"),
    ((4, 6), C, (([0, 2, 2],), {"axis": 0}), "indices-empty-parts"),
    ((6,), C, ((1,), {}), "one-section"),
    ((4, 6), C, ((2,), {"axis": -1}), "neg-axis"),
    ((0, 6), C, ((3,), {"axis": 1}), "empty"),
    ((4, 6), "transposed", ((2,), {"axis": 1}), "transposed"),
])


def _tile_ref(x, repeats):
    return np.tile(x, repeats)


_shape_entry("tile", ops.tile, _tile_ref, [
    ((2, 3), C, (((2, 2),), {}), "2d"),
    ((2, 3), C, ((3,), {}), "int"),
    ((2, 3), C, (((2, 1, 2),), {}), "more-reps"),
    ((2, 3, 4), C, (((2,),), {}), "fewer-reps"),
    ((2, 3), C, (((0, 2),), {}), "zero"),
    ((), C, (((3,),), {}), "scalar"),
    ((3, 4), "transposed", (((2, 2),), {}), "transposed"),
])


def _repeat_ref(x, repeats, axis=None):
    return np.repeat(x, repeats, axis=axis)


_shape_entry("repeat", ops.repeat, _repeat_ref, [
    ((2, 3), C, ((2,), {}), "flat"),
    ((2, 3), C, ((2,), {"axis": 1}), "axis1"),
    ((2, 3), C, ((3,), {"axis": 0}), "axis0"),
    ((2, 3), C, ((2,), {"axis": -1}), "neg-axis"),
    ((2, 3), C, (([1, 0, 2],), {"axis": 1}), "per-element"),
    ((2, 3), C, ((0,), {"axis": 1}), "zero"),
    ((), C, ((3,), {}), "scalar"),
    ((3, 4), "transposed", ((2,), {"axis": 0}), "transposed"),
])


def _pad_ref(x, pad_width, mode="constant", constant_values=None):
    if mode == "constant":
        return np.pad(x, pad_width, mode, constant_values=constant_values or 0)
    return np.pad(x, pad_width, mode)


_shape_entry("pad", ops.pad, _pad_ref, [
    ((3, 4), C, ((((1, 2), (0, 3)),), {}), "constant"),
    ((3, 4), C, ((((1, 2), (0, 3)),), {"constant_values": 2.5}), "constant-value"),
    ((3, 4), C, ((1,), {}), "int-width"),
    ((3, 4), C, (((1, 2),), {}), "pair-width"),
    ((3, 4), C, ((((2, 2), (3, 1)),), {"mode": "reflect"}), "reflect"),
    ((3, 4), C, ((((2, 3), (3, 4)),), {"mode": "symmetric"}), "symmetric"),
    ((2, 3, 4), C, ((((0, 1), (2, 1), (1, 3)),), {"mode": "reflect"}), "reflect-3d"),
    ((0, 3), C, ((((1, 1), (1, 1)),), {}), "empty"),
    ((4, 5), "transposed", ((((1, 0), (2, 1)),), {"mode": "symmetric"}), "transposed"),
    ((3, 4), "flipped", ((((1, 1), (2, 2)),), {"mode": "reflect"}), "flipped"),
    ((5,), C, ((((0, 0),),), {}), "nothing"),
])


def _stop_gradient_samples(rng):
    return unary_samples(ALL, specials=False)(rng)


_add(OpEntry("stop_gradient", ops.stop_gradient, _stop_gradient_samples,
             reference(lambda x: x), rule_same, grad="none",
             grad_samples=lambda rng: [Sample((Arg(rand(rng, (3, 4), "float64")),), {}, "f64")]))
