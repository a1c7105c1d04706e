"""Every op of the database, forward, against numpy, on every CPU ISA level."""

import zlib

import numpy as np
import pytest
from kerasnet import _C
from op_db import OP_DB

OP_NAMES = sorted(OP_DB)


def test_every_engine_op_has_an_entry():
    missing = [n for n in _C.op_names() if n not in OP_DB]
    assert not missing, f"ops in _C.op_names() without an op_db entry: {missing}"
    unknown = [n for n in OP_DB if n not in _C.op_names()]
    assert not unknown, f"op_db entries naming no engine op: {unknown}"


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def compare(entry, sample, out, expected):
    """Shape, dtype and values of a result (a tensor or a list of tensors) against numpy."""
    outs, exps = _as_list(out), _as_list(expected)
    assert len(outs) == len(exps), f"{len(outs)} results, numpy gives {len(exps)}"
    want_dtype = entry.dtype(sample)
    for k, (o, e) in enumerate(zip(outs, exps)):
        where = f" (result {k})" if len(outs) > 1 else ""
        assert isinstance(o, _C.Tensor), f"result{where} is a {type(o).__name__}, not a Tensor"
        e = np.asarray(e)
        assert o.shape == e.shape, f"shape{where} {o.shape}, numpy {e.shape}"
        assert o.dtype == want_dtype, f"dtype{where} {o.dtype}, expected {want_dtype}"
        got = o.numpy()
        assert got.dtype == np.dtype(want_dtype)
        rtol, atol = entry.tolerances(want_dtype)
        if want_dtype in ("float32", "float64"):
            np.testing.assert_allclose(got, e.astype(want_dtype), rtol=rtol, atol=atol,
                                       equal_nan=True, err_msg=f"values{where}")
            # Signs of infinities and zeros-vs-nan matter too.
            np.testing.assert_array_equal(np.isnan(got), np.isnan(e.astype(want_dtype)))
        else:
            np.testing.assert_array_equal(got, e.astype(want_dtype), err_msg=f"values{where}")


def run_entry(entry, rng):
    failures = []
    samples = entry.samples(rng)
    assert samples, f"{entry.name}: no samples"
    for sample in samples:
        try:
            args, kwargs = sample.build()
            for a in sample.tensor_args():
                if a.layout in ("transposed", "sliced", "flipped", "broadcast") and a.value.size > 1:
                    t = a.build()
                    assert not t._is_contiguous or a.value.ndim == 0 or 1 in a.value.shape, (
                        f"layout {a.layout} built a contiguous tensor"
                    )
            out = entry.fn(*args, **kwargs)
            if entry.check is not None:
                def call(args=args, kwargs=kwargs, **kw):
                    return entry.fn(*args, **{**kwargs, **kw})

                entry.check(out, sample, call)
                want = entry.dtype(sample)
                assert out.dtype == want, f"dtype {out.dtype}, expected {want}"
                continue
            ref_args, ref_kwargs = sample.ref_args()
            expected = entry.ref(*ref_args, **ref_kwargs)
            compare(entry, sample, out, expected)
        except Exception as e:  # noqa: BLE001 (collect every failing sample of the op)
            failures.append(f"{sample!r}: {type(e).__name__}: {e}")
    return failures


@pytest.mark.parametrize("name", OP_NAMES)
def test_forward(name, isa_level):
    entry = OP_DB[name]
    failures = run_entry(entry, np.random.default_rng(zlib.crc32(name.encode())))
    assert not failures, f"{name} on {isa_level}:\n  " + "\n  ".join(failures)


@pytest.mark.parametrize("name", OP_NAMES)
def test_op_info_matches_entry(name):
    """The database's differentiability agrees with ops.def."""
    info = _C.op_info(name)
    entry = OP_DB[name]
    if info["kind"] == "NOGRAD":
        assert entry.grad is None, f"{name} is NOGRAD in ops.def but op_db checks a gradient"
    if info["kind"] in ("KERNEL", "NOGRAD"):
        assert info["cpu_kernels"], f"{name} has no CPU kernel"
    if info["kind"] in ("KERNEL", "VIEW"):
        assert info["gradient_rule"], f"{name} has no gradient rule"
