"""MultiHeadAttention: numpy references computed from the sub-layers' weights (fused and
composite paths, masks, causal, attention axes, gate, output_shape), masks from
Embedding(mask_zero) in Functional models, Keras' weights and configs, training, errors."""

import os
import sys

import numpy as np
import pytest

import kerasnet
from kerasnet import layers, ops

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                "autograd"))

from gradcheck import gradcheck  # noqa: E402

RNG = np.random.default_rng(21)
BIG = -0.7 * np.finfo(np.float64).max


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def _w(layer):
    return [w.numpy().astype(np.float64) for w in layer.weights]


def project(dense, x):
    """EinsumDense by hand: (B, ..., D) @ kernel (D, N, H) + bias."""
    w = _w(dense)
    y = np.tensordot(x.astype(np.float64), w[0], axes=([-1], [0]))
    if len(w) > 1:
        y = y + w[1]
    return y


def mha_reference(layer, q, v, k=None, mask=None, causal=False, fused=True):
    """(output, weights (B, N, T, S)) of 3-D inputs; `mask` (B, T, S) True attends.

    fused=True is ops.dot_product_attention's rule (a fully masked row attends uniformly),
    fused=False the composite Softmax layer's (a fully masked row gets zero weights)."""
    k = v if k is None else k
    Q, K, V = project(layer.query_dense, q), project(layer.key_dense, k), project(layer.value_dense, v)
    s = np.einsum("btnh,bsnh->bnts", Q, K) / np.sqrt(layer.key_dim)
    keep = np.ones(s.shape, bool)
    if mask is not None:
        keep &= np.asarray(mask, bool)[:, None]
    if causal:
        keep &= np.tril(np.ones(s.shape[-2:], bool))
    if fused:
        p = _softmax(np.where(keep, s, BIG))
    else:
        p = _softmax(s + (1 - keep) * -1e9) * keep
    o = np.einsum("bnts,bsnh->btnh", p, V)
    wo = _w(layer.output_dense)
    out = np.einsum("btnh,nhd->btd", o, wo[0])
    if len(wo) > 1:
        out = out + wo[1]
    return out, p


def _x(*shape):
    return RNG.standard_normal(shape).astype("float32")


def test_weights_have_keras_names_and_shapes():
    layer = layers.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=5)
    layer(_x(2, 6, 8), _x(2, 7, 10), _x(2, 7, 9))
    got = [(w.name, tuple(w.shape)) for w in layer.weights]
    assert got == [("kernel", (8, 3, 4)), ("bias", (3, 4)), ("kernel", (9, 3, 4)), ("bias", (3, 4)),
                   ("kernel", (10, 3, 5)), ("bias", (3, 5)), ("kernel", (3, 5, 8)), ("bias", (8,))]
    names = [sub.name for sub in (layer.query_dense, layer.key_dense, layer.value_dense, layer.output_dense)]
    assert names == ["query", "key", "value", "attention_output"]
    assert layer.query_dense.equation == "abc,cde->abde"
    assert layer.output_dense.equation == "abcd,cde->abe"
    assert layer.get_build_config() == {"shapes_dict": {"query_shape": [2, 6, 8], "value_shape": [2, 7, 10],
                                                        "key_shape": [2, 7, 9]}}


@pytest.mark.parametrize("cross", [False, True])
@pytest.mark.parametrize("scores", [False, True])
def test_matches_numpy(cross, scores):
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, bias_initializer="random_normal")
    q = _x(2, 5, 8)
    v, k = (_x(2, 6, 8), _x(2, 6, 8)) if cross else (q, None)
    out = layer(q, v, k, return_attention_scores=scores)
    ref, ref_p = mha_reference(layer, q, v, k, fused=not scores)
    if scores:
        out, p = out
        assert tuple(p.shape) == ref_p.shape
        np.testing.assert_allclose(np.asarray(p), ref_p, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("scores", [False, True])
def test_causal_mask(scores):
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=4)
    x = _x(2, 6, 8)
    out = layer(x, x, use_causal_mask=True, return_attention_scores=scores)
    ref, ref_p = mha_reference(layer, x, x, causal=True)
    if scores:
        out, p = out
        np.testing.assert_allclose(np.asarray(p), ref_p, rtol=1e-5, atol=1e-6)
        assert not np.asarray(p)[..., np.triu_indices(6, 1)[0], np.triu_indices(6, 1)[1]].any()
    np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("scores", [False, True])
def test_attention_mask_with_a_fully_masked_row(scores):
    # Keras 3's two paths differ on a query whose keys are all masked: the fused
    # dot_product_attention attends uniformly, the composite softmax gives zero weights.
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    q, v = _x(2, 4, 6), _x(2, 5, 6)
    mask = RNG.random((2, 4, 5)) > 0.4
    mask[:, :, 0] = True
    mask[1, 2] = False
    out = layer(q, v, attention_mask=mask, use_causal_mask=True, return_attention_scores=scores)
    ref, ref_p = mha_reference(layer, q, v, mask=mask, causal=True, fused=not scores)
    if scores:
        out, p = out
        np.testing.assert_allclose(np.asarray(p), ref_p, rtol=1e-5, atol=1e-6)
        assert not np.asarray(p)[1, :, 2].any()
    np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-4, atol=1e-5)
    # A (T, S) mask broadcasts over the batch.
    np.testing.assert_allclose(np.asarray(layer(q, v, attention_mask=mask[0])),
                               mha_reference(layer, q, v, mask=np.broadcast_to(mask[0], mask.shape))[0],
                               rtol=1e-4, atol=1e-5)


def test_explicit_value_and_key_masks_and_sliding_window():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, sliding_window=2)
    q, v, k = _x(2, 5, 6), _x(2, 5, 6), _x(2, 5, 4)
    v_mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    k_mask = np.array([[1, 1, 1, 1, 1], [0, 1, 1, 1, 1]], bool)
    out = layer(q, v, k, value_mask=v_mask, key_mask=k_mask)
    band = np.abs(np.arange(5)[:, None] - np.arange(5)[None]) < 2
    mask = v_mask[:, None, :] & k_mask[:, None, :] & band
    np.testing.assert_allclose(np.asarray(out), mha_reference(layer, q, v, k, mask=mask)[0], rtol=1e-4, atol=1e-5)


def _embedding_model(causal=False, cross=False):
    tq = kerasnet.Input((5,), dtype="int32")
    emb = layers.Embedding(12, 8, mask_zero=True)
    eq = emb(tq)
    inputs = [tq]
    if cross:
        tv = kerasnet.Input((6,), dtype="int32")
        ev = emb(tv)
        inputs.append(tv)
    else:
        ev = eq
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=4)
    out = mha(eq, ev, use_causal_mask=causal)
    return kerasnet.Model(inputs, out), emb, mha


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("cross", [False, True])
def test_masks_from_embedding_mask_zero(causal, cross):
    model, emb, mha = _embedding_model(causal, cross)
    tq = np.array([[3, 4, 5, 0, 0], [1, 2, 3, 4, 5]], "int32")
    tv = np.array([[6, 7, 0, 0, 0, 0], [1, 2, 3, 4, 5, 0]], "int32") if cross else tq
    got = model.predict([tq, tv] if cross else tq, verbose=0)
    table = emb.embeddings.numpy()
    mask = (tq != 0)[:, :, None] & (tv != 0)[:, None, :]
    ref, _ = mha_reference(mha, table[tq], table[tv], mask=mask, causal=causal)
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-5)


def test_output_keeps_the_query_mask_and_inputs_lose_theirs():
    emb = layers.Embedding(10, 8, mask_zero=True)
    tokens = np.array([[1, 2, 0], [3, 0, 0]], "int32")
    x = emb(tokens)
    out = layers.MultiHeadAttention(num_heads=2, key_dim=2)(x, x)
    np.testing.assert_array_equal(np.asarray(out._keras_mask), tokens != 0)
    assert getattr(x, "_keras_mask", None) is None  # as Keras 3: MHA handles and removes them


def test_attention_axes_2d_equals_attention_over_the_flattened_axes():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(1, 2))
    x = _x(2, 3, 4, 6)
    out, scores = layer(x, x, return_attention_scores=True)
    assert tuple(scores.shape) == (2, 2, 3, 4, 3, 4)
    assert layer.attention_axes == (1, 2)
    flat = x.reshape(2, 12, 6)
    ref, ref_p = mha_reference(layer, flat, flat, fused=False)
    np.testing.assert_allclose(np.asarray(out).reshape(2, 12, 6), ref, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(scores).reshape(2, 2, 12, 12), ref_p, rtol=1e-5, atol=1e-6)
    # The default axes of a rank-4 input are all but batch, heads and features: (1, 2).
    default = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    default(x, x)
    assert default.attention_axes == (1, 2)
    # Attention over axis 2 only: axis 1 is one more batch axis.
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=-2)
    out = layer(x, x)
    assert layer.attention_axes == (2,)
    for i in range(3):
        ref, _ = mha_reference(layer, x[:, i], x[:, i], fused=False)
        np.testing.assert_allclose(np.asarray(out)[:, i], ref, rtol=1e-4, atol=1e-5)


def test_output_shape_gate_and_no_bias():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, output_shape=(4,), use_gate=True, use_bias=False)
    q, v = _x(2, 5, 6), _x(2, 3, 6)
    out = layer(q, v)
    assert tuple(out.shape) == (2, 5, 4)
    assert [tuple(w.shape) for w in layer.weights] == [(6, 2, 3), (6, 2, 3), (6, 2, 3), (6, 2, 3), (2, 3, 4)]
    gate = 1 / (1 + np.exp(-project(layer._gate_dense, q)))
    Q, K, V = project(layer.query_dense, q), project(layer.key_dense, v), project(layer.value_dense, v)
    p = _softmax(np.einsum("btnh,bsnh->bnts", Q, K) / np.sqrt(3))
    o = np.einsum("bnts,bsnh->btnh", p, V) * gate
    ref = np.einsum("btnh,nhd->btd", o, _w(layer.output_dense)[0])
    np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-4, atol=1e-5)


def test_dropout_acts_in_training_only():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5, seed=1)
    q = _x(2, 5, 6)
    out = np.asarray(layer(q, q))
    ref, _ = mha_reference(layer, q, q, fused=False)
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-5)
    _, p = layer(q, q, training=True, return_attention_scores=True)
    assert not np.allclose(np.asarray(layer(q, q, training=True)), ref, atol=1e-3)
    np.testing.assert_allclose(np.asarray(p).sum(-1), 1.0, rtol=1e-5)  # scores are returned before dropout


def test_symbolic_shapes_and_build_config():
    q = kerasnet.Input((5, 8))
    v = kerasnet.Input((7, 6))
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, output_shape=4)
    out, scores = layer(q, v, return_attention_scores=True)
    assert tuple(out.shape) == (None, 5, 4)
    assert tuple(scores.shape) == (None, 2, 5, 7)
    assert layer.get_build_config() == {"shapes_dict": {"query_shape": [None, 5, 8], "value_shape": [None, 7, 6]}}
    fresh = layers.MultiHeadAttention.from_config(layer.get_config())
    fresh.build_from_config(layer.get_build_config())
    assert [tuple(w.shape) for w in fresh.weights] == [tuple(w.shape) for w in layer.weights]


def test_config_has_keras_keys_and_round_trips():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, dropout=0.1, output_shape=(5,),
                                      attention_axes=1, kernel_initializer="he_normal", kernel_regularizer="l2",
                                      seed=3, name="mha")
    config = layer.get_config()
    assert list(config) == [
        "name", "trainable", "dtype", "num_heads", "key_dim", "value_dim", "dropout", "use_bias", "use_gate",
        "output_shape", "attention_axes", "sliding_window", "kernel_initializer", "bias_initializer",
        "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint",
        "seed"]
    assert config["output_shape"] == (5,) and config["attention_axes"] == (1,)
    revived = layers.MultiHeadAttention.from_config(config)
    assert revived.get_config() == config
    again = layers.deserialize(layers.serialize(layer))
    assert type(again) is layers.MultiHeadAttention and again.get_config() == config


def test_training_updates_every_weight_and_fit_runs():
    model, _, mha = _embedding_model(causal=True)
    tokens = RNG.integers(0, 12, (8, 5)).astype("int32")
    before = [w.numpy().copy() for w in mha.weights]
    model.compile(optimizer="adam", loss="mse")
    model.fit(tokens, RNG.standard_normal((8, 5, 8)).astype("float32"), epochs=1, batch_size=4, verbose=0)
    for w, old in zip(mha.weights, before):
        assert not np.array_equal(w.numpy(), old), w.path


@pytest.mark.parametrize("scores", [False, True])
def test_gradients_match_finite_differences(scores):
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=2, dtype="float64", bias_initializer="random_normal")
    q, v = RNG.standard_normal((1, 3, 3)), RNG.standard_normal((1, 2, 3))
    layer(q, v)
    mask = np.array([[[True, False], [True, True], [False, True]]])

    def fn(q, v):
        out = layer(q, v, attention_mask=mask, return_attention_scores=scores)
        return list(out) if scores else out

    gradcheck(fn, [q, v], what="MultiHeadAttention")


@pytest.mark.parametrize("kwargs,match", [
    ({"num_heads": 0, "key_dim": 2}, r"`num_heads`, expected a positive integer. Received: num_heads=0"),
    ({"num_heads": 2, "key_dim": 1.5}, r"`key_dim`, expected a positive integer. Received: key_dim=1.5"),
    ({"num_heads": 2, "key_dim": 2, "value_dim": -1}, r"`value_dim`, expected a positive integer or `None`"),
    ({"num_heads": 2, "key_dim": 2, "attention_axes": "x"}, r"`attention_axes` must be an int, list, or tuple"),
    ({"num_heads": 2, "key_dim": 2, "sliding_window": 0}, r"`sliding_window` must be `None` or a positive"),
    ({"num_heads": 2, "key_dim": 2, "dropout": 0.1, "flash_attention": True}, r"Dropout is not supported"),
])
def test_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.MultiHeadAttention(**kwargs)


def test_shape_errors_name_the_layer_and_shapes():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=2, name="mha")
    with pytest.raises(ValueError, match=r"Layer 'mha'.*value_shape=\(2, 4, 6\) and key_shape=\(2, 5, 6\)"):
        layer(_x(2, 3, 6), _x(2, 4, 6), _x(2, 5, 6))
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=(3,), name="mha2")
    with pytest.raises(ValueError, match=r"MultiHeadAttention 'mha2': `attention_axes` \(3,\)"):
        layer(_x(2, 3, 6), _x(2, 3, 6))
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=2, flash_attention=True)
    with pytest.raises(ValueError, match="Returning attention scores is not supported"):
        layer(_x(2, 3, 6), _x(2, 3, 6), return_attention_scores=True)


def test_fused_and_composite_paths_agree_on_float32():
    layer = layers.MultiHeadAttention(num_heads=4, key_dim=16)
    q, v = _x(3, 40, 32), _x(3, 50, 32)
    fused = np.asarray(layer(q, v))
    composite, _ = layer(q, v, return_attention_scores=True)
    np.testing.assert_allclose(fused, np.asarray(composite), rtol=1e-4, atol=1e-5)
    assert ops.dot_product_attention is not None


def test_training_dropout_runs_in_the_fused_op_and_is_unbiased():
    """Without an attention mask, training-time dropout of the attention probabilities runs in
    the fused op: seeded calls repeat, successive calls differ, gradients flow, and the mean
    over many draws approaches the dropout-free output (dropout scales the kept by 1/(1-rate))."""
    import kerasnet as keras
    from kerasnet import layers

    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 5, 8)).astype("float32")
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.3, seed=11)
    plain = np.asarray(layer(x, x))  # inference: no dropout
    a, b = np.asarray(layer(x, x, training=True)), np.asarray(layer(x, x, training=True))
    assert not np.allclose(a, b) and not np.allclose(a, plain)
    twin = layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.3, seed=11)
    twin(x, x)
    twin.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(twin(x, x, training=True)), a, rtol=1e-6)
    mean = np.mean([np.asarray(layer(x, x, training=True)) for _ in range(400)], axis=0)
    err = np.abs(mean - plain)
    assert err.mean() < 0.03 and err.max() < 0.15, (err.mean(), err.max())
    xv = keras.Variable(x)
    with keras.GradientTape() as tape:
        loss = keras.ops.sum(layer(xv, xv, training=True))
    grads = tape.gradient(loss, [xv] + layer.trainable_weights)
    assert all(g is not None and np.all(np.isfinite(np.asarray(g))) for g in grads)
