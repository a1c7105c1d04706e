"""Keras-face ops of kerasnet.ops composed in Python (no engine op of their own):
values, shapes and dtypes against numpy, on every ISA level."""

import numpy as np
import pytest
from kerasnet import _C, ops

T = ops.convert_to_tensor
rng = np.random.default_rng(7)
A = rng.uniform(-3, 3, (3, 4)).astype("float32")
B = rng.uniform(-3, 3, (3, 4)).astype("float32")
V = rng.uniform(-3, 3, (4,)).astype("float32")
SQ = rng.uniform(-3, 3, (4, 4)).astype("float32")
I = rng.integers(-3, 4, (3, 4)).astype("int32")
POS = rng.uniform(0.1, 5, (3, 4)).astype("float32")
SPECIAL = np.array([np.nan, np.inf, -np.inf, 1.0, -2.0], "float32")


def _sig(x):
    return 1 / (1 + np.exp(-np.asarray(x, np.float64)))


CASES = [
    ("absolute", lambda: ops.absolute(T(A)), np.abs(A), "float32"),
    ("amax", lambda: ops.amax(T(A), axis=0), np.max(A, 0), "float32"),
    ("amin", lambda: ops.amin(T(I), axis=1, keepdims=True), np.min(I, 1, keepdims=True), "int32"),
    ("average", lambda: ops.average(T(A), axis=1), np.average(A, 1), "float32"),
    ("average-weights", lambda: ops.average(T(A), axis=1, weights=T(V)),
     np.average(A, 1, weights=V), "float32"),
    ("average-all", lambda: ops.average(T(A)), np.average(A), "float32"),
    ("count_nonzero", lambda: ops.count_nonzero(T(I)), np.count_nonzero(I), "int32"),
    ("count_nonzero-axis", lambda: ops.count_nonzero(T(I), axis=0),
     np.count_nonzero(I, axis=0), "int32"),
    ("dot-matvec", lambda: ops.dot(T(A), T(V)), A @ V, "float32"),
    ("dot-scalar", lambda: ops.dot(T(A), T(np.float32(2.0))), A * 2, "float32"),
    ("dot-vec", lambda: ops.dot(T(V), T(V)), V @ V, "float32"),
    ("empty", lambda: ops.empty((2, 3)), np.zeros((2, 3), "float32"), "float32"),
    ("hstack", lambda: ops.hstack([T(A), T(B)]), np.hstack([A, B]), "float32"),
    ("hstack-1d", lambda: ops.hstack([T(V), T(V)]), np.hstack([V, V]), "float32"),
    ("vstack", lambda: ops.vstack([T(A), T(B)]), np.vstack([A, B]), "float32"),
    ("vstack-1d", lambda: ops.vstack([T(V), T(V)]), np.vstack([V, V]), "float32"),
    ("identity", lambda: ops.identity(3), np.identity(3), "float32"),
    ("identity-int", lambda: ops.identity(3, dtype="int32"), np.identity(3), "int32"),
    ("isclose", lambda: ops.isclose(T(A), T(A + 1e-7)), np.isclose(A, A + 1e-7), "bool"),
    ("isclose-far", lambda: ops.isclose(T(A), T(B)), np.isclose(A, B), "bool"),
    ("isclose-nan", lambda: ops.isclose(T(SPECIAL), T(SPECIAL), equal_nan=True),
     np.isclose(SPECIAL, SPECIAL, equal_nan=True), "bool"),
    ("log2", lambda: ops.log2(T(POS)), np.log2(POS), "float32"),
    ("log10", lambda: ops.log10(T(POS)), np.log10(POS), "float32"),
    ("log_sigmoid", lambda: ops.log_sigmoid(T(A)), np.log(_sig(A)), "float32"),
    ("log_sigmoid-large", lambda: ops.log_sigmoid(T(np.array([-100.0, 100.0], "float32"))),
     np.array([-100.0, 0.0]), "float32"),
    ("logaddexp", lambda: ops.logaddexp(T(A), T(B)), np.logaddexp(A, B), "float32"),
    ("logaddexp-large", lambda: ops.logaddexp(T(np.float32(1000)), T(np.float32(1000))),
     np.logaddexp(1000.0, 1000.0), "float32"),
    ("nan_to_num", lambda: ops.nan_to_num(T(SPECIAL), nan=0.5, posinf=9.0, neginf=-9.0),
     np.nan_to_num(SPECIAL, nan=0.5, posinf=9.0, neginf=-9.0), "float32"),
    ("outer", lambda: ops.outer(T(V), T(V[:3])), np.outer(V, V[:3]), "float32"),
    ("ravel", lambda: ops.ravel(T(A).T), np.ravel(A.T), "float32"),
    ("slice", lambda: ops.slice(T(A), (1, 1), (2, 2)), A[1:3, 1:3], "float32"),
    ("swapaxes", lambda: ops.swapaxes(T(A), 0, -1), np.swapaxes(A, 0, -1), "float32"),
    ("trace", lambda: ops.trace(T(SQ)), np.trace(SQ), "float32"),
    ("trace-offset", lambda: ops.trace(T(A), offset=1), np.trace(A, offset=1), "float32"),
    ("trace-neg-offset", lambda: ops.trace(T(A), offset=-1), np.trace(A, offset=-1), "float32"),
    ("tri", lambda: ops.tri(3, 4, 1), np.tri(3, 4, 1), "float32"),
    ("tril", lambda: ops.tril(T(A)), np.tril(A), "float32"),
    ("tril-k", lambda: ops.tril(T(A), -1), np.tril(A, -1), "float32"),
    ("triu", lambda: ops.triu(T(A), 1), np.triu(A, 1), "float32"),
    ("triu-int", lambda: ops.triu(T(I)), np.triu(I), "int32"),
    ("vdot", lambda: ops.vdot(T(A), T(B)), np.vdot(A, B), "float32"),
    ("where-one-arg", lambda: ops.where(T(I))[1], np.where(I)[1], "int64"),
    ("nonzero", lambda: ops.nonzero(T(I))[0], np.nonzero(I)[0], "int64"),
    ("take_along_axis-flat", lambda: ops.take_along_axis(T(A), T(np.array([0, 5, 11]))),
     np.take_along_axis(A.ravel(), np.array([0, 5, 11]), None), "float32"),
    ("repeat-per-element", lambda: ops.repeat(T(A), [1, 0, 2], axis=0),
     np.repeat(A, [1, 0, 2], axis=0), "float32"),
    ("swish", lambda: ops.swish(T(A)), A * _sig(A), "float32"),
    ("hard_swish", lambda: ops.hard_swish(T(A)), A * np.clip(A / 6 + 0.5, 0, 1), "float32"),
    ("full-tensor-fill", lambda: ops.full((2, 3), T(np.float32(1.5))), np.full((2, 3), 1.5),
     "float32"),
    ("size", lambda: T(np.int64(ops.size(T(A)))), A.size, "int64"),
]


@pytest.mark.parametrize("name,call,expected,dtype", CASES, ids=[c[0] for c in CASES])
def test_keras_composite(name, call, expected, dtype, isa_level):
    out = call()
    expected = np.asarray(expected)
    assert isinstance(out, _C.Tensor)
    assert out.shape == expected.shape, (out.shape, expected.shape)
    assert out.dtype == dtype
    if dtype.startswith("float"):
        np.testing.assert_allclose(out.numpy(), expected.astype(dtype), rtol=2e-5, atol=2e-6,
                                   equal_nan=True)
    else:
        np.testing.assert_array_equal(out.numpy(), expected.astype(dtype))


def test_unstack_and_split_parts():
    parts = ops.unstack(T(A), axis=1)
    assert len(parts) == 4
    for k, p in enumerate(parts):
        np.testing.assert_array_equal(p.numpy(), A[:, k])
    with pytest.raises(ValueError):
        ops.unstack(T(A), num=3, axis=1)


def test_shape_helpers_accept_numpy_and_tensors():
    assert ops.shape(A) == (3, 4) and ops.shape(T(A)) == (3, 4)
    assert ops.ndim(A) == 2 and ops.size(T(A)) == 12
    assert ops.dtype(T(I)) == "int32"


def test_where_needs_both_or_neither():
    with pytest.raises(ValueError):
        ops.where(T(I), T(A))
