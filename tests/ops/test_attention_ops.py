"""kerasnet.ops.dot_product_attention: the fused tiled op against the composite
path (matmul, masked softmax, matmul) on shapes that cross its query tiles and
key chunks, values and gradients (bias included), and Keras' argument rules."""

import numpy as np
import pytest

import kerasnet as keras
from kerasnet.ops import attention as A
from op_db.attention import ref_attention


def _qkv(rng, B, T, S, N, K, H, Hv, dtype="float32"):
    return (rng.normal(size=(B, T, N, H)).astype(dtype), rng.normal(size=(B, S, K, H)).astype(dtype),
            rng.normal(size=(B, S, K, Hv)).astype(dtype))


@pytest.mark.parametrize("shape", [(1, 200, 1100, 2, 1, 16, 8), (2, 129, 129, 4, 2, 8, 8), (1, 65, 3, 1, 1, 4, 4)])
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("with_bias,with_mask", [(False, False), (True, True)])
def test_fused_matches_composite_values_and_gradients(shape, causal, with_bias, with_mask):
    rng = np.random.default_rng(sum(shape))
    B, T, S, N, K, H, Hv = shape
    q, k, v = _qkv(rng, *shape)
    bias = (rng.normal(size=(1, N, T, S)) * 0.5).astype("float32") if with_bias else None
    mask = rng.random((B, 1, T, S)) > 0.2 if with_mask else None
    if with_mask:
        mask[0, 0, 0] = False  # a row with every key masked
    w = rng.normal(size=(B, T, N, Hv)).astype("float32")
    results = []
    for fn in (A.dot_product_attention, A.dot_product_attention_composite):
        xs = [keras.Variable(x) for x in (q, k, v)] + ([keras.Variable(bias)] if with_bias else [])
        with keras.GradientTape() as tape:
            out = fn(*xs[:3], bias=xs[3] if with_bias else None, mask=mask, is_causal=causal)
            loss = keras.ops.sum(out * w)
        grads = tape.gradient(loss, xs)
        results.append([np.asarray(out)] + [np.asarray(g) for g in grads])
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=2e-4, atol=2e-5)
    np.testing.assert_allclose(results[0][0], ref_attention(q, k, v, bias, mask, is_causal=causal),
                               rtol=1e-4, atol=1e-5)


def test_keras_defaults_and_layouts():
    rng = np.random.default_rng(0)
    q, k, v = _qkv(rng, 2, 5, 6, 2, 2, 4, 3, "float64")
    out = A.dot_product_attention(q, k, v)
    np.testing.assert_allclose(np.asarray(out), ref_attention(q, k, v, scale=0.5), atol=1e-12)  # 1/sqrt(4)
    np.testing.assert_allclose(np.asarray(A.dot_product_attention(q, k, v, scale=2.0)),
                               ref_attention(q, k, v, scale=2.0), atol=1e-12)
    # Unbatched (T, N, H) inputs, as JAX's.
    single = A.dot_product_attention(q[0], k[0], v[0])
    np.testing.assert_allclose(np.asarray(single), np.asarray(out)[0], atol=1e-12)
    assert keras.ops.dot_product_attention is A.dot_product_attention or \
        np.allclose(np.asarray(keras.ops.dot_product_attention(q, k, v)), np.asarray(out))
    # Integer masks count as booleans; int inputs compute in float32.
    m = (rng.random((2, 1, 5, 6)) > 0.5).astype("int32")
    np.testing.assert_allclose(np.asarray(A.dot_product_attention(q, k, v, mask=m)),
                               ref_attention(q, k, v, mask=m.astype(bool)), atol=1e-12)


def test_errors():
    rng = np.random.default_rng(0)
    q, k, v = _qkv(rng, 1, 3, 4, 3, 2, 2, 2)
    with pytest.raises(ValueError, match="multiple of the number of key/value heads"):
        A.dot_product_attention(q, k, v)
    q, k, v = _qkv(rng, 1, 3, 4, 2, 2, 2, 2)
    with pytest.raises(ValueError, match="3D and 4D"):
        A.dot_product_attention(q[0, ..., 0], k[0, ..., 0], v[0, ..., 0])
    with pytest.raises(ValueError, match=r"incompatible shapes"):
        A.dot_product_attention(q, k[:, :3], v)
    with pytest.raises(ValueError, match="broadcast"):
        A.dot_product_attention(q, k, v, mask=np.ones((5, 4), bool))
    with pytest.raises(ValueError, match="soft_cap"):
        A.dot_product_attention(q, k, v, attn_logits_soft_cap=5.0)


def _dropped_probabilities(rate, seed, offset, causal=False, T=6, S=37, N=2):
    """With one-hot values (v[s] = e_s) the output rows are the dropped probability rows."""
    rng = np.random.default_rng(5)
    q = rng.normal(size=(1, T, N, 4))
    k = rng.normal(size=(1, S, N, 4))
    v = np.broadcast_to(np.eye(S)[None, :, None, :], (1, S, N, S)).copy()
    dropped = np.asarray(keras.ops.convert_to_tensor(
        __import__("kerasnet")._C.attention(q, k, v, None, None, 0.5, causal, rate, seed, offset)))
    full = ref_attention(q, k, v, scale=0.5, is_causal=causal)
    return dropped, full


def test_dropout_keeps_or_zeroes_each_probability_and_scales_the_kept():
    dropped, full = _dropped_probabilities(0.3, 1234, 0)
    ratio = dropped / full
    kept = np.isclose(ratio, 1 / 0.7, rtol=1e-9)
    assert np.all(kept | (dropped == 0))
    assert 0.2 < 1 - kept.mean() < 0.4  # about `rate` of them dropped (444 draws)
    again, _ = _dropped_probabilities(0.3, 1234, 0)
    np.testing.assert_array_equal(again, dropped)  # the same (seed, offset): the same mask
    other, _ = _dropped_probabilities(0.3, 1234, 999)
    assert not np.array_equal(other, dropped)
    none, _ = _dropped_probabilities(0.0, 1234, 0)
    np.testing.assert_allclose(none, full, atol=1e-12)


@pytest.mark.parametrize("causal", [False, True])
def test_dropout_gradients_match_finite_differences(causal):
    """Backward draws the same mask again: with (seed, offset) fixed the op is a deterministic
    function whose tape gradient must equal central differences."""
    C = __import__("kerasnet")._C
    rng = np.random.default_rng(2)
    q, k, v = (rng.normal(size=s) for s in [(1, 3, 2, 2), (1, 4, 2, 2), (1, 4, 2, 3)])
    w = rng.normal(size=(1, 3, 2, 3))

    def run(q, k, v):
        return C.attention(q, k, v, None, None, 0.7, causal, 0.4, 77, 5)

    xs = [keras.Variable(x, dtype="float64") for x in (q, k, v)]
    with keras.GradientTape() as tape:
        loss = keras.ops.sum(run(*xs) * w)
    grads = [np.asarray(g) for g in tape.gradient(loss, xs)]
    args = [q, k, v]
    for i, g in enumerate(grads):
        fd = np.zeros_like(args[i])
        for idx in np.ndindex(args[i].shape):
            for sign in (1, -1):
                moved = [a.copy() for a in args]
                moved[i][idx] += sign * 1e-6
                fd[idx] += sign * float(np.sum(np.asarray(run(*moved)) * w)) / 2e-6
        np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-8)


def test_attention_with_dropout_seeds_and_rate():
    rng = np.random.default_rng(0)
    q, k, v = _qkv(rng, 2, 5, 6, 2, 2, 4, 3, "float64")
    a = np.asarray(A.attention_with_dropout(q, k, v, 0.5, seed=3))
    b = np.asarray(A.attention_with_dropout(q, k, v, 0.5, seed=3))
    np.testing.assert_array_equal(a, b)
    gen = keras.random.SeedGenerator(3)
    c, d = (np.asarray(A.attention_with_dropout(q, k, v, 0.5, seed=gen)) for _ in range(2))
    assert not np.array_equal(c, d)  # a generator advances
    np.testing.assert_allclose(np.asarray(A.attention_with_dropout(q, k, v, 0.0)), ref_attention(q, k, v),
                               atol=1e-12)
    with pytest.raises(ValueError, match="rate"):
        A.attention_with_dropout(q, k, v, 1.0)
