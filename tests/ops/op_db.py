"""The op database: one entry per engine op (`kerasnet._C.op_names()`).

Each `OpEntry` names the callable under test (the Keras face in `kerasnet.ops`
/ `kerasnet.random`, or `kerasnet._C` for engine-internal ops), a sample
generator, a numpy reference (or, for random ops, a checker), the expected
result dtype, tolerances, and how the op is differentiated. The generic tests
(test_ops.py, ../autograd/test_gradcheck.py) run every entry; nothing here
asserts anything.

A sample's tensor arguments are `Arg`s: a numpy value (what the reference
sees) plus a layout saying how the test builds the kerasnet input:
  "contiguous"  converted with convert_to_tensor
  "transposed"  a transpose view of a copy laid out the other way
  "sliced"      every other element of a tensor twice as long (a strided view)
  "flipped"     a negative-stride view (flip of a flipped copy)
  "broadcast"   a stride-0 view (broadcast_to of the first row)
  "numpy"       the numpy array itself, passed to the op
  "list"        a nested Python list
Layouts are written with engine ops, so they are differentiable and the
gradient checks go through them too. Python scalars in a sample are passed
as they are (Keras' weak types).
"""

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

import kerasnet
from kerasnet import _C, ops

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
    dtype: Optional[str] = None  # expected result dtype when the entry's rule does not apply

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


# ---------------------------------------------------------------------------------------------
# Entries
# ---------------------------------------------------------------------------------------------
@dataclass
class OpEntry:
    name: str  # the engine name
    fn: Callable  # the callable under test
    samples: Callable  # rng -> [Sample]
    ref: Optional[Callable] = None  # numpy reference: ref(*args, **kwargs)
    dtype: Callable = rule_same  # Sample -> expected result dtype
    check: Optional[Callable] = None  # check(result, sample) instead of a reference (random ops)
    rtol: dict = field(default_factory=dict)  # per result dtype, over the defaults
    atol: dict = field(default_factory=dict)
    # Gradients. "check": every float Arg is differentiated; "zero": the gradient is zero or
    # None (no dependence); "none": the tape must not connect the output to the input
    # (stop_gradient); None: not differentiable (give `nograd` the reason).
    grad: Optional[str] = "check"
    nograd: str = ""
    grad_samples: Optional[Callable] = None  # rng -> [Sample] (float64), default: from samples
    grad_eps: float = 1e-6
    grad_rtol: float = 1e-5
    grad_atol: float = 1e-6
    gradgrad: bool = True  # also check the gradient of the gradient (rules built from ops)
    gradgrad_skip: tuple = ()  # names of gradient samples the second-order check leaves out

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


# ---------------------------------------------------------------------------------------------
# Value generators
# ---------------------------------------------------------------------------------------------
def rand(rng, shape, dtype, low=-3.0, high=3.0):
    """Random values of a dtype in [low, high] (integers: whole numbers in the range)."""
    shape = tuple(shape)
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype in INTS:
        lo = max(int(math.ceil(low)), 0) if dtype == "uint8" else int(math.ceil(low))
        hi = min(int(math.floor(high)), 255)
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
        g = lambda shape, dt=f: gen(rng, shape, dt, low, high)  # noqa: E731
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
            out.append(Sample((Arg(gen(rng, LARGE, "float64", low, high)),), dict(kwargs), "large-f64"))
        if specials and f in FLOATS:
            out.append(Sample((Arg(np.array(SPECIALS, f)),), dict(kwargs), "specials"))
            out.append(Sample((Arg(np.array(SPECIALS * 3, "float64")),), dict(kwargs), "specials-f64"))
        return out

    return make


def binary_samples(dtypes=ALL, gen_a=rand, gen_b=rand, low=-3.0, high=3.0, scalars=True,
                   mixed=True):
    """Samples of a broadcasting binary op."""

    def make(rng):
        a = lambda shape, dt: gen_a(rng, shape, dt, low, high)  # noqa: E731
        b = lambda shape, dt: gen_b(rng, shape, dt, low, high)  # noqa: E731
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
            out.append(Sample((Arg(a(LARGE, "float64")), Arg(b(LARGE, "float64"))), {}, "large-f64"))
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


def _dtype_kw(s, default="float32"):
    return s.kwargs.get("dtype", default)


_creation("zeros", ops.zeros, lambda shape, dtype=None: np.zeros(shape, dtype or "float32"),
          _shape_samples(_DT), _dtype_kw)
_creation("ones", ops.ones, lambda shape, dtype=None: np.ones(shape, dtype or "float32"),
          _shape_samples(_DT), _dtype_kw)


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
        out.append(Sample(s.args + (-1.5,), s.kwargs, s.name + "-float"))
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


_creation("linspace", ops.linspace, np.linspace, _linspace_samples, _dtype_kw)


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
          _dtype_kw)


# ---------------------------------------------------------------------------------------------
# Random (checked statistically and for determinism; no numpy reference)
# ---------------------------------------------------------------------------------------------
def _random_samples(params, dtypes):
    def make(rng):
        out = []
        for dt in dtypes:
            out.append(Sample(((200, 50),) + params, {"dtype": dt, "seed": 7}, dt))
        out += [
            Sample(((0, 3),) + params, {"dtype": dtypes[0], "seed": 1}, "empty"),
            Sample(((),) + params, {"dtype": dtypes[0], "seed": 2}, "scalar"),
            Sample((3,) + params, {"dtype": dtypes[0], "seed": 3}, "int-shape"),
        ]
        return out

    return make


def _check_random(kind):
    def check(out, sample, call):
        shape = sample.args[0]
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        assert out.shape == shape, (out.shape, shape)
        v = out.numpy()
        again = call().numpy()
        np.testing.assert_array_equal(v, again, err_msg="same seed, different numbers")
        other = call(seed=sample.kwargs["seed"] + 1000).numpy()
        if v.size > 1:
            assert not np.array_equal(v, other), "a different seed gave the same numbers"
        if v.size < 1000:
            return
        p = sample.args[1:]
        if kind == "normal":
            mean, std = p
            assert abs(v.mean() - mean) < 4 * std / math.sqrt(v.size)
            assert abs(v.std() - std) < 0.05 * std
        elif kind == "uniform":
            lo, hi = p
            assert v.min() >= lo and v.max() < hi
            assert abs(v.mean() - (lo + hi) / 2) < 4 * (hi - lo) / math.sqrt(12 * v.size)
            # Every decile of the range gets its share.
            counts = np.histogram(v, bins=10, range=(lo, hi))[0]
            assert counts.min() > 0.8 * v.size / 10, counts
        elif kind == "truncated_normal":
            mean, std = p
            assert np.all(np.abs(v - mean) <= 2 * std + 1e-6)
            # The variance of a normal truncated at 2 sigma is 0.774 sigma^2.
            assert abs(v.std() - 0.8796 * std) < 0.05 * std
            assert abs(v.mean() - mean) < 4 * std / math.sqrt(v.size)
        elif kind == "randint":
            lo, hi = p
            assert v.min() >= lo and v.max() < hi
            assert set(np.unique(v)) == set(range(lo, hi)), "not every value drawn"

    return check


_add(OpEntry("normal", kerasnet.random.normal, _random_samples((1.5, 2.0), FLOATS),
             dtype=_dtype_kw, check=_check_random("normal"), grad=None,
             nograd="random op: no tensor input"))
_add(OpEntry("uniform", kerasnet.random.uniform, _random_samples((-2.0, 3.0), FLOATS),
             dtype=_dtype_kw, check=_check_random("uniform"), grad=None,
             nograd="random op: no tensor input"))
_add(OpEntry("truncated_normal", kerasnet.random.truncated_normal,
             _random_samples((0.5, 3.0), FLOATS), dtype=_dtype_kw,
             check=_check_random("truncated_normal"), grad=None,
             nograd="random op: no tensor input"))
_add(OpEntry("randint", kerasnet.random.randint, _random_samples((-3, 9), ("int32", "int64")),
             dtype=_dtype_kw, check=_check_random("randint"), grad=None,
             nograd="random op: integer results"))


# ---------------------------------------------------------------------------------------------
# Elementwise unary
# ---------------------------------------------------------------------------------------------
def _erf(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x) if np.size(x) else np.zeros_like(x, float)


def _sigmoid(x):
    x = np.asarray(x, np.float64)
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))


def _gelu(x, approximate=True):
    x = np.asarray(x, np.float64)
    if approximate:
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946

# name: (kerasnet callable, numpy reference, dtype rule, value range, extra kwargs, options)
_UNARY = {
    "negative": (ops.negative, np.negative, rule_numeric, (-3, 3), {}),
    "abs": (ops.abs, np.abs, rule_numeric, (-3, 3), {}),
    "sign": (ops.sign, np.sign, rule_numeric, (-3, 3), {}),
    "exp": (ops.exp, np.exp, rule_float, (-10, 10), {}),
    "log": (ops.log, np.log, rule_float, (0.01, 10), {}),
    "log1p": (ops.log1p, np.log1p, rule_float, (-0.99, 10), {}),
    "expm1": (ops.expm1, np.expm1, rule_float, (-5, 5), {}),
    "sqrt": (ops.sqrt, np.sqrt, rule_float, (0.01, 10), {}),
    "rsqrt": (ops.rsqrt, lambda x: 1 / np.sqrt(x), rule_float, (0.01, 10), {}),
    "square": (ops.square, np.square, rule_numeric, (-3, 3), {}),
    "reciprocal": (ops.reciprocal, np.reciprocal, rule_float, (0.2, 3), {}),
    "sin": (ops.sin, np.sin, rule_float, (-6, 6), {}),
    "cos": (ops.cos, np.cos, rule_float, (-6, 6), {}),
    "tan": (ops.tan, np.tan, rule_float, (-1.4, 1.4), {}),
    "tanh": (ops.tanh, np.tanh, rule_float, (-5, 5), {}),
    "sigmoid": (ops.sigmoid, _sigmoid, rule_float, (-8, 8), {}),
    "relu": (ops.relu, lambda x: np.maximum(x, 0) if x.dtype != bool else x.astype("int32"),
             rule_numeric, (-3, 3), {}),
    "relu6": (ops.relu6, lambda x: np.clip(x, 0, 6).astype(x.dtype) if x.dtype != bool
              else x.astype("int32"), rule_numeric, (-3, 9), {}),
    "gelu": (ops.gelu, _gelu, rule_float, (-4, 4), {}),
    "elu": (ops.elu, lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(x)), rule_float,
            (-4, 4), {}),
    "selu": (ops.selu, lambda x: _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(x)),
             rule_float, (-4, 4), {}),
    "softplus": (ops.softplus, lambda x: np.logaddexp(np.float64(0), x), rule_float, (-20, 20), {}),
    "softsign": (ops.softsign, lambda x: x / (1 + np.abs(x)), rule_float, (-5, 5), {}),
    "silu": (ops.silu, lambda x: x * _sigmoid(x), rule_float, (-8, 8), {}),
    "leaky_relu": (ops.leaky_relu,
                   lambda x, negative_slope=0.2: np.where(x > 0, x, negative_slope * x),
                   rule_float, (-3, 3), {}),
    "hard_sigmoid": (ops.hard_sigmoid,
                     lambda x: np.clip(np.asarray(x, np.float64) / 6 + 0.5, 0, 1), rule_float,
                     (-5, 5), {}),
    "hard_silu": (ops.hard_silu,
                  lambda x: x * np.clip(np.asarray(x, np.float64) / 6 + 0.5, 0, 1), rule_float,
                  (-5, 5), {}),
    "erf": (ops.erf, _erf, rule_float, (-3, 3), {}),
    "floor": (ops.floor, np.floor, rule_float, (-5, 5), {}),
    "ceil": (ops.ceil, np.ceil, rule_float, (-5, 5), {}),
    "round": (ops.round, lambda x, decimals=0: np.round(x, decimals), rule_float, (-5, 5), {}),
    "clip": (ops.clip, lambda x, x_min, x_max: np.clip(x, x_min, x_max), rule_numeric, (-5, 5),
             {"x_min": -1, "x_max": 2}),
    "isnan": (ops.isnan, np.isnan, rule_bool, (-3, 3), {}),
    "isinf": (ops.isinf, np.isinf, rule_bool, (-3, 3), {}),
    "isfinite": (ops.isfinite, np.isfinite, rule_bool, (-3, 3), {}),
    "logical_not": (ops.logical_not, np.logical_not, rule_bool, (-2, 2), {}),
}

# Parameter variants worth their own samples.
_UNARY_VARIANTS = {
    "gelu": [{"approximate": False}, {"approximate": True}],
    "elu": [{"alpha": 0.5}],
    "leaky_relu": [{"negative_slope": 0.01}],
    "round": [{"decimals": 2}, {"decimals": -1}],
    "clip": [{"x_min": 0.5, "x_max": 0.75}, {"x_min": 0, "x_max": 6},
             {"x_min": 1, "x_max": -1}],  # lo > hi: hi wins (numpy)
}

# Float-only ops whose kinks or singularities need the gradient samples kept away from them.
_NOGRAD_UNARY = {"isnan": "bool result", "isinf": "bool result", "isfinite": "bool result",
                 "logical_not": "bool result"}


def _in_float64(fn):
    def ref(x, *args, **kwargs):
        x = np.asarray(x)
        return fn(x if x.dtype.kind == "f" else x.astype(np.float64), *args, **kwargs)

    return ref


def _bool_as_int32(fn):
    def ref(*args, **kwargs):
        args = [a.astype(np.int32) if isinstance(a, np.ndarray) and a.dtype == bool else a
                for a in args]
        return fn(*args, **kwargs)

    return ref


def _unary_entry(name, fn, ref, rule, rng_range, kwargs):
    low, high = rng_range
    base = unary_samples(ALL, low, high, kwargs=kwargs)
    variants = _UNARY_VARIANTS.get(name, [])

    def samples(rng):
        out = base(rng)
        for kw in variants:
            for dt in FLOATS:
                out.append(Sample((Arg(rand(rng, (4, 9), dt, low, high)),), dict(kw), f"{dt}-{kw}"))
        return out

    def grad_samples(rng):
        out = [Sample((Arg(rand(rng, (3, 4), "float64", low, high)),), dict(kwargs), "f64"),
               Sample((Arg(rand(rng, (3, 4), "float64", low, high), "transposed"),), dict(kwargs),
                      "transposed"),
               Sample((Arg(rand(rng, (), "float64", low, high)),), dict(kwargs), "scalar")]
        for kw in variants:
            out.append(Sample((Arg(rand(rng, (2, 5), "float64", low, high)),), dict(kw), f"{kw}"))
        return out

    grad = None if name in _NOGRAD_UNARY else "check"
    if rule is rule_float:  # numpy would compute uint8/bool in float16
        ref = _in_float64(ref)
    if rule is rule_numeric:  # the engine computes bool as int32
        ref = _bool_as_int32(ref)
    _add(OpEntry(name, fn, samples, reference(ref), rule, grad=grad,
                 nograd=_NOGRAD_UNARY.get(name, ""), grad_samples=grad_samples,
                 # Transcendentals in float32 use vectorised approximations (a few ulp).
                 rtol={"float32": 2e-5}, atol={"float32": 2e-6}))


for _name, _row in _UNARY.items():
    _unary_entry(_name, *_row)


def _cast_samples(rng):
    out = []
    for src in ALL:
        for dst in ALL:
            if src in FLOATS and dst in INTS:
                # Float -> integer truncates toward zero; keep values representable everywhere.
                v = rand(rng, (3, 4), src, 0 if dst == "uint8" else -100, 100)
            else:
                v = rand(rng, (3, 4), src, -100, 100)
            out.append(Sample((Arg(v), dst), {}, f"{src}->{dst}", dtype=dst))
    out += [
        Sample((Arg(rand(rng, (3, 4), "float32"), "transposed"), "float64"), {}, "transposed",
               dtype="float64"),
        Sample((Arg(rand(rng, (0, 2), "int32")), "float32"), {}, "empty", dtype="float32"),
        Sample((Arg(rand(rng, (), "float64")), "float32"), {}, "scalar", dtype="float32"),
        Sample((Arg(rand(rng, LARGE, "float32")), "int32"), {}, "large", dtype="int32"),
        Sample((Arg(np.array([np.nan, np.inf, -np.inf, 1e300, -0.0])), "float32"), {},
               "specials", dtype="float32"),
        Sample((Arg(np.array([300, -1, 256, 255], "int32")), "uint8"), {}, "wrap-uint8",
               dtype="uint8"),
    ]
    return out


def _cast_grad_samples(rng):
    # Multiples of 2**-7 with eps = 2**-7: x +- eps is exact in float32, so the float32 round
    # trip does not blur the difference quotient.
    v = rng.integers(-200, 200, size=(3, 4)) / 128.0
    return [Sample((Arg(v), "float32"), {}, "f64->f32"),
            Sample((Arg(v, "transposed"), "float64"), {}, "f64->f64")]


_add(OpEntry("cast", ops.cast, _cast_samples, reference(lambda x, dt: x.astype(dt)),
             lambda s: s.dtype, grad_samples=_cast_grad_samples, grad_eps=2.0**-7))


# ---------------------------------------------------------------------------------------------
# Elementwise binary
# ---------------------------------------------------------------------------------------------
def _int_pow(a, b):
    # numpy refuses negative integer powers; the engine gives 1/a^|b| truncated, as C does.
    return np.power(a, b)


def _mod_ref(a, b):
    return np.mod(a, b)


_BINARY = {
    # name: (callable, reference, dtype rule, generators / options)
    "add": (ops.add, np.add, rule_numeric, {}),
    "subtract": (ops.subtract, np.subtract, rule_numeric, {"dtypes": NUMERIC}),
    "multiply": (ops.multiply, np.multiply, rule_numeric, {}),
    "divide": (ops.divide, np.divide, rule_float, {"gen_b": rand_nonzero}),
    "true_divide": (ops.true_divide, np.true_divide, rule_float, {"gen_b": rand_nonzero}),
    "floor_divide": (ops.floor_divide, np.floor_divide, rule_numeric, {"gen_b": rand_nonzero}),
    "mod": (ops.mod, _mod_ref, rule_numeric, {"gen_b": rand_nonzero}),
    "power": (ops.power, _int_pow, rule_numeric, {}),
    "maximum": (ops.maximum, np.maximum, rule_numeric, {}),
    "minimum": (ops.minimum, np.minimum, rule_numeric, {}),
    "equal": (ops.equal, np.equal, rule_bool, {"low": -2, "high": 2}),
    "not_equal": (ops.not_equal, np.not_equal, rule_bool, {"low": -2, "high": 2}),
    "less": (ops.less, np.less, rule_bool, {"low": -2, "high": 2}),
    "less_equal": (ops.less_equal, np.less_equal, rule_bool, {"low": -2, "high": 2}),
    "greater": (ops.greater, np.greater, rule_bool, {"low": -2, "high": 2}),
    "greater_equal": (ops.greater_equal, np.greater_equal, rule_bool, {"low": -2, "high": 2}),
    "logical_and": (ops.logical_and, np.logical_and, rule_bool, {"low": -1, "high": 1}),
    "logical_or": (ops.logical_or, np.logical_or, rule_bool, {"low": -1, "high": 1}),
    "logical_xor": (ops.logical_xor, np.logical_xor, rule_bool, {"low": -1, "high": 1}),
}

_NOGRAD_BINARY = {
    "floor_divide": "piecewise constant: NOGRAD in ops.def",
    "equal": "bool result", "not_equal": "bool result", "less": "bool result",
    "less_equal": "bool result", "greater": "bool result", "greater_equal": "bool result",
    "logical_and": "bool result", "logical_or": "bool result", "logical_xor": "bool result",
}


def _power_samples(rng):
    """power needs its own domains: positive float bases; integer exponents >= 0."""
    out = []
    for dt in FLOATS:
        out.append(Sample((Arg(rand(rng, (3, 4), dt, 0.2, 3)), Arg(rand(rng, (3, 4), dt, -2, 2))),
                          {}, dt))
    for dt in INTS:
        out.append(Sample((Arg(rand(rng, (3, 4), dt, -3, 3)), Arg(rand(rng, (3, 4), dt, 0, 5))),
                          {}, dt))
    b = rand(rng, (2, 3), "bool")
    out.append(Sample((Arg(b), Arg(rand(rng, (2, 3), "bool"))), {}, "bool"))
    f = "float32"
    out += [
        Sample((Arg(rand(rng, (3, 1), f, 0.2, 3)), Arg(rand(rng, (1, 4), f, -2, 2))), {},
               "broadcast-both"),
        Sample((Arg(rand(rng, (0, 4), f, 0.2, 3)), Arg(rand(rng, (4,), f))), {}, "empty"),
        Sample((Arg(rand(rng, (4, 5), f, 0.2, 3), "transposed"),
                Arg(rand(rng, (4, 5), f), "sliced")), {}, "strided"),
        Sample((Arg(rand(rng, (2, 3), f, 0.2, 3)), 2), {}, "pyint-exponent"),
        Sample((Arg(rand(rng, (2, 3), f, 0.2, 3)), 0.5), {}, "pyfloat-exponent"),
        Sample((Arg(rand(rng, (2, 3), "int32", -3, 3)), 3), {}, "int-pyint"),
        Sample((Arg(rand(rng, (2, 3), "int32", 1, 3)), 0.5), {}, "int-pyfloat"),
        Sample((2.0, Arg(rand(rng, (2, 3), f))), {}, "pyfloat-base"),
        Sample((Arg(rand(rng, (2, 3), "int32", -3, 3)), Arg(rand(rng, (2, 3), f, 0, 2))), {},
               "int32+float32"),
        Sample((Arg(rand(rng, (2, 3), "int32", 0, 3)), Arg(rand(rng, (2, 3), "int64", 0, 3))),
               {}, "int32+int64"),
        Sample((Arg(np.array([-2.0, 0.0, 0.0, -1.5, np.nan, 1.0], f)),
                Arg(np.array([2.0, 0.0, -1.0, 0.5, 0.0, np.nan], f))), {}, "specials"),
        Sample((Arg(rand(rng, LARGE, f, 0.2, 3)), Arg(rand(rng, LARGE[1:], f, -2, 2))), {},
               "large-broadcast"),
    ]
    return out


def _binary_grad_samples(gen_b, low, high, name):
    def make(rng):
        lo_a, hi_a = (0.2, 3) if name == "power" else (low, high)
        a = lambda shape: rand(rng, shape, "float64", lo_a, hi_a)  # noqa: E731
        b = lambda shape: gen_b(rng, shape, "float64", low, high)  # noqa: E731
        out = [
            Sample((Arg(a((3, 4))), Arg(b((3, 4)))), {}, "same-shape"),
            Sample((Arg(a((3, 1))), Arg(b((1, 4)))), {}, "broadcast-both"),
            Sample((Arg(a((4,))), Arg(b((2, 3, 4)))), {}, "broadcast-rank"),
            Sample((Arg(a(())), Arg(b((2, 3)))), {}, "0d"),
            Sample((Arg(a((3, 4)), "transposed"), Arg(b((3, 4)), "sliced")), {}, "strided"),
            Sample((Arg(a((2, 3))), float(b(()))), {}, "pyfloat"),
        ]
        if name not in ("mod",):
            out.append(Sample((Arg(a((2, 3))), Arg(a((2, 3)))), {}, "same-values"))
        return out

    return make


def _binary_entry(name, fn, ref, rule, opt):
    dtypes = opt.get("dtypes", ALL)
    gen_b = opt.get("gen_b", rand)
    low, high = opt.get("low", -3.0), opt.get("high", 3.0)
    samples = (_power_samples if name == "power"
               else binary_samples(dtypes, gen_b=gen_b, low=low, high=high))
    grad = None if name in _NOGRAD_BINARY else "check"
    if name == "true_divide":  # COMPOSITE over divide: differentiable
        grad = "check"
    gs = _binary_grad_samples(gen_b, low, high, name)
    if name in ("maximum", "minimum"):
        base_gs = gs

        def gs(rng):  # ties are not differentiable: same-values checks the tie rule elsewhere
            return [s for s in base_gs(rng) if s.name != "same-values"]
    if rule is rule_numeric:
        ref = _bool_as_int32(ref)
    _add(OpEntry(name, fn, samples, reference(ref), rule, grad=grad,
                 nograd=_NOGRAD_BINARY.get(name, ""), grad_samples=gs,
                 rtol={"float32": 2e-5}, atol={"float32": 2e-6}))


for _name, _row in _BINARY.items():
    _binary_entry(_name, *_row)


def _where_samples(rng):
    out = []
    for dt in ALL:
        out.append(Sample((Arg(rand(rng, (3, 4), "bool")), Arg(rand(rng, (3, 4), dt)),
                           Arg(rand(rng, (3, 4), dt))), {}, dt))
    f = "float32"
    out += [
        Sample((Arg(rand(rng, (3, 1), "bool")), Arg(rand(rng, (1, 4), f)),
                Arg(rand(rng, (4,), f))), {}, "broadcast"),
        Sample((Arg(rand(rng, (2, 3), "bool")), 1.5, Arg(rand(rng, (2, 3), f))), {}, "pyfloat-x"),
        Sample((Arg(rand(rng, (2, 3), "bool")), Arg(rand(rng, (2, 3), "int32")), 0), {},
               "pyint-y"),
        Sample((Arg(rand(rng, (2, 3), "bool")), Arg(rand(rng, (2, 3), "int32")),
                Arg(rand(rng, (2, 3), f))), {}, "int32+float32", dtype="float32"),
        Sample((Arg(rand(rng, (2, 3), "int32", -1, 1)), Arg(rand(rng, (2, 3), f)),
                Arg(rand(rng, (2, 3), f))), {}, "int-condition"),
        Sample((Arg(rand(rng, (2, 3), f, -1, 1)), Arg(rand(rng, (2, 3), f)),
                Arg(rand(rng, (2, 3), f))), {}, "float-condition"),
        Sample((Arg(rand(rng, (0, 3), "bool")), Arg(rand(rng, (0, 3), f)),
                Arg(rand(rng, (3,), f))), {}, "empty"),
        Sample((Arg(rand(rng, (4, 5), "bool"), "transposed"), Arg(rand(rng, (4, 5), f), "sliced"),
                Arg(rand(rng, (4, 5), f), "flipped")), {}, "strided"),
        Sample((Arg(rand(rng, (4, 5), "bool"), "numpy"), Arg(rand(rng, (4, 5), f)),
                Arg(rand(rng, (4, 5), f), "numpy")), {}, "numpy"),
        Sample((Arg(rand(rng, LARGE, "bool")), Arg(rand(rng, LARGE, f)),
                Arg(rand(rng, LARGE[1:], f))), {}, "large"),
    ]
    return out


def _where_dtype(s):
    if s.dtype:
        return s.dtype
    return promote(*s.in_dtypes()[1:])


def _where_grad_samples(rng):
    d = "float64"
    return [
        Sample((Arg(rand(rng, (3, 4), "bool")), Arg(rand(rng, (3, 4), d)),
                Arg(rand(rng, (3, 4), d))), {}, "same-shape"),
        Sample((Arg(rand(rng, (3, 1), "bool")), Arg(rand(rng, (1, 4), d)),
                Arg(rand(rng, (4,), d))), {}, "broadcast"),
        Sample((Arg(rand(rng, (2, 3), "bool")), 1.5, Arg(rand(rng, (2, 3), d), "transposed")), {},
               "scalar-x"),
    ]


_add(OpEntry("where", ops.where, _where_samples,
             reference(lambda c, x, y: np.where(np.asarray(c).astype(bool), x, y)), _where_dtype,
             grad_samples=_where_grad_samples))


# ---------------------------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------------------------
_AXES = [None, 0, -1, (0, 2), (1, 2), (0, 1, 2), ()]


def reduce_samples(dtypes=ALL, low=-3.0, high=3.0, empty=True, axes=_AXES, kw_names=("axis", "keepdims")):
    ax, kd = kw_names

    def make(rng):
        out = []
        for dt in dtypes:
            out.append(Sample((Arg(rand(rng, (3, 4), dt, low, high)),), {}, f"{dt}-all"))
            out.append(Sample((Arg(rand(rng, (3, 4), dt, low, high)),), {ax: 1}, f"{dt}-axis1"))
        f = dtypes[0]
        x3 = lambda: Arg(rand(rng, (2, 3, 4), f, low, high))  # noqa: E731
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
        x = lambda shape: Arg(rand(rng, shape, d, low, high))  # noqa: E731
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
        x = lambda shape, layout="contiguous": Arg(rand(rng, shape, f, low, high), layout)  # noqa
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


# ---------------------------------------------------------------------------------------------
# Shape
# ---------------------------------------------------------------------------------------------
def _shape_op_samples(cases, dtypes=ALL):
    """cases: [(input shape, layout, kwargs or positional extras, name)]; every dtype on the first."""

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


C = "contiguous"
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
    out[np.ix_(*idx)] = g if g.ndim else g
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
        x = lambda shape, layout=C, dt=f: Arg(rand(rng, shape, dt), layout)  # noqa: E731
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
        x = lambda shape, layout=C: Arg(rand(rng, shape, d), layout)  # noqa: E731
        out = [Sample(([x((2, 3)), x((2, 3))],), {"axis": 0}, "axis0"),
               Sample(([x((2, 3), "transposed"), x((2, 3)), x((2, 3))],), {"axis": -1}, "axis-last")]
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


# ---------------------------------------------------------------------------------------------
# Index
# ---------------------------------------------------------------------------------------------
def _take_samples(rng):
    out = []
    idx = lambda *shape, n=4, dt="int32": Arg(rng.integers(-n, n, size=shape).astype(dt))  # noqa
    for dt in ALL:
        out.append(Sample((Arg(rand(rng, (4, 5), dt)), idx(3)), {"axis": 0}, dt))
    f = "float32"
    x = lambda shape, layout=C: Arg(rand(rng, shape, f), layout)  # noqa: E731
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
    x = lambda shape, layout=C: Arg(rand(rng, shape, f), layout)  # noqa: E731
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


# ---------------------------------------------------------------------------------------------
# matmul and norm
# ---------------------------------------------------------------------------------------------
def _matmul_samples(rng):
    out = []
    for dt in NUMERIC:
        out.append(Sample((Arg(rand(rng, (3, 4), dt, 0, 3)), Arg(rand(rng, (4, 5), dt, 0, 3))),
                          {}, dt))
    f = "float32"
    x = lambda shape, layout=C, dt=f: Arg(rand(rng, shape, dt), layout)  # noqa: E731
    out += [
        Sample((x((4,)), x((4, 5))), {}, "vec-mat"),
        Sample((x((3, 4)), x((4,))), {}, "mat-vec"),
        Sample((x((4,)), x((4,))), {}, "vec-vec"),
        Sample((x((2, 3, 4)), x((4, 5))), {}, "batched-mat"),
        Sample((x((3, 4)), x((2, 4, 5))), {}, "mat-batched"),
        Sample((x((2, 1, 3, 4)), x((5, 4, 2))), {}, "broadcast-batch"),
        Sample((x((2, 3, 4)), x((4,))), {}, "batched-vec"),
        Sample((x((3, 0)), x((0, 5))), {}, "k=0"),
        Sample((x((0, 4)), x((4, 5))), {}, "m=0"),
        Sample((x((4, 3), "transposed"), x((3, 5), "transposed")), {}, "transposed"),
        Sample((x((4, 6), "sliced"), x((6, 5), "flipped")), {}, "sliced-flipped"),
        Sample((x((3, 4), "numpy"), x((4, 2))), {}, "numpy"),
        Sample((x((2, 3), dt="int32"), x((3, 4))), {}, "int32+float32"),
        Sample((x((2, 3), dt="bool"), x((3, 4), dt="bool")), {}, "bool"),
        Sample((x((67, 131)), x((131, 45))), {}, "blocked-tails"),
        Sample((x((33, 70), dt="float64"), x((70, 29), dt="float64")), {}, "f64-tails"),
        Sample((x((8, 17, 9)), x((8, 9, 13), "transposed")), {}, "batched-strided"),
    ]
    return out


def _matmul_dtype(s):  # bool and uint8 accumulate in int32
    d = promote(*s.in_dtypes())
    return "int32" if d in ("bool", "uint8") else d


def _matmul_grad(rng):
    d = "float64"
    x = lambda shape, layout=C: Arg(rand(rng, shape, d), layout)  # noqa: E731
    return [
        Sample((x((3, 4)), x((4, 5))), {}, "mat"),
        Sample((x((4,)), x((4, 3))), {}, "vec-mat"),
        Sample((x((3, 4)), x((4,))), {}, "mat-vec"),
        Sample((x((4,)), x((4,))), {}, "vec-vec"),
        Sample((x((2, 1, 3, 4)), x((2, 4, 2))), {}, "broadcast-batch"),
        Sample((x((4, 3), "transposed"), x((3, 2), "sliced")), {}, "strided"),
    ]


_add(OpEntry("matmul", ops.matmul, _matmul_samples, reference(np.matmul), _matmul_dtype,
             grad_samples=_matmul_grad, rtol={"float32": 1e-5}, atol={"float32": 1e-4}))


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
    x = lambda shape, layout=C, lo=-3, hi=3: Arg(rand(rng, shape, f, lo, hi), layout)  # noqa
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


# ---------------------------------------------------------------------------------------------
# conv (channels_last: x [N, S..., C], kernel [K..., C/groups, F]; pads (before, after) per axis)
# ---------------------------------------------------------------------------------------------
def _conv_geometry(x_shape, w_shape, strides, pads, dilation):
    nd = len(x_shape) - 2
    k = w_shape[:nd]
    out = [(x_shape[1 + i] + pads[2 * i] + pads[2 * i + 1] - ((k[i] - 1) * dilation[i] + 1))
           // strides[i] + 1 for i in range(nd)]
    return nd, k, out


def _conv_windows(nd, kidx, out, strides, dilation):
    """The strided window of the padded input that kernel offset `kidx` multiplies."""
    return (slice(None),) + tuple(
        slice(kidx[i] * dilation[i], kidx[i] * dilation[i] + (out[i] - 1) * strides[i] + 1,
              strides[i]) for i in range(nd)) + (slice(None),)


def _conv_ref(x, w, strides, pads, dilation, groups=1):
    x, w = np.asarray(x, np.float64), np.asarray(w, np.float64)
    nd, k, out = _conv_geometry(x.shape, w.shape, strides, pads, dilation)
    xp = np.pad(x, [(0, 0)] + [(pads[2 * i], pads[2 * i + 1]) for i in range(nd)] + [(0, 0)])
    cg, f = w.shape[nd], w.shape[nd + 1]
    fg = f // groups
    y = np.zeros((x.shape[0], *out, f))
    for kidx in np.ndindex(*k):
        patch = xp[_conv_windows(nd, kidx, out, strides, dilation)]
        for g in range(groups):
            y[..., g * fg:(g + 1) * fg] += (patch[..., g * cg:(g + 1) * cg]
                                            @ w[kidx][:, g * fg:(g + 1) * fg])
    return y


def _conv_backprop_input_ref(dy, w, x_shape, strides, pads, dilation, groups=1):
    dy, w = np.asarray(dy, np.float64), np.asarray(w, np.float64)
    nd, k, out = _conv_geometry(x_shape, w.shape, strides, pads, dilation)
    padded = [x_shape[0]] + [x_shape[1 + i] + pads[2 * i] + pads[2 * i + 1] for i in range(nd)]
    dxp = np.zeros(padded + [x_shape[-1]])
    cg, f = w.shape[nd], w.shape[nd + 1]
    fg = f // groups
    for kidx in np.ndindex(*k):
        win = _conv_windows(nd, kidx, out, strides, dilation)
        for g in range(groups):
            dxp[win][..., g * cg:(g + 1) * cg] += (dy[..., g * fg:(g + 1) * fg]
                                                   @ w[kidx][:, g * fg:(g + 1) * fg].T)
    crop = (slice(None),) + tuple(slice(pads[2 * i], pads[2 * i] + x_shape[1 + i])
                                  for i in range(nd)) + (slice(None),)
    return dxp[crop]


def _conv_backprop_filter_ref(x, dy, w_shape, strides, pads, dilation, groups=1):
    x, dy = np.asarray(x, np.float64), np.asarray(dy, np.float64)
    nd, k, out = _conv_geometry(x.shape, w_shape, strides, pads, dilation)
    xp = np.pad(x, [(0, 0)] + [(pads[2 * i], pads[2 * i + 1]) for i in range(nd)] + [(0, 0)])
    cg, f = w_shape[nd], w_shape[nd + 1]
    fg = f // groups
    dw = np.zeros(w_shape)
    for kidx in np.ndindex(*k):
        patch = xp[_conv_windows(nd, kidx, out, strides, dilation)]
        for g in range(groups):
            a = patch[..., g * cg:(g + 1) * cg].reshape(-1, cg)
            b = dy[..., g * fg:(g + 1) * fg].reshape(-1, fg)
            dw[kidx][:, g * fg:(g + 1) * fg] = a.T @ b
    return dw


# (x shape, kernel shape, strides, pads, dilation, groups, name)
_CONV_CASES = [
    ((2, 6, 6, 3), (3, 3, 3, 4), (1, 1), (0, 0, 0, 0), (1, 1), 1, "2d-valid"),
    ((2, 6, 7, 3), (3, 3, 3, 4), (1, 1), (1, 1, 1, 1), (1, 1), 1, "2d-same"),
    ((1, 7, 8, 2), (3, 2, 2, 3), (2, 3), (1, 0, 0, 2), (1, 1), 1, "2d-strided-asym-pad"),
    ((1, 9, 9, 2), (3, 3, 2, 2), (1, 2), (2, 2, 0, 1), (2, 3), 1, "2d-dilated"),
    ((2, 5, 5, 4), (3, 3, 2, 6), (1, 1), (1, 1, 1, 1), (1, 1), 2, "2d-groups"),
    ((2, 5, 5, 4), (3, 3, 1, 4), (1, 1), (1, 1, 1, 1), (1, 1), 4, "2d-depthwise"),
    ((2, 5, 5, 8), (1, 1, 8, 5), (1, 1), (0, 0, 0, 0), (1, 1), 1, "2d-1x1"),
    ((3, 10, 4), (3, 4, 5), (1,), (2, 0), (1,), 1, "1d-causal"),
    ((2, 9, 3), (2, 3, 2), (3,), (0, 0), (2,), 1, "1d-strided-dilated"),
    ((1, 4, 5, 3, 2), (2, 2, 2, 2, 3), (1, 2, 1), (0, 1, 1, 0, 1, 1), (1, 1, 1), 1, "3d"),
    ((0, 5, 5, 2), (3, 3, 2, 2), (1, 1), (1, 1, 1, 1), (1, 1), 1, "empty-batch"),
    ((4, 17, 19, 16), (3, 3, 16, 24), (1, 1), (1, 1, 1, 1), (1, 1), 1, "larger"),
]


def _conv_samples(kind):
    def make(rng):
        out = []
        for xs, ws, st, pd, dl, gr, name in _CONV_CASES:
            _, _, osz = _conv_geometry(xs, ws, st, pd, dl)
            ys = (xs[0], *osz, ws[-1])
            for dt in (FLOATS if name == "2d-same" else ("float32",)):
                x, w = rand(rng, xs, dt, -1, 1), rand(rng, ws, dt, -1, 1)
                dy = rand(rng, ys, dt, -1, 1)
                geo = (list(st), list(pd), list(dl), gr)
                layout = "transposed" if name in ("2d-valid", "1d-causal") else "contiguous"
                if kind == "conv":
                    args = (Arg(x, layout), Arg(w)) + geo
                elif kind == "conv_backprop_input":
                    args = (Arg(dy, layout), Arg(w), xs) + geo
                else:
                    args = (Arg(x), Arg(dy, layout), ws) + geo
                out.append(Sample(args, {}, f"{name}-{dt}" if dt != "float32" else name))
        return out

    return make


def _conv_grad_samples(kind):
    cases = [
        ((1, 3, 4, 2), (2, 2, 2, 2), (1, 1), (1, 0, 0, 1), (1, 1), 1, "2d"),
        ((1, 5, 4, 2), (2, 2, 1, 2), (2, 1), (0, 1, 1, 1), (1, 2), 2, "2d-groups-strided"),
        ((2, 5, 2), (3, 2, 2), (1,), (2, 0), (1,), 1, "1d"),
        ((1, 3, 3, 3, 1), (2, 2, 2, 1, 2), (1, 1, 1), (0, 0, 0, 1, 0, 0), (1, 1, 1), 1, "3d"),
    ]

    def make(rng):
        out = []
        for xs, ws, st, pd, dl, gr, name in cases:
            _, _, osz = _conv_geometry(xs, ws, st, pd, dl)
            ys = (xs[0], *osz, ws[-1])
            x, w, dy = (rand(rng, s, "float64", -1, 1) for s in (xs, ws, ys))
            geo = (list(st), list(pd), list(dl), gr)
            if kind == "conv":
                args = (Arg(x, "transposed"), Arg(w)) + geo
            elif kind == "conv_backprop_input":
                args = (Arg(dy), Arg(w, "transposed"), xs) + geo
            else:
                args = (Arg(x), Arg(dy, "transposed"), ws) + geo
            out.append(Sample(args, {}, name))
        return out

    return make


for _name, _ref in [("conv", _conv_ref), ("conv_backprop_input", _conv_backprop_input_ref),
                    ("conv_backprop_filter", _conv_backprop_filter_ref)]:
    _add(OpEntry(_name, getattr(_C, _name), _conv_samples(_name), reference(_ref), rule_float,
                 grad_samples=_conv_grad_samples(_name), rtol={"float32": 1e-4},
                 atol={"float32": 1e-5}))


# ---------------------------------------------------------------------------------------------
# optim: fused in-place optimizer updates (Keras 3's formulas); the test sees the updated
# variables and slots. Inputs are copied first: the update must not touch the samples.
# ---------------------------------------------------------------------------------------------
def _optim_fn(name):
    update = getattr(_C, f"{name}_update")

    def fn(variables, grads, slots, hyper, step):
        vs = [_C.copy(ops.convert_to_tensor(v)) for v in variables]
        ss = [[_C.copy(ops.convert_to_tensor(t)) for t in per] for per in slots]
        assert update(vs, grads, ss, hyper, step) is None
        return vs + [t for per in ss for t in per]

    return fn


def _sgd_ref(w, g, s, h, t):
    lr, mom, nesterov = h
    if mom == 0:
        return [w - lr * g]
    m = mom * s[0] - lr * g
    return [w + (mom * m - lr * g if nesterov else m), m]


def _adam_ref(w, g, s, h, t):
    lr, b1, b2, eps, amsgrad = h
    m = s[0] + (g - s[0]) * (1 - b1)
    v = s[1] + (g * g - s[1]) * (1 - b2)
    alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
    out = [m, v]
    if amsgrad:
        vhat = np.maximum(s[2], v)
        out.append(vhat)
        v = vhat
    return [w - m * alpha / (np.sqrt(v) + eps)] + out


def _rmsprop_ref(w, g, s, h, t):
    lr, rho, mom, eps, centered = h
    vel = rho * s[0] + (1 - rho) * g * g
    out = [vel, s[1], s[2]]
    denom = vel + eps
    if centered:
        avg = rho * s[2] + (1 - rho) * g
        out[2] = avg
        denom = vel - avg * avg + eps
    inc = lr * g / np.sqrt(denom)
    if mom > 0:
        m = mom * s[1] + inc
        out[1] = m
        return [w - m] + out
    return [w - inc] + out


def _adagrad_ref(w, g, s, h, t):
    lr, eps = h
    acc = s[0] + g * g
    return [w - lr * g / np.sqrt(acc + eps), acc]


def _adadelta_ref(w, g, s, h, t):
    lr, rho, eps = h
    ag = rho * s[0] + (1 - rho) * g * g
    delta = -np.sqrt(s[1] + eps) / np.sqrt(ag + eps) * g
    ad = rho * s[1] + (1 - rho) * delta * delta
    return [w + lr * delta, ag, ad]


def _adamax_ref(w, g, s, h, t):
    lr, b1, b2, eps = h
    m = s[0] + (g - s[0]) * (1 - b1)
    u = np.maximum(b2 * s[1], np.abs(g))
    return [w - lr * m / ((1 - b1**t) * (u + eps)), m, u]


def _nadam_hyper(lr, b1, b2, eps, t, u_product_prev):
    """Keras 3 Nadam's momentum-cache schedule for step t (u_product_prev: the product so far)."""
    decay = 0.96
    u_t = b1 * (1 - 0.5 * decay ** (0.004 * t))
    u_t1 = b1 * (1 - 0.5 * decay ** (0.004 * (t + 1)))
    up_t = u_product_prev * u_t
    return [lr, b1, b2, eps, u_t, u_t1, up_t, up_t * u_t1]


def _nadam_ref(w, g, s, h, t):
    lr, b1, b2, eps, u_t, u_t1, up_t, up_t1 = h
    m = s[0] + (g - s[0]) * (1 - b1)
    v = s[1] + (g * g - s[1]) * (1 - b2)
    m_hat = u_t1 * m / (1 - up_t1) + (1 - u_t) * g / (1 - up_t)
    v_hat = v / (1 - b2**t)
    return [w - m_hat * lr / (np.sqrt(v_hat) + eps), m, v]


def _lion_ref(w, g, s, h, t):
    lr, b1, b2 = h
    c = s[0] * b1 + g * (1 - b1)
    return [w - lr * np.sign(c), s[0] * b2 + g * (1 - b2)]


# name: (reference, slot count, hyperparameter sets, slots that must be >= 0)
_OPTIM = {
    "sgd": (_sgd_ref, [0, 1, 1], [[0.1, 0.0, 0.0], [0.05, 0.9, 0.0], [0.05, 0.9, 1.0]], ()),
    "adam": (_adam_ref, [2, 3], [[1e-2, 0.9, 0.999, 1e-7, 0.0], [1e-2, 0.8, 0.99, 1e-3, 1.0]],
             (1, 2)),
    "rmsprop": (_rmsprop_ref, [3, 3, 3], [[1e-2, 0.9, 0.0, 1e-7, 0.0], [1e-2, 0.8, 0.5, 1e-7, 0.0],
                                           [1e-2, 0.9, 0.3, 1e-3, 1.0]], (0,)),
    "adagrad": (_adagrad_ref, [1, 1], [[1e-2, 1e-7], [0.5, 1e-3]], (0,)),
    "adadelta": (_adadelta_ref, [2, 2], [[1.0, 0.95, 1e-7], [0.5, 0.9, 1e-3]], (0, 1)),
    "adamax": (_adamax_ref, [2, 2], [[2e-3, 0.9, 0.999, 1e-7], [1e-2, 0.8, 0.9, 1e-3]], (1,)),
    "nadam": (_nadam_ref, [2, 2], [_nadam_hyper(2e-3, 0.9, 0.999, 1e-7, 1, 1.0),
                                   _nadam_hyper(1e-2, 0.8, 0.99, 1e-3, 3, 0.5)], (1,)),
    "lion": (_lion_ref, [1, 1], [[1e-3, 0.9, 0.99], [1e-2, 0.5, 0.7]], ()),
}


def _optim_samples(name):
    _, nslots, hypers, positive = _OPTIM[name]

    def make(rng):
        out = []
        shapes_sets = [[(3, 4)], [(5,), (2, 3, 4), ()], [(0, 3), (130, 200)]]
        for k, (hyper, ns) in enumerate(zip(hypers, nslots)):
            for dt in FLOATS:
                for shapes in shapes_sets[:2] if dt == "float64" else shapes_sets:
                    variables = [Arg(rand(rng, s, dt)) for s in shapes]
                    grads = [Arg(rand(rng, s, dt), "transposed" if len(s) >= 2 else "contiguous")
                             for s in shapes]
                    # Second moments positive; rmsprop's centred average small next to them
                    # (the variance estimate vel - avg^2 stays positive, as in training).
                    slots = [[Arg(np.abs(rand(rng, s, dt)) + np.asarray(0.5, dt) if j in positive
                                  else rand(rng, s, dt, -0.3, 0.3) if (name, j) == ("rmsprop", 2)
                                  else rand(rng, s, dt))
                              for s in shapes] for j in range(ns)]
                    step = 1 + 2 * k
                    out.append(Sample((variables, grads, slots, hyper, step), {},
                                      f"{dt}-{len(shapes)}vars-hyper{k}"))
        return out

    return make


def _optim_reference(name):
    ref = _OPTIM[name][0]

    def run(variables, grads, slots, hyper, step):
        results = []
        per_var = [ref(np.asarray(w, np.float64), np.asarray(g, np.float64),
                       [np.asarray(s[i], np.float64) for s in slots], hyper, step)
                   for i, (w, g) in enumerate(zip(variables, grads))]
        results = [r[0] for r in per_var]
        for j in range(len(slots)):
            results += [r[1 + j] if 1 + j < len(r) else np.asarray(slots[j][i], np.float64)
                        for i, r in enumerate(per_var)]
        return results

    return run


def _optim_dtype(s):
    return s.args[0][0].dtype


for _name in _OPTIM:
    _add(OpEntry(f"{_name}_update", _optim_fn(_name), _optim_samples(_name),
                 reference(_optim_reference(_name)), _optim_dtype, grad=None,
                 nograd="in-place optimizer update", rtol={"float32": 1e-5},
                 atol={"float32": 1e-6}))


# ---------------------------------------------------------------------------------------------
# depthwise conv: x [N, S..., C], kernel [K..., C, M] -> [N, O..., C*M]; a grouped conv with
# groups = C and the kernel laid out [K..., 1, C*M] (the references reuse conv's)
# ---------------------------------------------------------------------------------------------
def _as_grouped(w_shape):
    return tuple(w_shape[:-2]) + (1, w_shape[-2] * w_shape[-1])


def _depthwise_ref(x, w, strides, pads, dilation):
    return _conv_ref(x, np.reshape(w, _as_grouped(w.shape)), strides, pads, dilation,
                     groups=x.shape[-1])


def _depthwise_backprop_input_ref(dy, w, x_shape, strides, pads, dilation):
    return _conv_backprop_input_ref(dy, np.reshape(w, _as_grouped(w.shape)), x_shape, strides,
                                    pads, dilation, groups=x_shape[-1])


def _depthwise_backprop_filter_ref(x, dy, w_shape, strides, pads, dilation):
    dw = _conv_backprop_filter_ref(x, dy, _as_grouped(w_shape), strides, pads, dilation,
                                   groups=x.shape[-1])
    return dw.reshape(w_shape)


# (x shape, kernel shape [K..., C, M], strides, pads, dilation, name)
_DEPTHWISE_CASES = [
    ((2, 6, 6, 3), (3, 3, 3, 1), (1, 1), (1, 1, 1, 1), (1, 1), "2d-same"),
    ((2, 7, 6, 3), (3, 2, 3, 2), (2, 1), (0, 1, 1, 0), (1, 2), "2d-multiplier-strided"),
    ((1, 9, 4), (3, 4, 3), (1,), (2, 0), (2,), "1d-dilated"),
    ((1, 4, 4, 3, 2), (2, 2, 2, 2, 1), (1, 1, 2), (0, 1, 0, 1, 1, 0), (1, 1, 1), "3d"),
    ((0, 5, 5, 2), (3, 3, 2, 1), (1, 1), (1, 1, 1, 1), (1, 1), "empty-batch"),
    ((2, 15, 17, 24), (3, 3, 24, 2), (1, 1), (1, 1, 1, 1), (1, 1), "larger"),
]
_DEPTHWISE_GRAD_CASES = [
    ((1, 4, 3, 2), (2, 2, 2, 2), (1, 1), (1, 0, 0, 1), (1, 1), "2d"),
    ((2, 6, 2), (3, 2, 1), (2,), (1, 1), (1,), "1d-strided"),
]


def _depthwise_samples(kind, cases, dtypes_for):
    def make(rng):
        out = []
        for xs, ws, st, pd, dl, name in cases:
            _, _, osz = _conv_geometry(xs, _as_grouped(ws), st, pd, dl)
            ys = (xs[0], *osz, ws[-2] * ws[-1])
            for dt in dtypes_for(name):
                x, w, dy = (rand(rng, s, dt, -1, 1) for s in (xs, ws, ys))
                geo = (list(st), list(pd), list(dl))
                layout = "transposed" if name.startswith("2d") else "contiguous"
                if kind == "depthwise_conv":
                    args = (Arg(x, layout), Arg(w)) + geo
                elif kind == "depthwise_conv_backprop_input":
                    args = (Arg(dy, layout), Arg(w), xs) + geo
                else:
                    args = (Arg(x), Arg(dy, layout), ws) + geo
                out.append(Sample(args, {}, f"{name}-{dt}"))
        return out

    return make


for _name, _ref in [("depthwise_conv", _depthwise_ref),
                    ("depthwise_conv_backprop_input", _depthwise_backprop_input_ref),
                    ("depthwise_conv_backprop_filter", _depthwise_backprop_filter_ref)]:
    _add(OpEntry(_name, getattr(_C, _name),
                 _depthwise_samples(_name, _DEPTHWISE_CASES,
                                    lambda n: FLOATS if n == "2d-same" else ("float32",)),
                 reference(_ref), rule_float,
                 grad_samples=_depthwise_samples(_name, _DEPTHWISE_GRAD_CASES,
                                                 lambda n: ("float64",)),
                 rtol={"float32": 1e-4}, atol={"float32": 1e-5}))


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
