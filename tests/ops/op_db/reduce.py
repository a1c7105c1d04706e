"""Reductions over axes, argmax/argmin, cumsum/cumprod."""

import numpy as np
from kerasnet import ops

from op_db.core import (
    ALL,
    LARGE,
    Arg,
    OpEntry,
    Sample,
    _add,
    fixed,
    rand,
    reference,
    rule_bool,
    rule_float,
    rule_same,
    rule_sum,
)

# ---------------------------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------------------------
_AXES = [None, 0, -1, (0, 2), (1, 2), (0, 1, 2), ()]


def reduce_samples(dtypes=ALL, low=-3.0, high=3.0, empty=True, axes=_AXES,
                   kw_names=("axis", "keepdims")):
    ax, kd = kw_names

    def make(rng):
        out = []
        for dt in dtypes:
            out.append(Sample((Arg(rand(rng, (3, 4), dt, low, high)),), {}, f"{dt}-all"))
            out.append(Sample((Arg(rand(rng, (3, 4), dt, low, high)),), {ax: 1}, f"{dt}-axis1"))
        f = dtypes[0]
        x3 = lambda: Arg(rand(rng, (2, 3, 4), f, low, high))
        for a in axes:
            for keep in (False, True):
                out.append(Sample((x3(),), {ax: a, kd: keep}, f"axis={a}-keepdims={keep}"))
        out += [
            Sample((Arg(rand(rng, (), f, low, high)),), {}, "scalar"),
            Sample((Arg(rand(rng, (), f, low, high)),), {ax: 0}, "scalar-axis0"),
            Sample((Arg(rand(rng, (5,), f, low, high)),), {ax: -1, kd: True}, "1d"),
            Sample((Arg(rand(rng, (4, 6), f, low, high), "transposed"),), {ax: 0}, "transposed"),
            Sample((Arg(rand(rng, (3, 6), f, low, high), "sliced"),), {ax: 1}, "sliced"),
            Sample((Arg(rand(rng, (3, 2, 4), f, low, high), "flipped"),), {ax: (0, 2)},
                   "flipped"),
            Sample((Arg(rand(rng, (3, 4), f, low, high), "broadcast"),), {ax: 0}, "broadcast"),
            Sample((Arg(rand(rng, (3, 4), f, low, high), "numpy"),), {ax: 0}, "numpy"),
            Sample((Arg(rand(rng, (3, 4), f, low, high)),), {ax: [0, 1]}, "axis-list"),
            Sample((Arg(rand(rng, (2, 3, 4, 5), f, low, high)),), {ax: (0, 2)}, "gap-axes"),
            Sample((Arg(rand(rng, (2, 3, 4, 5), f, low, high)),), {ax: (-1, 1)}, "neg-gap-axes"),
            Sample((Arg(rand(rng, LARGE, f, low, high)),), {ax: 0}, "large-axis0"),
            Sample((Arg(rand(rng, LARGE, f, low, high)),), {ax: 1}, "large-axis1"),
            Sample((Arg(rand(rng, LARGE, f, low, high)),), {}, "large-all"),
            Sample((Arg(rand(rng, (2, 0, 3), f, low, high)),), {ax: 0}, "empty-kept"),
        ]
        if empty:
            out += [
                Sample((Arg(rand(rng, (0, 3), f, low, high)),), {ax: 0}, "empty-reduced"),
                Sample((Arg(rand(rng, (0,), f, low, high)),), {}, "empty-all"),
            ]
        return out

    return make


def _reduce_grad_samples(low=-3.0, high=3.0, kw_names=("axis", "keepdims"), scalar=True):
    ax, kd = kw_names

    def make(rng):
        d = "float64"
        x = lambda shape: Arg(rand(rng, shape, d, low, high))
        return [s for s in [
            Sample((x((3, 4)),), {}, "all"),
            Sample((x((2, 3, 4)),), {ax: 1}, "axis1"),
            Sample((x((2, 3, 4)),), {ax: (0, 2), kd: True}, "gap-keepdims"),
            Sample((x((2, 3, 4)),), {ax: -1}, "last"),
            Sample((Arg(rand(rng, (3, 4), d, low, high), "transposed"),), {ax: 0}, "transposed"),
            Sample((x(()),), {}, "scalar"),
        ] if scalar or s.name != "scalar"]

    return make


def _with_zeros(make_samples):
    """Gradient samples plus rows with zeros (first, repeated, last): exact rules needed there."""
    def make(rng):
        z = np.array([[2.0, 0.0, 3.0, 0.5], [0.0, 0.0, 1.5, 2.0], [1.0, 2.0, -1.0, 0.0]])
        return make_samples(rng) + [Sample((Arg(z),), {"axis": 1}, "zeros"),
                                    Sample((Arg(z.T.copy(), "transposed"),), {"axis": 0},
                                           "zeros-transposed")]

    return make


def _np_reduce(fn, out_cast=None):
    def ref(x, axis=None, keepdims=False):
        if isinstance(axis, list):
            axis = tuple(axis)
        if np.ndim(x) == 0:  # the engine, like np.sum, accepts axis 0 / -1 of a 0-d tensor
            axis = None
        return fn(x, axis=axis, keepdims=keepdims)

    return ref


def _logsumexp_ref(x, axis=None, keepdims=False):
    x = np.asarray(x, np.float64)
    if isinstance(axis, list):
        axis = tuple(axis)
    m = np.max(x, axis=axis, keepdims=True) if x.size else np.zeros([1] * x.ndim)
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    if not keepdims:
        out = np.squeeze(out, axis=axis if axis is not None else tuple(range(x.ndim)))
    return out


_REDUCE = {
    # name: (callable, ref, dtype rule, dtypes, value range, zero-size allowed)
    "sum": (ops.sum, np.sum, rule_sum, ALL, (-3, 3), True),
    "prod": (ops.prod, np.prod, rule_sum, ALL, (0.5, 1.5), True),
    "max": (ops.max, np.max, rule_same, ALL, (-3, 3), False),
    "min": (ops.min, np.min, rule_same, ALL, (-3, 3), False),
    "mean": (ops.mean, np.mean, rule_float, ALL, (-3, 3), True),
    "var": (ops.var, np.var, rule_float, ALL, (-3, 3), True),
    "std": (ops.std, np.std, rule_float, ALL, (-3, 3), True),
    "logsumexp": (ops.logsumexp, _logsumexp_ref, rule_float, ALL, (-3, 3), True),
    "any": (ops.any, np.any, rule_bool, ALL, (-1, 1), True),
    "all": (ops.all, np.all, rule_bool, ALL, (-1, 1), True),
}


def _reduce_entry(name, fn, ref, rule, dtypes, rng_range, empty):
    low, high = rng_range
    grad = None if name in ("any", "all") else "check"
    # std of one element: sqrt'(0) * 0 is NaN (as in TF and JAX).
    grad_samples = _reduce_grad_samples(low if name != "prod" else 0.5,
                                        high if name != "prod" else 2.0, scalar=name != "std")
    if name == "prod":
        grad_samples = _with_zeros(grad_samples)
    _add(OpEntry(name, fn, reduce_samples(dtypes, low, high, empty), reference(_np_reduce(ref)),
                 rule, grad=grad, nograd="bool result" if grad is None else "",
                 grad_samples=grad_samples,
                 # Sums of 77k float32 terms: the engine and numpy add in different orders.
                 rtol={"float32": 1e-4}, atol={"float32": 1e-4}))


for _name, _row in _REDUCE.items():
    _reduce_entry(_name, *_row)


def _arg_samples(rng):
    out = []
    for dt in ALL:
        out.append(Sample((Arg(rand(rng, (3, 4), dt)),), {}, f"{dt}-flat"))
        out.append(Sample((Arg(rand(rng, (3, 4), dt)),), {"axis": 1}, f"{dt}-axis1"))
    f = "float32"
    out += [
        Sample((Arg(rand(rng, (2, 3, 4), f)),), {"axis": 0}, "axis0"),
        Sample((Arg(rand(rng, (2, 3, 4), f)),), {"axis": -2, "keepdims": True}, "keepdims"),
        Sample((Arg(rand(rng, (2, 3, 4), f)),), {"keepdims": True}, "flat-keepdims"),
        Sample((Arg(rand(rng, (), f)),), {}, "scalar"),
        Sample((Arg(rand(rng, (4, 6), f), "transposed"),), {"axis": 0}, "transposed"),
        Sample((Arg(rand(rng, (3, 6), f), "flipped"),), {"axis": 0}, "flipped"),
        # Ties: the first occurrence wins, as in numpy.
        Sample((Arg(np.array([[1, 3, 3, 0], [2, 2, 1, 2]], "int32")),), {"axis": 1}, "ties"),
        Sample((Arg(np.array([[1.0, np.nan, 3.0, np.nan], [2.0, 2.0, np.nan, 5.0]], f)),),
               {"axis": 1}, "nan"),
        Sample((Arg(rand(rng, (0, 3), f)),), {"axis": 1}, "empty-kept"),
        Sample((Arg(rand(rng, LARGE, f)),), {"axis": 0}, "large-axis0"),
        Sample((Arg(rand(rng, LARGE, f)),), {"axis": 1}, "large-axis1"),
    ]
    return out


def _argref(fn):
    def ref(x, axis=None, keepdims=False):
        r = fn(x, axis=axis)
        if keepdims:
            r = np.reshape(r, [1] * x.ndim) if axis is None else np.expand_dims(r, axis)
        return r

    return ref


for _name, _fn, _np in [("argmax", ops.argmax, np.argmax), ("argmin", ops.argmin, np.argmin)]:
    _add(OpEntry(_name, _fn, _arg_samples, reference(_argref(_np)), fixed("int32"), grad=None,
                 nograd="index result"))


def _cum_samples(low, high):
    def make(rng):
        out = []
        for dt in ALL:
            out.append(Sample((Arg(rand(rng, (3, 4), dt, low, high)),), {}, f"{dt}-flat"))
            out.append(Sample((Arg(rand(rng, (3, 4), dt, low, high)),), {"axis": 1}, f"{dt}-axis1"))
        f = "float32"
        x = lambda shape, layout="contiguous": Arg(rand(rng, shape, f, low, high), layout)
        out += [
            Sample((x((2, 3, 4)),), {"axis": 0}, "axis0"),
            Sample((x((2, 3, 4)),), {"axis": 1}, "axis-mid"),
            Sample((x((2, 3, 4)),), {"axis": -1}, "axis-last"),
            Sample((x(()),), {}, "scalar"),
            Sample((x((0, 3)),), {"axis": 0}, "empty"),
            Sample((x((4, 6), "transposed"),), {"axis": 1}, "transposed"),
            Sample((x((3, 6), "sliced"),), {"axis": 0}, "sliced"),
            Sample((x((3, 5), "flipped"),), {"axis": 0}, "flipped"),
            Sample((Arg(rand(rng, (500, 3), "float64", low, high)),), {"axis": 0}, "long-f64"),
            Sample((x((300, 131)),), {"axis": 1}, "large"),
        ]
        return out

    return make


def _cum_grad_samples(low, high):
    def make(rng):
        d = "float64"
        return [
            Sample((Arg(rand(rng, (3, 4), d, low, high)),), {}, "flat"),
            Sample((Arg(rand(rng, (2, 3, 4), d, low, high)),), {"axis": 1}, "axis1"),
            Sample((Arg(rand(rng, (3, 4), d, low, high), "transposed"),), {"axis": 0},
                   "transposed"),
        ]

    return make


_add(OpEntry("cumsum", ops.cumsum, _cum_samples(-3, 3),
             reference(lambda x, axis=None: np.cumsum(x, axis=axis)), rule_sum,
             grad_samples=_cum_grad_samples(-3, 3), rtol={"float32": 1e-4},
             atol={"float32": 1e-4}))
_add(OpEntry("cumprod", ops.cumprod, _cum_samples(0.7, 1.3),
             reference(lambda x, axis=None: np.cumprod(x, axis=axis)), rule_sum,
             grad_samples=_with_zeros(_cum_grad_samples(0.5, 2.0)),
             # The exact first derivative at zeros is piecewise (masks): not differentiable again.
             gradgrad_skip=("zeros", "zeros-transposed"), rtol={"float32": 1e-4},
             atol={"float32": 1e-4}))
