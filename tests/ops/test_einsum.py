"""ops.einsum against np.einsum: equations, broadcasting, dtypes, errors, gradients."""

import os
import sys

import kerasnet
import numpy as np
import pytest
from kerasnet import ops

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "autograd"))

from gradcheck import gradcheck  # noqa: E402

# (equation, operand shapes)
EQUATIONS = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,jk", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("bij,jk->bik", [(2, 3, 4), (4, 5)]),
    ("ij,bjk->bik", [(3, 4), (2, 4, 5)]),
    ("i,j->ij", [(3,), (4,)]),
    ("i,i->", [(5,), (5,)]),
    ("i,i", [(5,), (5,)]),
    ("ij,ij->ij", [(3, 4), (3, 4)]),
    ("ij,ij->", [(3, 4), (3, 4)]),
    ("ij->ji", [(3, 4)]),
    ("ij", [(3, 4)]),
    ("ji", [(3, 4)]),
    ("ij->", [(3, 4)]),
    ("ij->j", [(3, 4)]),
    ("abc->cab", [(2, 3, 4)]),
    ("ii->", [(4, 4)]),
    ("ii", [(4, 4)]),
    ("ii->i", [(4, 4)]),
    ("bii->bi", [(2, 3, 3)]),
    ("iij->j", [(3, 3, 2)]),
    ("iji->ij", [(3, 2, 3)]),
    ("iii->i", [(3, 3, 3)]),
    ("ij,jj->i", [(3, 4), (4, 4)]),
    ("bi,ij,bj->b", [(2, 3), (3, 4), (2, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("ij,jk,kl", [(6, 2), (2, 7), (7, 3)]),
    ("a,b,c->abc", [(2,), (3,), (4,)]),
    ("ab,bc,cd,de->ae", [(2, 3), (3, 4), (4, 2), (2, 3)]),
    ("ij,kl->ijkl", [(2, 3), (4, 5)]),
    ("ij,kl->ikjl", [(2, 3), (4, 5)]),
    ("ij,jk->ki", [(3, 4), (4, 5)]),
    ("ijk,jil->kl", [(3, 4, 5), (4, 3, 2)]),
    ("...ij,...jk->...ik", [(2, 3, 4, 5), (2, 3, 5, 6)]),
    ("...ij,...jk->...ik", [(3, 4, 5), (2, 1, 5, 6)]),
    ("...ij,jk->...ik", [(2, 3, 4, 5), (5, 6)]),
    ("...i,...i->...", [(2, 3, 4), (3, 4)]),
    ("...i,...i", [(2, 1, 4), (5, 4)]),
    ("i...->...", [(3, 2, 4)]),
    ("...->...", [(2, 3)]),
    ("...", [(2, 3)]),
    ("i...j,j...k->...ik", [(2, 3, 4), (4, 3, 5)]),
    ("a...,a...->...a", [(2, 3), (2, 3)]),
    ("Ba,aC->BC", [(2, 3), (3, 4)]),
    ("Ba", [(2, 3)]),
    (",ij->ij", [(), (2, 3)]),
    (",->", [(), ()]),
    ("i,->i", [(3,), ()]),
    ("ij,jk->ik", [(3, 1), (4, 5)]),
    ("ij,jk->ik", [(0, 4), (4, 5)]),
    ("ij,jk->ik", [(3, 0), (0, 5)]),
    ("bi,bi->b", [(0, 3), (0, 3)]),
    (" ij , jk -> ik ", [(3, 4), (4, 5)]),
    # EinsumDense and MultiHeadAttention's equations.
    ("abc,cd->abd", [(2, 3, 4), (4, 5)]),
    ("abc,cde->abde", [(2, 3, 4), (4, 2, 5)]),
    ("abcd,cde->abe", [(2, 3, 4, 5), (4, 5, 6)]),
    ("ab,bc->ac", [(2, 3), (3, 4)]),
    ("abc,cd->abd", [(2, 3, 4), (4, 5)]),
    ("abc,cde->abde", [(2, 5, 6), (6, 3, 4)]),
    ("aecd,abcd->acbe", [(2, 5, 3, 4), (2, 6, 3, 4)]),
    ("acbe,aecd->abcd", [(2, 3, 6, 5), (2, 5, 3, 4)]),
    ("abcde,afgde->abcfg", [(2, 3, 4, 5, 6), (2, 7, 8, 5, 6)]),
    ("abcd,cde->abe", [(2, 3, 2, 4), (2, 4, 5)]),
    ("abc,dce->abde", [(2, 3, 4), (5, 4, 6)]),
    ("ab,bcd->acd", [(2, 3), (3, 4, 5)]),
    ("abc,bcd->ad", [(2, 3, 4), (3, 4, 5)]),
]


def _ids(cases):
    return [f"{eq.strip()}|{'x'.join(map(str, shapes))}" for eq, shapes in cases]


def _operands(shapes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if dtype in ("int32", "int64"):
        return [rng.integers(-4, 5, s).astype(dtype) for s in shapes]
    if dtype == "bool":
        return [rng.random(s) < 0.5 for s in shapes]
    return [rng.uniform(-2, 2, s).astype(dtype) for s in shapes]


@pytest.mark.parametrize("eq,shapes", EQUATIONS, ids=_ids(EQUATIONS))
def test_matches_numpy(eq, shapes):
    xs = _operands(shapes, "float32")
    got = ops.einsum(eq, *[ops.convert_to_tensor(x) for x in xs])
    want = np.einsum(eq, *[x.astype(np.float64) for x in xs])
    assert got.shape == np.shape(want)
    assert got.dtype == "float32"
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("eq,shapes", EQUATIONS[::4], ids=_ids(EQUATIONS[::4]))
@pytest.mark.parametrize("dtype", ["float64", "int32", "int64", "bool"])
def test_dtypes(eq, shapes, dtype):
    xs = _operands(shapes, dtype, seed=1)
    got = ops.einsum(eq, *xs)
    want = np.einsum(eq, *xs)
    assert got.dtype == dtype
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)


def test_mixed_dtypes_promote():
    a = np.arange(6, dtype="int32").reshape(2, 3)
    b = np.ones((3, 2), "float32")
    got = ops.einsum("ij,jk->ik", a, b)
    assert got.dtype == "float32"
    np.testing.assert_allclose(got.numpy(), a @ b)
    assert ops.einsum("ij,jk->ik", b.T.astype("float32"), b.astype("float64")).dtype == "float64"


def test_accepts_numpy_lists_and_variables():
    v = kerasnet.Variable(np.ones((3, 2), "float32"))
    got = ops.einsum("ij,jk->ik", [[1.0, 2.0, 3.0]], v)
    np.testing.assert_allclose(got.numpy(), [[6.0, 6.0]])


def test_ellipsis_left_out_of_the_output_is_summed():
    # Keras on JAX sums them (numpy refuses such an equation).
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 5)).astype("float32")
    got = ops.einsum("...ij->ij", x)
    np.testing.assert_allclose(got.numpy(), x.sum((0, 1)), rtol=1e-5)


def test_noncontiguous_inputs():
    rng = np.random.default_rng(2)
    a = ops.transpose(ops.convert_to_tensor(rng.normal(size=(5, 4, 3)).astype("float32")), (2, 1, 0))
    b = rng.normal(size=(4, 6)).astype("float32")
    np.testing.assert_allclose(ops.einsum("abc,bd->acd", a, b).numpy(),
                               np.einsum("abc,bd->acd", a.numpy(), b), rtol=1e-5, atol=1e-5)


def test_large_batched_contraction_is_one_gemm_shape():
    # (batch 32, heads 4, seq 64, dim 16): the attention-score equation.
    rng = np.random.default_rng(3)
    q = rng.normal(size=(32, 64, 4, 16)).astype("float32")
    k = rng.normal(size=(32, 64, 4, 16)).astype("float32")
    got = ops.einsum("aecd,abcd->acbe", k, q)
    np.testing.assert_allclose(got.numpy(), np.einsum("aecd,abcd->acbe", k, q), rtol=1e-4, atol=1e-4)


GRAD_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("bij,jk->bik", [(2, 2, 3), (3, 2)]),
    ("i,j->ij", [(3,), (2,)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("ij->", [(2, 3)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)]),
    ("ij,jk->ik", [(2, 1), (3, 2)]),
    ("bi,ij,bj->b", [(2, 3), (3, 2), (2, 2)]),
    ("abc,cde->abde", [(2, 2, 3), (3, 2, 2)]),
    ("aecd,abcd->acbe", [(2, 3, 2, 2), (2, 2, 2, 2)]),
    ("acbe,aecd->abcd", [(2, 2, 2, 3), (2, 3, 2, 2)]),
    ("abcd,cde->abe", [(2, 2, 2, 2), (2, 2, 3)]),
]


@pytest.mark.parametrize("eq,shapes", GRAD_CASES, ids=_ids(GRAD_CASES))
def test_gradients_match_finite_differences(eq, shapes):
    xs = _operands(shapes, "float64", seed=4)
    gradcheck(lambda *ts: ops.einsum(eq, *ts), xs, what=eq)


def test_gradient_values_against_numpy():
    rng = np.random.default_rng(5)
    a = rng.normal(size=(2, 3, 4))
    b = rng.normal(size=(4, 5))
    w = rng.normal(size=(2, 3, 5))
    ta, tb = kerasnet.Variable(a, dtype="float64"), kerasnet.Variable(b, dtype="float64")
    with kerasnet.GradientTape() as tape:
        loss = ops.sum(ops.einsum("abc,cd->abd", ta, tb) * w)
    ga, gb = tape.gradient(loss, [ta, tb])
    np.testing.assert_allclose(ga.numpy(), np.einsum("abd,cd->abc", w, b), rtol=1e-12)
    np.testing.assert_allclose(gb.numpy(), np.einsum("abd,abc->cd", w, a), rtol=1e-12)


@pytest.mark.parametrize("eq,shapes,match", [
    ("ij,jk->ik", [(3, 4), (5, 6)], r"subscript 'j'.*size 4 in operand 0.*size 5 in operand 1"),
    ("ij,jk", [(3, 4)], r"name 2 operand\(s\), but 1 were given"),
    ("ij->ik", [(3, 4)], r"output subscript 'k' appears in no input"),
    ("ij->ii", [(3, 4)], r"output subscript 'i' appears twice"),
    ("ijk", [(3, 4)], r"operand 0 has shape \(3, 4\) \(rank 2\), but its subscripts 'ijk'"),
    ("ij", [(3, 4, 5)], r"operand 0 has shape \(3, 4, 5\)"),
    ("i1,j", [(3, 4), (2,)], r"invalid subscripts"),
    ("i....", [(3, 4)], r"invalid subscripts"),
    ("ij->i->j", [(3, 4)], r"at most one '->'"),
    ("ii->i", [(3, 4)], r"subscript 'i' is repeated in one operand on dimensions of sizes 3 and 4"),
    ("...i,...i", [(2, 3), (4, 3)], r"an ellipsis dimension .* size 2 .* size 4"),
])
def test_errors_are_clear(eq, shapes, match):
    xs = _operands(shapes, "float32")
    with pytest.raises(ValueError, match=match):
        ops.einsum(eq, *xs)


def test_subscripts_must_be_a_string():
    with pytest.raises(TypeError, match="must be a string"):
        ops.einsum(["ij"], np.ones((2, 2)))


def test_in_a_functional_model():
    x = kerasnet.Input((3, 4))
    y = ops.einsum("bij,jk->bik", x, np.ones((4, 2), "float32"))
    assert tuple(y.shape) == (None, 3, 2)
    model = kerasnet.Model(x, y)
    data = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    np.testing.assert_allclose(model.predict(data, verbose=0), data @ np.ones((4, 2)), rtol=1e-5)
