"""Elementwise ops: the unary table, cast, broadcasting binaries, where."""

import math

import numpy as np
from kerasnet import ops

from op_db.core import (
    ALL,
    FLOATS,
    INTS,
    LARGE,
    NUMERIC,
    Arg,
    OpEntry,
    Sample,
    _add,
    binary_samples,
    promote,
    rand,
    rand_nonzero,
    reference,
    rule_bool,
    rule_float,
    rule_numeric,
    unary_samples,
)


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
    "arcsinh": (ops.arcsinh, np.arcsinh, rule_float, (-5, 5), {}),
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
    # Integers keep their dtype (Keras); numpy rounds them half to even too.
    "round": (ops.round, lambda x, decimals=0: np.round(x, decimals) if x.dtype != bool
              else x.astype("int32"), rule_numeric, (-5, 5), {}),
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
        a = lambda shape: rand(rng, shape, "float64", lo_a, hi_a)
        b = lambda shape: gen_b(rng, shape, "float64", low, high)
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
