"""The op database's machinery: arguments and samples, Keras dtype rules, entries, value and
sample generators. The entries live in one module per op family (see __init__.py)."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from kerasnet import _C, ops

C = "contiguous"  # the default Arg layout, for compact sample tables
FLOATS = ("float32", "float64")
INTS = ("int32", "int64", "uint8")
NUMERIC = FLOATS + INTS
ALL = NUMERIC + ("bool",)

# Keras 3's promotion lattice (JAX-like): the join is the higher rank.
_RANK = {"bool": 0, "uint8": 1, "int32": 2, "int64": 3, "float32": 4, "float64": 5}


# ---------------------------------------------------------------------------------------------
# Arguments and samples
# ---------------------------------------------------------------------------------------------
class Arg:
    """A tensor argument: a numpy value and the layout of the kerasnet input."""

    LAYOUTS = ("contiguous", "transposed", "sliced", "flipped", "broadcast", "numpy", "list")

    def __init__(self, value, layout="contiguous"):
        value = np.asarray(value)
        assert layout in self.LAYOUTS, layout
        if layout == "broadcast":
            value = np.ascontiguousarray(np.broadcast_to(value[:1], value.shape))
        self.value = value
        self.layout = layout

    @property
    def dtype(self):
        return np.dtype(self.value.dtype).name

    @property
    def shape(self):
        return self.value.shape

    def with_value(self, value):
        """The same layout around another value of the same shape."""
        out = Arg.__new__(Arg)
        out.value = np.asarray(value)
        out.layout = self.layout
        return out

    def build(self):
        """The kerasnet input (a tensor, or the raw numpy / list value)."""
        if self.layout == "numpy":
            return self.value
        if self.layout == "list":
            return self.value.tolist()
        return self.apply_layout(ops.convert_to_tensor(self.value))

    def apply_layout(self, t):
        """A view of tensor t with the same values and this Arg's memory layout."""
        layout = self.layout
        nd = t.ndim
        if layout in ("contiguous", "numpy", "list") or t.size == 0:
            return t
        if layout == "transposed" and nd >= 2:
            perm = list(range(nd))
            perm[-1], perm[-2] = perm[-2], perm[-1]
            return _C.transpose(_C.copy(_C.transpose(t, perm)), perm)
        if layout == "flipped" and nd >= 1:
            return _C.flip(_C.copy(_C.flip(t, 0)), 0)
        if layout == "broadcast" and nd >= 1:
            first = _C.slice(t, [0] * nd, [1] + list(t.shape[1:]), [1] * nd)
            return _C.broadcast_to(first, t.shape)
        if nd == 0:
            return t
        # "sliced" (and "transposed" of rank 1): every other element along the last axis.
        doubled = _C.repeat(t, 2, nd - 1)
        stops = list(doubled.shape)
        return _C.slice(doubled, [0] * nd, stops, [1] * (nd - 1) + [2])

    def __repr__(self):
        return f"Arg({self.dtype}{list(self.shape)}, {self.layout})"


@dataclass
class Sample:
    """One call: positional and keyword arguments (Args, Python values, lists of Args)."""

    args: tuple
    kwargs: dict = field(default_factory=dict)
    name: str = ""
    dtype: str | None = None  # expected result dtype when the entry's rule does not apply

    def build(self):
        return _map(self.args, Arg.build), _map(self.kwargs, Arg.build)

    def ref_args(self):
        return _map(self.args, lambda a: a.value), _map(self.kwargs, lambda a: a.value)

    def tensor_args(self):
        return [a for a in _flatten((self.args, self.kwargs)) if isinstance(a, Arg)]

    def in_dtypes(self):
        """Dtypes of the value arguments; Python scalars as "weak_int" / "weak_float" / ..."""
        out = []
        for a in self.args:
            if isinstance(a, Arg):
                out.append(a.dtype)
            elif isinstance(a, bool):
                out.append("weak_bool")
            elif isinstance(a, int):
                out.append("weak_int")
            elif isinstance(a, float):
                out.append("weak_float")
        return out

    def __repr__(self):
        args = ", ".join(repr(a) for a in self.args)
        kw = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())
        return f"<{self.name}: ({args}{', ' if kw else ''}{kw})>"


def _map(obj, fn):
    if isinstance(obj, Arg):
        return fn(obj)
    if isinstance(obj, tuple):
        return tuple(_map(o, fn) for o in obj)
    if isinstance(obj, list):
        return [_map(o, fn) for o in obj]
    if isinstance(obj, dict):
        return {k: _map(v, fn) for k, v in obj.items()}
    return obj


def _flatten(obj):
    if isinstance(obj, (tuple, list)):
        for o in obj:
            yield from _flatten(o)
    elif isinstance(obj, dict):
        for o in obj.values():
            yield from _flatten(o)
    else:
        yield obj


# ---------------------------------------------------------------------------------------------
# Dtype rules (Keras 3)
# ---------------------------------------------------------------------------------------------
def promote(*dtypes):
    """Keras' result_type for strong dtypes and weakly typed Python scalars."""
    strong = [d for d in dtypes if not d.startswith("weak_")]
    weak = [d for d in dtypes if d.startswith("weak_")]
    if not strong:
        return {"weak_bool": "bool", "weak_int": "int32", "weak_float": "float32"}[
            max(weak, key=["weak_bool", "weak_int", "weak_float"].index)
        ]
    r = max(strong, key=_RANK.__getitem__)
    for w in weak:
        if w == "weak_float" and r not in FLOATS:
            r = "float32"
        if w == "weak_int" and r == "bool":
            r = "int32"
    return r


def to_float(dtype):
    return dtype if dtype in FLOATS else "float32"


def rule_same(s):
    return promote(*s.in_dtypes())


def rule_float(s):
    return to_float(promote(*s.in_dtypes()))


def rule_numeric(s):  # bool computes as int32
    d = promote(*s.in_dtypes())
    return "int32" if d == "bool" else d


def rule_bool(s):
    return "bool"


def rule_sum(s):  # sum/prod/cumsum/cumprod widen bool and uint8 to int32
    d = s.in_dtypes()[0]
    return "int32" if d in ("bool", "uint8") else d


def fixed(dtype):
    return lambda s: dtype


def dtype_kwarg(s, default="float32"):
    """The dtype argument of a creation or random op."""
    return s.kwargs.get("dtype", default)


# ---------------------------------------------------------------------------------------------
# Entries
# ---------------------------------------------------------------------------------------------
@dataclass
class OpEntry:
    name: str  # the engine name
    fn: Callable  # the callable under test
    samples: Callable  # rng -> [Sample]
    ref: Callable | None = None  # numpy reference: ref(*args, **kwargs)
    dtype: Callable = rule_same  # Sample -> expected result dtype
    check: Callable | None = None  # check(result, sample) instead of a reference (random ops)
    rtol: dict = field(default_factory=dict)  # per result dtype, over the defaults
    atol: dict = field(default_factory=dict)
    # Gradients. "check": every float Arg is differentiated; "zero": the gradient is zero or
    # None (no dependence); "none": the tape must not connect the output to the input
    # (stop_gradient); None: not differentiable (give `nograd` the reason).
    grad: str | None = "check"
    nograd: str = ""
    grad_samples: Callable | None = None  # rng -> [Sample] (float64), default: from samples
    grad_eps: float = 1e-6
    grad_rtol: float = 1e-5
    grad_atol: float = 1e-6
    gradgrad: bool = True  # also check the gradient of the gradient (rules built from ops)
    gradgrad_skip: tuple = ()  # names of gradient samples the second-order check leaves out
    optional_args: tuple = ()  # positions of tensor arguments that accept None (matmul_bias_act's bias)

    def tolerances(self, dtype):
        rtol = {"float32": 1e-5, "float64": 1e-10}.get(dtype, 0.0)
        atol = {"float32": 1e-6, "float64": 1e-12}.get(dtype, 0.0)
        return self.rtol.get(dtype, rtol), self.atol.get(dtype, atol)


OP_DB = {}


def _add(entry):
    assert entry.name not in OP_DB, entry.name
    if entry.grad is None:
        assert entry.nograd, f"{entry.name}: give the reason it has no gradient check"
    OP_DB[entry.name] = entry


def reference(fn):
    """Runs a numpy reference with numpy's floating-point warnings silenced (inf/nan expected)."""

    def run(*args, **kwargs):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args, **kwargs)

    return run


def central_differences(loss, args, eps=1e-6):
    """d loss / d arg by central differences, in float64, for every float array in `args`
    (None and bool arguments are skipped): the reference of the gradient-kernel entries
    (*_backward) whose op is checked through its gradient."""
    args = [None if a is None else np.asarray(a) for a in args]
    grads = []
    for k, a in enumerate(args):
        if a is None or a.dtype == bool:
            continue
        base = a.astype(np.float64)
        g = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            for sign in (1, -1):
                moved = list(args)
                moved[k] = base.copy()
                moved[k][idx] += sign * eps
                g[idx] += sign * loss(moved) / (2 * eps)
        grads.append(g)
    return grads


# ---------------------------------------------------------------------------------------------
# Value generators
# ---------------------------------------------------------------------------------------------
def rand(rng, shape, dtype, low=-3.0, high=3.0):
    """Random values of a dtype in [low, high] (integers: whole numbers in the range)."""
    shape = tuple(shape)
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype in INTS:
        lo = max(math.ceil(low), 0) if dtype == "uint8" else math.ceil(low)
        hi = min(math.floor(high), 255) if dtype == "uint8" else math.floor(high)
        return rng.integers(lo, hi + 1, size=shape).astype(dtype)
    return rng.uniform(low, high, size=shape).astype(dtype)


def rand_nonzero(rng, shape, dtype, low=0.5, high=3.0):
    """Values with |v| in [0.5, max(|low|, |high|)] and random signs (unsigned: positive)."""
    if dtype == "bool":
        return np.ones(shape, bool)
    mag = rand(rng, shape, dtype, 0.5, max(abs(low), abs(high), 1.0))
    if dtype == "uint8":
        return np.maximum(mag, 1).astype(dtype)
    if dtype in INTS:
        mag = np.maximum(mag, 1)
    sign = np.where(rng.random(shape) < 0.5, -1, 1)
    return (mag * sign).astype(dtype)


SPECIALS = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, -1e-30, 1e30, -1e30, 88.0, -88.0, 88.5,
            89.0, -103.0, -110.0, 20.0, -20.0, 1.0, -1.0, 0.5, -0.5, 3.0, -3.0, 6.0, 1e-40]

LARGE = (300, 257)  # > the elementwise grain (parallel), odd inner size (vector tails)


def unary_samples(dtypes=ALL, low=-3.0, high=3.0, specials=True, gen=rand, kwargs=None):
    """Samples of a unary op: every dtype, scalars, 0-size, strided views, a large tensor."""
    kwargs = kwargs or {}

    def make(rng):
        out = []
        for dt in dtypes:
            out.append(Sample((Arg(gen(rng, (3, 5), dt, low, high)),), dict(kwargs), f"{dt}"))
        f = dtypes[0]
        g = lambda shape, dt=f: gen(rng, shape, dt, low, high)
        out += [
            Sample((Arg(g(())),), dict(kwargs), "scalar"),
            Sample((Arg(g((0,))),), dict(kwargs), "empty"),
            Sample((Arg(g((2, 0, 3))),), dict(kwargs), "empty-3d"),
            Sample((Arg(g((37,))),), dict(kwargs), "vector-tail"),
            Sample((Arg(g((4, 6)), "transposed"),), dict(kwargs), "transposed"),
            Sample((Arg(g((3, 7)), "sliced"),), dict(kwargs), "sliced"),
            Sample((Arg(g((3, 2, 4)), "flipped"),), dict(kwargs), "flipped"),
            Sample((Arg(g((3, 4)), "broadcast"),), dict(kwargs), "broadcast"),
            Sample((Arg(g((2, 3)), "numpy"),), dict(kwargs), "numpy-input"),
            Sample((Arg(g(LARGE)),), dict(kwargs), "large"),
        ]
        if "float64" in dtypes:
            big = Arg(gen(rng, LARGE, "float64", low, high))
            out.append(Sample((big,), dict(kwargs), "large-f64"))
        if specials and f in FLOATS:
            out.append(Sample((Arg(np.array(SPECIALS, f)),), dict(kwargs), "specials"))
            out.append(Sample((Arg(np.array(SPECIALS * 3, "float64")),), dict(kwargs),
                              "specials-f64"))
        return out

    return make


def binary_samples(dtypes=ALL, gen_a=rand, gen_b=rand, low=-3.0, high=3.0, scalars=True,
                   mixed=True):
    """Samples of a broadcasting binary op."""

    def make(rng):
        a = lambda shape, dt: gen_a(rng, shape, dt, low, high)
        b = lambda shape, dt: gen_b(rng, shape, dt, low, high)
        out = [Sample((Arg(a((3, 4), dt)), Arg(b((3, 4), dt))), {}, dt) for dt in dtypes]
        f = dtypes[0]
        out += [
            Sample((Arg(a((3, 1), f)), Arg(b((1, 4), f))), {}, "broadcast-both"),
            Sample((Arg(a((4,), f)), Arg(b((2, 3, 4), f))), {}, "broadcast-rank"),
            Sample((Arg(a((2, 1, 4), f)), Arg(b((3, 1), f))), {}, "broadcast-mixed"),
            Sample((Arg(a((), f)), Arg(b((3, 4), f))), {}, "0d-tensor"),
            Sample((Arg(a((), f)), Arg(b((), f))), {}, "both-0d"),
            Sample((Arg(a((0, 4), f)), Arg(b((1, 4), f))), {}, "empty"),
            Sample((Arg(a((0, 4), f)), Arg(b((4,), f))), {}, "empty-broadcast"),
            Sample((Arg(a((4, 5), f), "transposed"), Arg(b((4, 5), f), "sliced")), {}, "strided"),
            Sample((Arg(a((3, 4), f), "flipped"), Arg(b((3, 4), f), "broadcast")), {},
                   "flipped-broadcast"),
            Sample((Arg(a((3, 4), f)), Arg(b((3, 4), f), "numpy")), {}, "numpy-operand"),
            Sample((Arg(a((2, 3), f), "numpy"), Arg(b((2, 3), f))), {}, "numpy-first"),
            Sample((Arg(a(LARGE, f)), Arg(b(LARGE, f))), {}, "large"),
            Sample((Arg(a(LARGE, f)), Arg(b(LARGE[1:], f))), {}, "large-broadcast-row"),
            Sample((Arg(a((LARGE[0], 1), f)), Arg(b(LARGE, f))), {}, "large-broadcast-col"),
        ]
        if "float64" in dtypes:
            out.append(Sample((Arg(a(LARGE, "float64")), Arg(b(LARGE, "float64"))), {},
                              "large-f64"))
        if mixed:
            pairs = [("int32", "float32"), ("uint8", "int32"), ("bool", "int32"),
                     ("int64", "float32"), ("float32", "float64"), ("uint8", "float32"),
                     ("int32", "int64"), ("bool", "float64")]
            for da, db in pairs:
                if da in dtypes and db in dtypes:
                    out.append(Sample((Arg(a((2, 3), da)), Arg(b((2, 3), db))), {}, f"{da}+{db}"))
                    out.append(Sample((Arg(a((2, 3), db)), Arg(b((2, 3), da))), {}, f"{db}+{da}"))
        if scalars:
            for dt in dtypes:
                x = a((2, 3), dt)
                y = b((2, 3), dt)
                if dt != "bool":
                    si = int(b((), "int32" if dt != "uint8" else "uint8"))
                    out.append(Sample((Arg(x), si), {}, f"{dt}+pyint"))
                    out.append(Sample((int(a((), "int32" if dt != "uint8" else "uint8")), Arg(y)),
                                      {}, f"pyint+{dt}"))
                sf = float(np.float32(b((), "float32")))
                out.append(Sample((Arg(x), sf), {}, f"{dt}+pyfloat"))
                out.append(Sample((float(np.float32(a((), "float32"))), Arg(y)), {},
                                  f"pyfloat+{dt}"))
        return out

    return make
