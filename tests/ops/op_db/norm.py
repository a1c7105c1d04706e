"""softmax and log_softmax along an axis."""

import numpy as np
from kerasnet import ops

from op_db.core import (
    ALL,
    Arg,
    C,
    OpEntry,
    Sample,
    _add,
    rand,
    reference,
    rule_float,
)


def _softmax_ref(x, axis=-1):
    x = np.asarray(x, np.float64)
    m = np.max(x, axis=axis, keepdims=True) if x.size else 0
    e = np.exp(x - m)
    return e / np.sum(e, axis=axis, keepdims=True)


def _log_softmax_ref(x, axis=-1):
    x = np.asarray(x, np.float64)
    m = np.max(x, axis=axis, keepdims=True) if x.size else 0
    return x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


def _softmax_samples(rng):
    out = []
    for dt in ALL:
        out.append(Sample((Arg(rand(rng, (3, 5), dt)),), {}, dt))
    f = "float32"
    x = lambda shape, layout=C, lo=-3, hi=3: Arg(rand(rng, shape, f, lo, hi), layout)
    out += [
        Sample((x((2, 3, 4)),), {"axis": 0}, "axis0"),
        Sample((x((2, 3, 4)),), {"axis": 1}, "axis-mid"),
        Sample((x((2, 3, 4)),), {"axis": -1}, "axis-last"),
        Sample((x((5,)),), {}, "1d"),
        Sample((x((3, 4), lo=500, hi=1000),), {}, "large-values"),
        Sample((x((3, 4), lo=-1000, hi=-500),), {}, "very-negative"),
        Sample((x((0, 4)),), {}, "empty"),
        Sample((x((4, 6), "transposed"),), {"axis": -1}, "transposed"),
        Sample((x((3, 6), "sliced"),), {"axis": 0}, "sliced"),
        Sample((Arg(np.array([[0.0, -np.inf, 1.0], [-np.inf, 2.0, -np.inf]], f)),), {},
               "neg-inf"),
        Sample((x((300, 257)),), {}, "large"),
        Sample((x((3, 1000)),), {"axis": -1}, "long-rows"),
    ]
    return out


def _softmax_grad(rng):
    d = "float64"
    return [
        Sample((Arg(rand(rng, (3, 4), d)),), {}, "last"),
        Sample((Arg(rand(rng, (2, 3, 4), d)),), {"axis": 1}, "mid"),
        Sample((Arg(rand(rng, (3, 4), d), "transposed"),), {"axis": 0}, "transposed"),
    ]


_add(OpEntry("softmax", ops.softmax, _softmax_samples, reference(_softmax_ref), rule_float,
             grad_samples=_softmax_grad, rtol={"float32": 2e-5}, atol={"float32": 2e-6}))
_add(OpEntry("log_softmax", ops.log_softmax, _softmax_samples, reference(_log_softmax_ref),
             rule_float, grad_samples=_softmax_grad, rtol={"float32": 2e-5},
             atol={"float32": 2e-5}))
