"""The CUDA device path: kernels against numpy and the CPU, memory, autograd.

Every test that needs a GPU carries `requires_gpu` and skips (with the
reason) on machines without one. Two tests run anywhere: the kernel
registrations of a CUDA build, and the no-GPU behaviour (device count 0,
RuntimeError instead of a crash).

The GPU tests can be dry-run on the CPU to check the test code itself:
KERASNET_TEST_CUDA_DEVICE=cpu pytest tests/cuda (every "GPU" tensor is then a
CPU tensor; nothing about CUDA is tested that way).
"""

import dataclasses
import importlib.util
import os
import sys
import zlib

import kerasnet
import numpy as np
import pytest
from kerasnet import _C, ops

_TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(_TESTS, "ops"))


def _test_module(relpath, name):
    """A module of tests/ by path (`import conftest` may find another one)."""
    path = os.path.join(_TESTS, relpath)
    for module in list(sys.modules.values()):
        if getattr(module, "__file__", None) == path:
            return module
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_conftest = _test_module("conftest.py", "kn_tests_conftest")
gpu_available, requires_gpu = _conftest.gpu_available, _conftest.requires_gpu
_test_ops = _test_module(os.path.join("ops", "test_ops.py"), "kn_tests_ops")
OP_DB, run_entry = _test_ops.OP_DB, _test_ops.run_entry

DEVICE = os.environ.get("KERASNET_TEST_CUDA_DEVICE", "gpu:0")
DRY_RUN = DEVICE == "cpu"
EXPECTED = "cpu" if DRY_RUN else "cuda:0"  # Tensor.device of a result
gpu = (
    pytest.mark.skipif(False, reason="dry run on the CPU")
    if DRY_RUN
    else requires_gpu
)

# Every op with a CUDA kernel (KN_REGISTER_CUDA_KERNEL in *_cuda.cu files).
UNARY = [
    "negative",
    "abs",
    "sign",
    "exp",
    "log",
    "log1p",
    "expm1",
    "sqrt",
    "rsqrt",
    "square",
    "reciprocal",
    "sin",
    "cos",
    "tan",
    "tanh",
    "sigmoid",
    "relu",
    "relu6",
    "gelu",
    "elu",
    "selu",
    "softplus",
    "softsign",
    "silu",
    "leaky_relu",
    "hard_sigmoid",
    "hard_silu",
    "erf",
    "floor",
    "ceil",
    "round",
    "clip",
    "isnan",
    "isinf",
    "isfinite",
    "logical_not",
]
BINARY = [
    "add",
    "subtract",
    "multiply",
    "divide",
    "floor_divide",
    "mod",
    "power",
    "maximum",
    "minimum",
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "logical_and",
    "logical_or",
    "logical_xor",
]
CUDA_OPS = (
    UNARY
    + BINARY
    + [
        "where",
        "cast",
        "full",
        "arange",
        "linspace",
        "eye",
        "copy",
        "slice_scatter",
        "concatenate",
        "sum",
        "prod",
        "max",
        "min",
        "any",
        "all",
        "argmax",
        "argmin",
        "cumsum",
        "cumprod",
        "softmax",
        "log_softmax",
        "matmul",
        "normal",
        "uniform",
        "truncated_normal",
        "randint",
    ]
)
DTYPES = ["float32", "float64", "int32", "int64", "uint8", "bool"]


def on_gpu(x, dtype=None):
    """x (numpy or Python values) as a tensor on the device under test."""
    with kerasnet.device(DEVICE):
        return _C.Tensor(np.asarray(x), dtype, True)


def on_cpu(x, dtype=None):
    return _C.Tensor(np.asarray(x), dtype, True)


def both(fn, *arrays):
    """fn on CPU tensors and on device tensors of the same values.

    Returns (cpu result, gpu result) as numpy arrays.
    """
    c = fn(*[on_cpu(a) for a in arrays])
    with kerasnet.device(DEVICE):
        g = fn(*[on_gpu(a) for a in arrays])
    assert g.device == EXPECTED, f"result on {g.device}"
    assert g.shape == c.shape and g.dtype == c.dtype, (
        g.shape,
        g.dtype,
        c.shape,
        c.dtype,
    )
    return c.numpy(), g.numpy()


def values(rng, shape, dtype, scale=50):
    """Random values of any dtype (integers within the dtype's range)."""
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype.startswith("float"):
        return (rng.normal(size=shape) * scale).astype(dtype)
    lo = 0 if dtype == "uint8" else -scale
    return rng.integers(lo, scale, size=shape).astype(dtype)


def assert_same(c, g, rtol=0.0, atol=0.0):
    if c.dtype.kind == "f":
        np.testing.assert_allclose(g, c, rtol=rtol, atol=atol, equal_nan=True)
        np.testing.assert_array_equal(np.isnan(g), np.isnan(c))
    else:
        np.testing.assert_array_equal(g, c)


# ----------------------------------------------------------------------------
# Runs anywhere
# ----------------------------------------------------------------------------
@pytest.mark.skipif(
    not _C.cuda_built(), reason="kerasnet was built without CUDA"
)
def test_cuda_build_registers_every_kernel():
    assert _C.build_info()["cuda"].startswith("yes")
    missing = [n for n in CUDA_OPS if not _C.op_info(n)["cuda_kernel"]]
    assert not missing, f"ops without a CUDA kernel: {missing}"


@pytest.mark.skipif(gpu_available(), reason="a GPU is present")
def test_without_a_gpu_device_count_is_zero_and_gpu_tensors_raise():
    assert _C.cuda_device_count() == 0
    assert not kerasnet.backend.cuda_available()
    with pytest.raises(RuntimeError, match="cuda:0"):
        _C.zeros((2, 3), device="cuda:0")
    with (
        pytest.raises(RuntimeError, match="not available"),
        kerasnet.device("gpu:0"),
    ):
        pass
    assert _C.default_device() == "cpu"  # the failed scope changed nothing
    with pytest.raises(RuntimeError, match="not available"):
        _C.synchronize("cuda:0")
    with pytest.raises(RuntimeError, match="not available"):
        _C.normal((4,), 0.0, 1.0, "float32", 1, 0, device="gpu:1")
    stats = _C.allocator_stats("cuda")
    assert stats["allocated_bytes"] == 0
    _C.empty_cache("cuda")
    # The CPU path is untouched.
    np.testing.assert_array_equal(_C.add(on_cpu([1, 2]), 1).numpy(), [2, 3])


# ----------------------------------------------------------------------------
# Memory: allocation, copies in every direction
# ----------------------------------------------------------------------------
@gpu
@pytest.mark.parametrize("dtype", DTYPES)
def test_round_trip_every_dtype(dtype, rng):
    for shape in [(), (0,), (1,), (7, 5), (3, 0, 2), (1000, 33)]:
        x = values(rng, shape, dtype)
        t = on_gpu(x)
        assert t.device == EXPECTED and t.dtype == dtype and t.shape == shape
        np.testing.assert_array_equal(t.numpy(), x)
        np.testing.assert_array_equal(np.asarray(t), x)
        # device -> device (a dense copy) and back
        np.testing.assert_array_equal(_C.copy(t).numpy(), x)


@gpu
def test_non_contiguous_views_copy_back(rng):
    x = rng.normal(size=(6, 5, 4)).astype("float32")
    t = on_gpu(x)
    np.testing.assert_array_equal(
        _C.transpose(t, (2, 0, 1)).numpy(), x.transpose(2, 0, 1)
    )
    np.testing.assert_array_equal(t[::2, ::-1, 1:3].numpy(), x[::2, ::-1, 1:3])
    np.testing.assert_array_equal(_C.flip(t, 1).numpy(), x[:, ::-1])
    np.testing.assert_array_equal(
        _C.broadcast_to(t[:, :1], (6, 5, 4)).numpy(),
        np.broadcast_to(x[:, :1], (6, 5, 4)),
    )
    # A strided view converted from numpy goes through a contiguous copy.
    np.testing.assert_array_equal(on_gpu(x[:, ::2].T).numpy(), x[:, ::2].T)


@gpu
def test_allocator_caches_device_blocks():
    _C.synchronize(EXPECTED)
    _C.empty_cache(EXPECTED)
    base = _C.allocator_stats(EXPECTED)
    t = on_gpu(np.ones((1 << 20,), "float32"))
    held = _C.allocator_stats(EXPECTED)
    assert held["allocated_bytes"] >= base["allocated_bytes"] + (4 << 20)
    del t
    freed = _C.allocator_stats(EXPECTED)
    assert freed["allocated_bytes"] == base["allocated_bytes"]
    assert freed["cached_bytes"] >= 4 << 20
    raw = freed["num_raw_allocs"]
    t = on_gpu(
        np.ones((1 << 20,), "float32")
    )  # same bucket: served from the cache
    assert _C.allocator_stats(EXPECTED)["num_raw_allocs"] == raw
    del t
    _C.empty_cache(EXPECTED)
    assert _C.allocator_stats(EXPECTED)["cached_bytes"] == 0


@gpu
def test_scalars_and_items_come_back_to_the_host():
    t = on_gpu(np.array([[1.5, -2.0], [3.0, 4.0]], "float32"))
    assert float(t[0, 0]) == 1.5
    assert int(t[1, 1]) == 4
    assert bool(t[0, 1])
    assert "cuda" in repr(t) or DRY_RUN
    i = on_gpu(np.int32(1))
    np.testing.assert_array_equal(
        t[i].numpy(), [3.0, 4.0]
    )  # a tensor index reads its value
    np.testing.assert_array_equal(t[on_gpu(np.int64(-1)), 0].numpy(), 3.0)


@gpu
def test_variable_assign_on_gpu():
    with kerasnet.device(DEVICE):
        v = kerasnet.Variable(np.zeros((3, 2), "float32"))
        assert v.device == EXPECTED
        v.assign(np.ones((3, 2), "float32") * 2)
        v.assign_add(np.ones((3, 2), "float32"))
    np.testing.assert_array_equal(v.numpy(), np.full((3, 2), 3.0, "float32"))


@gpu
def test_mixing_devices_names_both():
    if DRY_RUN:
        pytest.skip("needs two devices")
    with pytest.raises(ValueError, match=r"cpu.*cuda:0|cuda:0.*cpu"):
        _C.add(on_cpu([1.0]), on_gpu([1.0]))


@gpu
def test_op_without_cuda_kernel_raises_naming_it(rng):
    if DRY_RUN:
        pytest.skip("the CPU has every kernel")
    names = [
        n
        for n in _C.op_names()
        if _C.op_info(n)["kind"] in ("KERNEL", "NOGRAD")
        and not _C.op_info(n)["cuda_kernel"]
        and n in OP_DB
    ]
    if not names:
        pytest.skip("every op has a CUDA kernel")
    entry = OP_DB[names[0]]
    raised = 0
    with kerasnet.device(DEVICE):
        for sample in entry.samples(rng):
            args, kwargs = sample.build()
            try:
                entry.fn(*args, **kwargs)
            except RuntimeError as e:
                assert "no CUDA kernel" in str(e), str(e)
                raised += 1
    assert raised, f"{names[0]}: no sample reached its (missing) CUDA kernel"


# ----------------------------------------------------------------------------
# Every op of the database on the GPU, against its numpy reference
# (tests/ops/op_db.py)
# ----------------------------------------------------------------------------
def _results_on_device(fn):
    def wrapped(*args, **kwargs):
        out = fn(*args, **kwargs)
        for t in out if isinstance(out, (list, tuple)) else [out]:
            if isinstance(t, _C.Tensor):
                assert t.device == EXPECTED, f"a result is on {t.device}"
        return out

    return wrapped


@gpu
@pytest.mark.parametrize("name", sorted(OP_DB))
def test_op_db_forward_on_gpu(name):
    entry = dataclasses.replace(
        OP_DB[name], fn=_results_on_device(OP_DB[name].fn)
    )
    with kerasnet.device(DEVICE):
        failures = run_entry(
            entry, np.random.default_rng(zlib.crc32(name.encode()))
        )
    missing = [f for f in failures if "no CUDA kernel" in f]
    wrong = [f for f in failures if "no CUDA kernel" not in f]
    assert not wrong, f"{name} on {DEVICE}:\n  " + "\n  ".join(wrong)
    if missing:
        assert name not in CUDA_OPS, f"{name}: {missing[0]}"
        pytest.skip(
            f"{name} needs an op without a CUDA kernel: {missing[0][:300]}"
        )


# ----------------------------------------------------------------------------
# GPU against CPU: every dtype, specials, broadcasting, and sizes that take
# the split paths of the reductions and scans
# ----------------------------------------------------------------------------
SPECIALS = np.array(
    [
        np.nan,
        np.inf,
        -np.inf,
        0.0,
        -0.0,
        1e-30,
        1e30,
        -88.5,
        88.5,
        0.5,
        -0.5,
        1.5,
        2.5,
        -2.5,
        3.0,
        -3.0,
        6.0,
        7.0,
        20.0,
        -20.0,
    ]
)


def _unary_call(name):
    params = {
        "gelu": (False,),
        "elu": (0.7,),
        "leaky_relu": (0.1,),
        "round": (1,),
        "clip": (-0.5, 2.0),
    }
    fn = getattr(_C, name)
    return lambda x: fn(x, *params.get(name, ()))


@gpu
@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize(
    "dtype", ["float32", "float64", "int32", "uint8", "bool"]
)
def test_unary_matches_cpu(name, dtype, rng):
    x = rng.uniform(-4, 4, size=(37, 29))
    if dtype.startswith("float"):
        x.flat[: SPECIALS.size] = SPECIALS
    elif dtype == "uint8":
        x = np.abs(x) * 30
    if name == "logical_not" or dtype == "bool":
        x = x > 0
    x = x.astype(x.dtype if x.dtype == bool else dtype)
    c, g = both(_unary_call(name), x)
    rtol, atol = {"float32": (4e-6, 1e-6), "float64": (1e-13, 1e-14)}.get(
        str(c.dtype), (0, 0)
    )
    # A strided view (the transposed iterator path).
    t = on_gpu(x)
    assert_same(
        g.T, _unary_call(name)(_C.transpose(t, (1, 0))).numpy(), rtol, atol
    )
    if name == "tan":  # ill-conditioned near the poles
        with np.errstate(invalid="ignore"):
            keep = ~(np.abs(np.cos(x.astype("float64"))) < 1e-3)
        c, g = c[keep], g[keep]
    assert_same(c, g, rtol, atol)
    # The gelu tanh form.
    if name == "gelu" and dtype.startswith("float"):
        c, g = both(lambda v: _C.gelu(v, True), x)
        assert_same(c, g, rtol, atol)


def _binary_values(rng, name, dtype, shape):
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype == "uint8":
        v = rng.integers(0, 256, size=shape)
    elif dtype in ("int32", "int64"):
        v = rng.integers(-50, 50, size=shape)
    else:
        v = rng.uniform(-5, 5, size=shape)
    if name == "power":
        v = (
            rng.integers(-2, 5, size=shape)
            if dtype != "uint8"
            else rng.integers(0, 5, size=shape)
        )
    return v.astype(dtype)


@gpu
@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_matches_cpu(name, dtype, rng):
    a = _binary_values(rng, name, dtype, (3, 1, 17))
    b = _binary_values(rng, name, dtype, (4, 17))
    if dtype.startswith("float"):
        a.flat[:4] = [np.nan, np.inf, -np.inf, 0.0]
        b.flat[:8] = [1.0, np.nan, -np.inf, 0.0, 0.0, -0.0, 2.0, np.inf]
    elif dtype != "bool":
        b.flat[:3] = 0  # integer division by zero gives 0
        if dtype != "uint8":
            a.flat[0], b.flat[3] = np.iinfo(dtype).min, -1  # INT_MIN / -1 wraps
    if name == "power" and dtype.startswith("float"):
        a = np.abs(a)
    c, g = both(getattr(_C, name), a, b)
    rtol = {"float32": 4e-6, "float64": 1e-13}.get(str(c.dtype), 0)
    assert_same(c, g, rtol, 1e-30)
    # Operands swapped, one a transposed view.
    with kerasnet.device(DEVICE):
        g2 = getattr(_C, name)(
            _C.transpose(on_gpu(b.T.copy()), (1, 0)), on_gpu(a)
        ).numpy()
    c2 = getattr(_C, name)(on_cpu(b), on_cpu(a)).numpy()
    assert_same(c2, g2, rtol, 1e-30)


@gpu
def test_where_broadcasts_three_ways(rng):
    cond = rng.random((4, 1, 6)) < 0.5
    for dt in DTYPES:
        x = values(rng, (5, 1), dt, 9)
        y = (rng.normal(size=(6,)) * 9).astype("float32")
        c, g = both(_C.where, cond, x, y)
        assert_same(c, g)


@gpu
@pytest.mark.parametrize("src", DTYPES)
def test_cast_every_pair(src, rng):
    if src.startswith("float"):
        x = np.concatenate(
            [
                SPECIALS,
                [3e9, -3e9, 1e19, -1e19, 255.9, 256.0, -1.0, 300.0, -300.7],
                rng.normal(size=200) * 1000,
            ]
        ).astype(src)
    elif src == "bool":
        x = rng.random(64) < 0.5
    else:
        info = np.iinfo(src)
        x = np.concatenate(
            [
                [info.min, info.max, 0],
                rng.integers(info.min, info.max, 200, dtype=src),
            ]
        ).astype(src)
    for dst in DTYPES:
        c, g = both(lambda t, dst=dst: _C.cast(t, dst), x)
        assert_same(c, g)


@gpu
def test_creation_matches_cpu():
    for dt in DTYPES:
        for value in [0, 1, -1.5, 2.5, 300, 1e10]:
            try:
                c = _C.full((3, 70), value, dt).numpy()
            except ValueError as cpu_error:  # a value the dtype cannot hold: the same error
                with pytest.raises(ValueError, match="does not fit"):
                    _C.full((3, 70), value, dt, device=DEVICE)
                assert "does not fit" in str(cpu_error)
                continue
            g = _C.full((3, 70), value, dt, device=DEVICE)
            assert g.device == EXPECTED
            assert_same(c, g.numpy())
        for args in [
            (0, 10, 1),
            (-3, 300, 7),
            (5.5, -2.0, -0.3),
            (0, 1, 0.001),
        ]:
            # start + i * step in double: the GPU may contract it into an FMA (one ulp).
            assert_same(
                _C.arange(*args, dt).numpy(),
                _C.arange(*args, dt, device=DEVICE).numpy(),
                rtol=4e-16,
                atol=4e-16,
            )
        for args in [
            (0.0, 1.0, 11, True),
            (-2.0, 7.0, 1000, False),
            (1.0, 1.0, 1, True),
            (3.0, -3.0, 7, True),
        ]:
            assert_same(
                _C.linspace(*args, dt).numpy(),
                _C.linspace(*args, dt, device=DEVICE).numpy(),
                rtol=4e-16,
                atol=4e-16,
            )
        for n, m, k in [(4, 4, 0), (3, 7, 2), (7, 3, -1), (5, 5, 9), (0, 3, 0)]:
            assert_same(
                _C.eye(n, m, k, dt).numpy(),
                _C.eye(n, m, k, dt, device=DEVICE).numpy(),
            )


@gpu
def test_concatenate_and_friends(rng):
    a = rng.normal(size=(3, 4, 5)).astype("float32")
    b = rng.integers(0, 9, size=(3, 2, 5)).astype("int32")
    e = np.zeros((3, 0, 5), "float64")
    c, g = both(lambda x, y, z: _C.concatenate([x, y, z], 1), a, b, e)
    assert_same(c, g)
    for axis in (0, 2, -1):
        c, g = both(
            lambda x, axis=axis: _C.concatenate([x, x[:, ::-1], x], axis), a
        )
        assert_same(c, g)
    c, g = both(lambda x: _C.stack([x, x * 2.0], 1), a)
    assert_same(c, g)
    c, g = both(lambda x: _C.tile(x, (2, 1, 3)), a)
    assert_same(c, g)
    c, g = both(lambda x: _C.repeat(x, 3, 1), a)
    assert_same(c, g)
    for piece_c, piece_g in zip(
        _C.split(on_cpu(a), [1, 3], 2), _C.split(on_gpu(a), [1, 3], 2)
    ):
        assert_same(piece_c.numpy(), piece_g.numpy())
    big = rng.normal(size=(1, 3 << 18)).astype(
        "float32"
    )  # one row: plain memcpys
    c, g = both(lambda x: _C.concatenate([x, x], 1), big)
    assert_same(c, g)


@gpu
def test_slice_scatter_is_the_gradient_of_slice(rng):
    x = rng.normal(size=(6, 7)).astype("float32")
    c = _C.slice_scatter(on_cpu(x[:3, :2]), (6, 7), (1, 5), (2, -2)).numpy()
    with kerasnet.device(DEVICE):
        g = _C.slice_scatter(on_gpu(x[:3, :2]), (6, 7), (1, 5), (2, -2)).numpy()
    assert_same(c, g)
    with kerasnet.device(DEVICE):
        v = kerasnet.Variable(x)
        with kerasnet.GradientTape() as tape:
            y = _C.sum(_C.multiply(v[1:5:2, ::-3], 3.0))
        grad = tape.gradient(y, v)
    want = np.zeros_like(x)
    want[1:5:2, ::-3] = 3.0
    assert grad.device == EXPECTED
    np.testing.assert_array_equal(grad.numpy(), want)


# (shape, axis): a long vector (row kernel split in chunks), rows, columns, a
# long column block with a small inner size (column kernel split in chunks),
# axes that need a transpose, all axes.
REDUCE_SHAPES = [
    (((1 << 20) + 7,), None),
    ((64, 5000), 1),
    ((5000, 64), 0),
    ((3, 100001, 4), 1),
    ((2, 3, 4), (0, 2)),
    ((7, 1, 9), None),
    ((300, 300), (0, 1)),
    ((2, 70000), 0),
]


def _reduce_values(rng, name, dtype, shape):
    if dtype == "bool":
        return rng.random(shape) < (0.999 if name == "all" else 0.001)
    if name == "prod":
        return (
            (1 + rng.uniform(-1e-4, 1e-4, shape)).astype(dtype)
            if dtype.startswith("float")
            else rng.choice([-1, 1, 1, 1], size=shape).astype(dtype)
        )
    if dtype.startswith("float"):
        return rng.normal(size=shape).astype(dtype)
    return rng.integers(
        0 if dtype == "uint8" else -100, 100, size=shape
    ).astype(dtype)


@gpu
@pytest.mark.parametrize("name", ["sum", "prod", "max", "min", "any", "all"])
@pytest.mark.parametrize(
    "dtype", ["float32", "float64", "int32", "int64", "uint8", "bool"]
)
def test_reductions_match_cpu(name, dtype, rng):
    fn = getattr(_C, name)
    for shape, axis in REDUCE_SHAPES:
        x = _reduce_values(rng, name, dtype, shape)
        for keepdims in (False, True):
            c, g = both(lambda t, a=axis, k=keepdims: fn(t, a, k), x)
            if c.dtype.kind == "f" and name == "sum":
                # Different summation orders: bound by the sum of magnitudes.
                scale = np.sum(
                    np.abs(x.astype("float64")), axis=axis, keepdims=keepdims
                )
                eps = 1e-6 if c.dtype == np.float32 else 1e-14
                assert np.all(
                    np.abs(g.astype("float64") - c) <= eps * (scale + 1)
                ), (shape, axis)
            else:  # prod rounds in another order; max/min/any/all: exact
                # A product of many float32 factors in another order: the rounding
                # errors add up (relative error ~ n * eps).
                assert_same(c, g, 1e-2 if c.dtype == np.float32 else 1e-10)


@gpu
def test_max_min_propagate_nan(rng):
    x = rng.normal(size=(5, 3000)).astype("float32")
    x[1, 7] = np.nan
    x[3, 2999] = np.nan
    for name in ("max", "min"):
        for axis in (None, 0, 1):
            c, g = both(
                lambda t, n=name, a=axis: getattr(_C, n)(t, a, False), x
            )
            assert_same(c, g)


@gpu
@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_arg_reductions_match_cpu(name, rng):
    fn = getattr(_C, name)
    for dtype in ["float32", "float64", "int32", "int64", "uint8", "bool"]:
        for shape, axis in [
            ((3, 5000), 1),
            ((5000, 3), 0),
            ((4, 3, 7), 1),
            ((20011,), None),
            ((2, 1 << 17), 1),
        ]:
            if dtype == "bool":
                x = rng.random(shape) < 0.01
            elif dtype.startswith("float"):
                x = rng.integers(-5, 5, size=shape).astype(dtype)  # many ties
                x.flat[rng.integers(0, x.size, 3)] = np.nan
            else:
                x = rng.integers(0, 7, size=shape).astype(dtype)
            for keepdims in (False, True):
                c, g = both(lambda t, a=axis, k=keepdims: fn(t, a, k), x)
                assert_same(c, g)


@gpu
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_cumulative_matches_cpu(name, rng):
    fn = getattr(_C, name)
    for dtype in ["float32", "float64", "int32", "int64", "uint8", "bool"]:
        for shape, axis in [
            ((2, 100003), 1),
            ((100003,), None),
            ((5, 7, 3), 1),
            ((300, 400), 0),
            ((20000, 3), 1),
        ]:
            if dtype == "bool":
                x = rng.random(shape) < (0.5 if name == "cumsum" else 0.9999)
            elif dtype.startswith("float"):
                x = (
                    (1 + rng.uniform(-1e-3, 1e-3, shape))
                    if name == "cumprod"
                    else rng.normal(size=shape)
                )
            elif name == "cumprod":
                x = (
                    rng.choice([-1, 1, 1], size=shape)
                    if dtype != "uint8"
                    else rng.choice([1, 3], size=shape)
                )
            else:
                x = rng.integers(0, 9, size=shape)
            x = x if dtype == "bool" else x.astype(dtype)
            c, g = both(lambda t, a=axis: fn(t, a), x)
            if c.dtype.kind == "f":
                tol = 2e-4 if c.dtype == np.float32 else 1e-12
                if name == "cumsum":
                    ax = 0 if axis is None else axis
                    flat = x.reshape(-1) if axis is None else x
                    scale = np.cumsum(np.abs(flat.astype("float64")), axis=ax)
                    assert np.all(np.abs(g - c) <= tol * (scale + 1)), (
                        dtype,
                        shape,
                    )
                else:
                    assert_same(c, g, tol)
            else:
                assert_same(c, g)


@gpu
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_matches_cpu(name, rng):
    fn = getattr(_C, name)
    for dtype in ["float32", "float64"]:
        for shape, axis in [
            ((7, 3000), -1),
            ((1000, 10), 1),
            ((6, 5, 4), 0),
            ((1, 1), -1),
            ((3, 33), -1),
        ]:
            x = (rng.normal(size=shape) * 5).astype(dtype)
            if shape == (3, 33):
                x[0] = -np.inf
                x[1, 3] = np.inf
                x[2, 5] = np.nan
            c, g = both(lambda t, a=axis: fn(t, a), x)
            assert_same(
                c, g, *((1e-5, 1e-5) if dtype == "float32" else (1e-12, 1e-12))
            )


@gpu
def test_random_streams_match_the_cpu():
    shape = (257, 129)
    for dtype in ["float32", "float64"]:
        for seed, offset in [(0, 0), (12345, 1 << 33), ((1 << 63) + 5, 77)]:
            for fn, args in [
                (_C.uniform, (-2.0, 3.0)),
                (_C.normal, (1.5, 2.0)),
                (_C.truncated_normal, (0.5, 3.0)),
            ]:
                c = fn(shape, *args, dtype, seed, offset).numpy()
                g = fn(shape, *args, dtype, seed, offset, device=DEVICE)
                assert g.device == EXPECTED
                g = g.numpy()
                if fn is _C.uniform:  # same Philox bits; an FMA may round the affine map once
                    np.testing.assert_allclose(g, c, rtol=4e-16, atol=4e-16)
                else:  # device log/cos/erf: maybe off in a double's last bit
                    np.testing.assert_allclose(
                        g,
                        c,
                        rtol=1e-6 if dtype == "float32" else 1e-12,
                        atol=1e-12,
                    )
    for dtype in ["int32", "int64", "uint8"]:
        lo, hi = (0, 200) if dtype == "uint8" else (-(1 << 20), 1 << 30)
        c = _C.randint(shape, lo, hi, dtype, 99, 5).numpy()
        g = _C.randint(shape, lo, hi, dtype, 99, 5, device=DEVICE).numpy()
        np.testing.assert_array_equal(g, c)


@gpu
def test_large_elementwise_and_broadcast(rng):
    x = rng.normal(size=(1 << 22) + 3).astype("float32")
    c, g = both(lambda t: _C.exp(_C.add(t, 1.0)), x)
    assert_same(c, g, 4e-6, 1e-30)
    row = rng.normal(size=(1, 4099)).astype("float32")
    col = rng.normal(size=(1025, 1)).astype("float32")
    c, g = both(_C.multiply, row, col)
    assert_same(c, g)


# ----------------------------------------------------------------------------
# Autograd on the GPU
# ----------------------------------------------------------------------------
def _train_step(device, x, labels, w0, b0):
    """One step of softmax regression written with broadcasting (no matmul)."""
    with kerasnet.device(device):
        w = kerasnet.Variable(w0)
        b = kerasnet.Variable(b0)
        xs = ops.convert_to_tensor(x)
        onehot = ops.convert_to_tensor(labels)
        with kerasnet.GradientTape() as tape:
            logits = (
                ops.sum(ops.expand_dims(xs, 2) * ops.expand_dims(w, 0), axis=1)
                + b
            )
            hidden = ops.gelu(logits) * ops.sigmoid(logits) + ops.clip(
                logits, -1, 1
            )
            loss = -ops.mean(
                ops.sum(onehot * ops.log_softmax(hidden, axis=-1), axis=1)
            )
            loss = loss + 1e-3 * ops.sum(ops.square(w))
        gw, gb = tape.gradient(loss, [w, b])
        w.assign(w - 0.5 * gw)
        b.assign(b - 0.5 * gb)
        return [t.device for t in (loss, gw, gb, w)], [
            t.numpy() for t in (loss, gw, gb, w, b)
        ]


@gpu
def test_training_step_matches_cpu(rng):
    x = rng.normal(size=(64, 8)).astype("float32")
    labels = np.eye(5, dtype="float32")[rng.integers(0, 5, 64)]
    w0 = (rng.normal(size=(8, 5)) * 0.3).astype("float32")
    b0 = np.zeros(5, "float32")
    _, want = _train_step("cpu", x, labels, w0, b0)
    devices, got = _train_step(DEVICE, x, labels, w0, b0)
    assert devices == [EXPECTED] * 4
    for g, c in zip(got, want):
        np.testing.assert_allclose(g, c, rtol=2e-5, atol=1e-6)


@gpu
def test_gradients_of_reductions_and_scans_match_cpu(rng):
    x = (1 + rng.uniform(-0.5, 0.5, size=(6, 40))).astype("float64")

    def grads(device):
        with kerasnet.device(device):
            v = kerasnet.Variable(x, dtype="float64")
            with kerasnet.GradientTape() as tape:
                y = (
                    ops.sum(ops.prod(v, axis=1))
                    + ops.sum(ops.max(v, axis=0))
                    + ops.sum(ops.cumprod(v, axis=1))
                    + ops.sum(ops.cumsum(v, axis=0) * v)
                    + ops.logsumexp(v)
                    + ops.sum(ops.softmax(v, axis=0) * v)
                )
            return tape.gradient(y, v).numpy()

    np.testing.assert_allclose(
        grads(DEVICE), grads("cpu"), rtol=1e-10, atol=1e-12
    )


@gpu
def test_matmul_matches_the_cpu_on_tiles_batches_and_views():
    rng = np.random.default_rng(7)
    cases = [
        ((257, 300), (300, 129)),  # partial 64 x 64 tiles and a partial K step
        ((3, 1, 70, 33), (5, 33, 65)),  # broadcast batch axes
        ((1, 1), (1, 1)),
    ]
    for dtype, tol in [("float32", 1e-5), ("float64", 1e-12)]:
        for sa, sb in cases:
            a = rng.standard_normal(sa).astype(dtype)
            b = rng.standard_normal(sb).astype(dtype)
            c, g = both(lambda x, y: _C.matmul(x, y), a, b)
            np.testing.assert_allclose(g, c, rtol=tol, atol=tol * 10)
    # Transposed and sliced operands (strides, no copy) and integers (exact).
    a = rng.standard_normal((40, 90)).astype("float32")
    b = rng.standard_normal((50, 90)).astype("float32")
    c, g = both(lambda x, y: _C.matmul(x[:, 5:85], _C.transpose(y, [1, 0])[5:85]), a, b)
    np.testing.assert_allclose(g, c, rtol=1e-5, atol=1e-4)
    ai = rng.integers(-5, 6, (33, 47)).astype("int32")
    bi = rng.integers(-5, 6, (47, 21)).astype("int32")
    c, g = both(lambda x, y: _C.matmul(x, y), ai, bi)
    np.testing.assert_array_equal(g, c)


@gpu
def test_dense_layer_trains_on_the_gpu_like_on_the_cpu():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((64, 20)).astype("float32")
    w = rng.standard_normal((20, 8)).astype("float32")

    def grads(dev):
        with kerasnet.device(dev):
            xt = _C.Tensor(x)
            wv = kerasnet.Variable(w)
            with kerasnet.GradientTape() as tape:
                loss = kerasnet.ops.sum(kerasnet.ops.tanh(kerasnet.ops.matmul(xt, wv)))
            (gw,) = tape.gradient(loss, [wv])
        return kerasnet.ops.convert_to_numpy(gw)

    np.testing.assert_allclose(grads(DEVICE), grads("cpu"), rtol=1e-4, atol=1e-4)
