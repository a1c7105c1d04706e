"""Every differentiable op of the database against float64 central differences.

The inputs differentiated are a sample's float tensor arguments (cast to
float64); integer and bool arguments (indices, conditions) and Python values
stay fixed. Layouts (transposed, sliced, ...) are applied with engine ops on
the watched tensors, so the gradient flows through the views as well.
"""

import os
import sys
import zlib

import kerasnet
import numpy as np
import pytest
from kerasnet import _C, ops

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ops"))

from gradcheck import GradcheckError, gradcheck, gradgradcheck
from op_db import FLOATS, OP_DB, Arg, Sample, _flatten, _map

DIFFERENTIABLE_KINDS = ("KERNEL", "VIEW", "COMPOSITE")
MAX_ELEMENTS = 72  # per sample: central differences cost two calls per element


def _rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()) + 1)


def _to_float64(sample):
    """The sample with float Args cast to float64 (layouts kept)."""
    def conv(a):
        return a.with_value(a.value.astype(np.float64)) if a.dtype in FLOATS else a

    return Sample(_map(sample.args, conv), _map(sample.kwargs, conv), sample.name, sample.dtype)


def grad_samples(entry):
    """The entry's gradient samples, or its float samples made small and float64."""
    rng = _rng(entry.name)
    if entry.grad_samples is not None:
        samples = entry.grad_samples(rng)
    else:
        samples = []
        for s in entry.samples(rng):
            args = s.tensor_args()
            floats = [a for a in args if a.dtype in FLOATS]
            out_dtype = s.kwargs.get("dtype")
            if out_dtype is not None and out_dtype not in FLOATS:
                continue  # an integer or bool result has no gradient to check
            if floats and all(0 < a.value.size <= 30 for a in args):
                samples.append(_to_float64(s))
    return [_to_float64(s) for s in samples]


def differentiated(sample):
    """The float Args of a sample, in a fixed order."""
    return [a for a in _flatten((sample.args, sample.kwargs))
            if isinstance(a, Arg) and a.dtype in FLOATS]


def op_function(entry, sample):
    """(fn(*tensors), [numpy values]) for the float Args of the sample."""
    wrt = differentiated(sample)
    ids = {id(a): k for k, a in enumerate(wrt)}

    def fn(*xs):
        def build(a):
            k = ids.get(id(a))
            return a.build() if k is None else a.apply_layout(xs[k])

        args = _map(sample.args, build)
        kwargs = _map(sample.kwargs, build)
        return entry.fn(*args, **kwargs)

    return fn, [a.value for a in wrt]


def _differentiable_names():
    return sorted(n for n, e in OP_DB.items() if e.grad is not None)


def test_every_differentiable_op_has_a_gradient_check():
    problems = []
    for name in _C.op_names():
        kind = _C.op_info(name)["kind"]
        if kind not in DIFFERENTIABLE_KINDS:
            continue
        entry = OP_DB.get(name)
        if entry is None:
            problems.append(f"{name} ({kind}): no op_db entry")
        elif entry.grad is None:
            # Only composite creation ops (no tensor input) may go unchecked.
            if not (kind == "COMPOSITE" and entry.nograd.startswith("creation op")):
                problems.append(f"{name} ({kind}): no gradient check ({entry.nograd})")
        elif not grad_samples(entry):
            problems.append(f"{name} ({kind}): no gradient samples with float inputs")
    assert not problems, "differentiable ops without a gradcheck:\n  " + "\n  ".join(problems)


def _run(name, check):
    entry = OP_DB[name]
    failures = []
    for k, sample in enumerate(grad_samples(entry)):
        if check is gradgradcheck and sample.name in entry.gradgrad_skip:
            continue
        fn, arrays = op_function(entry, sample)
        size = sum(a.size for a in arrays)
        assert size <= MAX_ELEMENTS, f"{name} {sample!r}: {size} elements, keep gradchecks small"
        try:
            if entry.grad == "none":
                _check_disconnected(fn, arrays)
            else:
                check(fn, arrays, eps=entry.grad_eps, rtol=entry.grad_rtol,
                      atol=entry.grad_atol, seed=k, what=f"{name} {sample!r}")
        except GradcheckError as e:
            failures.append(str(e))
        except Exception as e:  # noqa: BLE001 (an error raised by the op or the tape)
            failures.append(f"{name} {sample!r}: {type(e).__name__}: {e}")
    return failures


def _check_disconnected(fn, arrays):
    xs = [ops.convert_to_tensor(a) for a in arrays]
    with kerasnet.GradientTape() as tape:
        tape.watch(xs)
        y = fn(*xs)
    grads = tape.gradient(y, xs)
    if any(g is not None for g in grads):
        raise GradcheckError(f"expected no gradient (None), got {grads}")


@pytest.mark.parametrize("name", _differentiable_names())
def test_gradcheck(name, isa_level):
    failures = _run(name, gradcheck)
    assert not failures, f"{name} on {isa_level}:\n" + "\n".join(failures)


@pytest.mark.parametrize("name", [n for n in _differentiable_names() if OP_DB[n].gradgrad])
def test_gradgradcheck(name):
    failures = _run(name, gradgradcheck)
    assert not failures, f"{name}:\n" + "\n".join(failures)


# ---- the checker itself ---------------------------------------------------------------------
def _wrong_identity():
    @kerasnet.custom_gradient
    def f(x):
        def grad(upstream):
            return ops.multiply(upstream, 1.01)

        return ops.multiply(x, 1.0), grad

    return f


def test_gradcheck_accepts_a_right_gradient():
    assert gradcheck(lambda x: ops.multiply(ops.sin(x), x), [np.linspace(-1, 1, 5)])


def test_gradcheck_rejects_a_wrong_gradient():
    with pytest.raises(GradcheckError, match="differs from central differences"):
        gradcheck(_wrong_identity(), [np.linspace(-1, 1, 5)])


def test_gradcheck_rejects_a_dropped_gradient():
    @kerasnet.custom_gradient
    def f(x, y):
        def grad(upstream):
            return upstream, None  # y's gradient dropped

        return ops.add(x, y), grad

    with pytest.raises(GradcheckError, match="input 1 differs"):
        gradcheck(f, [np.ones(3), np.ones(3)])


def test_gradgradcheck_rejects_a_wrong_second_derivative():
    # First derivative right, second wrong: the rule's output is not differentiated through.
    @kerasnet.custom_gradient
    def cube(x):
        def grad(upstream):
            return ops.multiply(upstream, ops.stop_gradient(ops.multiply(ops.square(x), 3.0)))

        return ops.multiply(ops.square(x), x), grad

    assert gradcheck(cube, [np.linspace(0.5, 1.5, 4)])
    with pytest.raises(GradcheckError, match="second order"):
        gradgradcheck(cube, [np.linspace(0.5, 1.5, 4)])
