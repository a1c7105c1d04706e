"""Hypothesis property tests: broadcasting binary ops and reductions vs numpy.

Random shapes (0-size axes included), dtypes, axes, keepdims and memory
layouts; the expected values and dtypes come from the op database, so these
tests share the references of test_ops.py and explore far more geometry.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from kerasnet import _C, ops
from op_db import OP_DB, Arg, Sample
from test_ops import compare

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

BINARY = ["add", "subtract", "multiply", "divide", "floor_divide", "mod", "maximum", "minimum",
          "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
          "logical_or", "logical_xor"]
DTYPES = ["float32", "float64", "int32", "int64", "uint8", "bool"]
NONZERO_DIVISOR = {"divide", "floor_divide", "mod"}


def _values(draw, shape, dtype, nonzero=False):
    if dtype == "bool":
        return draw(hnp.arrays(np.bool_, shape))
    if dtype in ("float32", "float64"):
        elems = st.floats(-100, 100, width=32).filter(lambda v: not nonzero or abs(v) > 0.25)
        return draw(hnp.arrays(np.float32, shape, elements=elems)).astype(dtype)
    lo = 0 if dtype == "uint8" else -50
    elems = st.integers(lo, 50).filter(lambda v: not nonzero or v != 0)
    return draw(hnp.arrays(dtype, shape, elements=elems))


@st.composite
def layouts(draw, ndim):
    return draw(st.sampled_from(["contiguous", "transposed", "sliced", "flipped", "numpy"]
                                if ndim >= 2 else ["contiguous", "sliced", "numpy"]))


@st.composite
def binary_cases(draw):
    name = draw(st.sampled_from(BINARY))
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4,
                                                    min_side=0, max_side=4))
    da = draw(st.sampled_from(DTYPES))
    db = draw(st.sampled_from(DTYPES if draw(st.booleans()) else [da]))
    if name == "subtract" and "bool" in (da, db):
        db = da = "int32"  # numpy refuses bool - bool
    a = _values(draw, shapes.input_shapes[0], da)
    b = _values(draw, shapes.input_shapes[1], db, nonzero=name in NONZERO_DIVISOR)
    args = [Arg(a, draw(layouts(a.ndim))), Arg(b, draw(layouts(b.ndim)))]
    if draw(st.booleans()):
        args.reverse()
        if name in NONZERO_DIVISOR:  # keep the nonzero values as divisor
            args.reverse()
    return name, Sample(tuple(args), {}, "hypothesis"), shapes.result_shape


@SETTINGS
@given(binary_cases())
def test_binary_broadcasting(case):
    name, sample, result_shape = case
    entry = OP_DB[name]
    args, _ = sample.build()
    out = entry.fn(*args)
    assert out.shape == tuple(result_shape)
    ref_args, _ = sample.ref_args()
    compare(entry, sample, out, entry.ref(*ref_args))


@st.composite
def python_scalar_cases(draw):
    name = draw(st.sampled_from(["add", "subtract", "multiply", "divide", "maximum", "minimum",
                                 "less", "equal"]))
    dtype = draw(st.sampled_from(["float32", "float64", "int32", "int64", "uint8"]))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    x = _values(draw, shape, dtype)
    if dtype == "uint8":
        scalar = draw(st.one_of(st.integers(0, 9),
                                st.floats(-9, 9, width=32).filter(lambda v: abs(v) > 0.25)))
    else:
        scalar = draw(st.one_of(st.integers(-9, 9).filter(bool),
                                st.floats(-9, 9, width=32).filter(lambda v: abs(v) > 0.25)))
    args = (Arg(x), scalar) if draw(st.booleans()) or name == "divide" else (scalar, Arg(x))
    return name, Sample(args, {}, "hypothesis")


@SETTINGS
@given(python_scalar_cases())
def test_python_scalars_are_weakly_typed(case):
    name, sample = case
    entry = OP_DB[name]
    args, _ = sample.build()
    ref_args, _ = sample.ref_args()
    compare(entry, sample, entry.fn(*args), entry.ref(*ref_args))


REDUCTIONS = ["sum", "prod", "max", "min", "mean", "var", "std", "logsumexp", "any", "all"]


@st.composite
def reduce_cases(draw):
    name = draw(st.sampled_from(REDUCTIONS + ["argmax", "argmin"]))
    nonempty = name in ("max", "min", "argmax", "argmin")
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=1 if nonempty else 0,
                                  max_side=5))
    ndim = len(shape)
    dtype = draw(st.sampled_from(DTYPES))
    if name == "prod":
        x = _values(draw, shape, dtype).astype(dtype)
        x = np.clip(x, -2, 2).astype(dtype) if dtype != "bool" else x
    else:
        x = _values(draw, shape, dtype)
    kwargs = {}
    if name in ("argmax", "argmin"):
        if ndim and draw(st.booleans()):
            kwargs["axis"] = draw(st.integers(-ndim, ndim - 1))
    elif draw(st.booleans()) and ndim:
        axes = draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
        axes = [a - ndim if draw(st.booleans()) else a for a in axes]
        kwargs["axis"] = tuple(axes) if len(axes) != 1 or draw(st.booleans()) else axes[0]
    if draw(st.booleans()):
        kwargs["keepdims"] = True
    return name, Sample((Arg(x, draw(layouts(ndim))),), kwargs, "hypothesis")


@SETTINGS
@given(reduce_cases())
def test_reductions(case):
    name, sample = case
    entry = OP_DB[name]
    args, kwargs = sample.build()
    out = entry.fn(*args, **kwargs)
    ref_args, ref_kwargs = sample.ref_args()
    compare(entry, sample, out, entry.ref(*ref_args, **ref_kwargs))


@st.composite
def cumulative_cases(draw):
    name = draw(st.sampled_from(["cumsum", "cumprod"]))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    dtype = draw(st.sampled_from(DTYPES))
    x = _values(draw, shape, dtype)
    if name == "cumprod" and dtype != "bool":
        x = np.clip(x, -2, 2).astype(dtype)
    kwargs = {}
    if len(shape) and draw(st.booleans()):
        kwargs["axis"] = draw(st.integers(-len(shape), len(shape) - 1))
    return name, Sample((Arg(x, draw(layouts(len(shape)))),), kwargs, "hypothesis")


@SETTINGS
@given(cumulative_cases())
def test_cumulative(case):
    name, sample = case
    entry = OP_DB[name]
    args, kwargs = sample.build()
    ref_args, ref_kwargs = sample.ref_args()
    compare(entry, sample, entry.fn(*args, **kwargs), entry.ref(*ref_args, **ref_kwargs))


@SETTINGS
@given(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, min_side=0, max_side=4),
       st.sampled_from(["add", "multiply", "maximum", "less"]))
def test_broadcast_gradient_sums_back_to_each_input(shapes, name):
    """The tape un-broadcasts: d(sum(op(a, b)))/da has a's shape and matches numpy's sum."""
    import kerasnet

    rng = np.random.default_rng(0)
    a = rng.standard_normal(shapes.input_shapes[0])
    b = rng.standard_normal(shapes.input_shapes[1])
    ta, tb = ops.convert_to_tensor(a), ops.convert_to_tensor(b)
    with kerasnet.GradientTape() as tape:
        tape.watch([ta, tb])
        y = getattr(ops, name)(ta, tb)
    ga, gb = tape.gradient(y, [ta, tb], unconnected_gradients="zero")
    assert ga.shape == a.shape and gb.shape == b.shape
    if name == "add":
        full = np.ones(shapes.result_shape)
        np.testing.assert_allclose(ga.numpy(), _sum_to(full, a.shape))
        np.testing.assert_allclose(gb.numpy(), _sum_to(full, b.shape))
    elif name == "multiply":
        bb = np.broadcast_to(b, shapes.result_shape)
        np.testing.assert_allclose(ga.numpy(), _sum_to(bb, a.shape), rtol=1e-12, atol=1e-12)


def _sum_to(g, shape):
    lead = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(lead))) if lead else g
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g.reshape(shape)


@pytest.mark.parametrize("name", BINARY)
def test_binary_entries_exist(name):
    assert name in OP_DB and name in _C.op_names()
