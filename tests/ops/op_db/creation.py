"""Creation ops: full, zeros, ones, *_like, arange, linspace, eye."""

import numpy as np
from kerasnet import ops

from op_db.core import (
    ALL,
    Arg,
    OpEntry,
    Sample,
    _add,
    dtype_kwarg,
    rand,
    reference,
)


# ---------------------------------------------------------------------------------------------
# Creation
# ---------------------------------------------------------------------------------------------
def _creation(name, fn, ref, samples, dtype, **kw):
    _add(OpEntry(name, fn, samples, reference(ref), dtype, grad=None,
                 nograd="creation op: no tensor input", **kw))


def _shape_samples(extra_kwargs):
    def make(rng):
        out = []
        for shape in [(), (0,), (3,), (2, 3), (2, 0, 4), 5]:
            for kw in extra_kwargs:
                out.append(Sample((shape,), dict(kw), f"{shape}-{kw}"))
        return out

    return make


_DT = [{}, {"dtype": "float64"}, {"dtype": "int32"}, {"dtype": "int64"}, {"dtype": "bool"},
       {"dtype": "uint8"}]


_creation("zeros", ops.zeros, lambda shape, dtype=None: np.zeros(shape, dtype or "float32"),
          _shape_samples(_DT), dtype_kwarg)
_creation("ones", ops.ones, lambda shape, dtype=None: np.ones(shape, dtype or "float32"),
          _shape_samples(_DT), dtype_kwarg)


def _full_samples(rng):
    out = []
    for shape in [(), (0,), (4,), (2, 3), (2, 0), 3]:
        out.append(Sample((shape, 2.5), {}, "float", dtype="float32"))
        out.append(Sample((shape, 7), {}, "int", dtype="int32"))
        out.append(Sample((shape, True), {}, "bool", dtype="bool"))
    for dt in ALL:
        out.append(Sample(((2, 3), 3), {"dtype": dt}, dt, dtype=dt))
    out.append(Sample(((2,), -1.5), {"dtype": "float64"}, "neg-f64", dtype="float64"))
    out.append(Sample(((2,), 2**40), {"dtype": "int64"}, "big-int64", dtype="int64"))
    out.append(Sample(((3,), float("inf")), {}, "inf", dtype="float32"))
    out.append(Sample(((3,), float("nan")), {"dtype": "float64"}, "nan", dtype="float64"))
    return out


_creation("full", ops.full,
          lambda shape, v, dtype=None: np.full(shape, v, dtype or np.asarray(v).dtype),
          _full_samples, lambda s: s.dtype)


def _like_samples(rng):
    out = []
    for dt in ALL:
        out.append(Sample((Arg(rand(rng, (2, 3), dt)),), {}, dt))
    out += [
        Sample((Arg(rand(rng, (), "float32")),), {}, "scalar"),
        Sample((Arg(rand(rng, (0, 3), "float32")),), {}, "empty"),
        Sample((Arg(rand(rng, (3, 4), "float32"), "transposed"),), {}, "transposed"),
        Sample((Arg(rand(rng, (3, 4), "int32"), "numpy"),), {}, "numpy"),
        Sample((Arg(rand(rng, (3, 4), "float32")),), {"dtype": "int64"}, "dtype-override"),
        Sample((Arg(rand(rng, (3, 4), "int32")),), {"dtype": "float64"}, "dtype-override-f"),
    ]
    return out


def _like_dtype(s):
    return s.kwargs.get("dtype") or s.args[0].dtype


for _name, _fn, _ref in [
    ("zeros_like", ops.zeros_like, lambda x, dtype=None: np.zeros_like(x, dtype=dtype)),
    ("ones_like", ops.ones_like, lambda x, dtype=None: np.ones_like(x, dtype=dtype)),
]:
    _add(OpEntry(_name, _fn, _like_samples, reference(_ref), _like_dtype, grad="zero"))


def _full_like_samples(rng):
    out = []
    for s in _like_samples(rng):
        out.append(Sample(s.args + (3,), s.kwargs, s.name + "-int"))
        negative_ok = s.kwargs.get("dtype", s.args[0].dtype) != "uint8"
        out.append(Sample(s.args + (-1.5 if negative_ok else 1.5,), s.kwargs, s.name + "-float"))
    return out


_add(OpEntry("full_like", ops.full_like, _full_like_samples,
             reference(lambda x, v, dtype=None: np.full_like(x, v, dtype=dtype)),
             _like_dtype, grad="zero"))


def _arange_samples(rng):
    S = Sample
    return [
        S((5,), {}, "stop", dtype="int32"),
        S((0,), {}, "empty", dtype="int32"),
        S((2, 11, 3), {}, "start-stop-step", dtype="int32"),
        S((10, 2, -3), {}, "negative-step", dtype="int32"),
        S((5, 1), {}, "empty-range", dtype="int32"),
        S((0.5, 3.2, 0.7), {}, "float", dtype="float32"),
        S((-1.0, 1.0, 0.25), {}, "float-exact", dtype="float32"),
        S((1, 4.0), {}, "mixed", dtype="float32"),
        S((7,), {"dtype": "float64"}, "f64", dtype="float64"),
        S((3, 10), {"dtype": "int64"}, "i64", dtype="int64"),
        S((0, 200, 7), {"dtype": "uint8"}, "u8", dtype="uint8"),
        S((100000,), {}, "large", dtype="int32"),
    ]


def _arange_ref(start, stop=None, step=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    return np.arange(start, stop, step, dtype="float64")


_creation("arange", ops.arange, _arange_ref, _arange_samples, lambda s: s.dtype)


def _linspace_samples(rng):
    S = Sample
    return [
        S((0, 1, 5), {}, "basic"),
        S((-2.5, 7.5, 11), {}, "float"),
        S((0, 1, 5), {"endpoint": False}, "no-endpoint"),
        S((3, 3, 1), {}, "one"),
        S((0, 10, 0), {}, "zero"),
        S((10, 0, 6), {}, "descending"),
        S((0, 1, 7), {"dtype": "float64"}, "f64"),
        S((0, 100, 11), {"dtype": "int32"}, "int"),
        S((0.0, 1.0, 1001), {}, "many"),
    ]


_creation("linspace", ops.linspace, np.linspace, _linspace_samples, dtype_kwarg)


def _eye_samples(rng):
    S = Sample
    return [
        S((3,), {}, "square"),
        S((3, 5), {}, "wide"),
        S((5, 3), {}, "tall"),
        S((4, 4, 1), {}, "k=1"),
        S((4, 4, -2), {}, "k=-2"),
        S((3, 4, 5), {}, "k-beyond"),
        S((0,), {}, "empty"),
        S((3,), {"dtype": "int32"}, "int32"),
        S((2, 3), {"dtype": "bool"}, "bool"),
        S((300,), {"dtype": "float64"}, "large"),
    ]


_creation("eye", ops.eye, lambda N, M=None, k=0, dtype=None: np.eye(N, M, k), _eye_samples,
          dtype_kwarg)
