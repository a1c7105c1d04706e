"""GroupedQueryAttention: numpy references from the sub-layers' weights (key/value heads shared
by groups of query heads), masks, causal, scores, gate, Keras' weights and configs, errors."""

import numpy as np
import pytest

import kerasnet
from kerasnet import layers

RNG = np.random.default_rng(8)
BIG = -0.7 * np.finfo(np.float64).max


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _project(dense, x):
    w = [v.numpy().astype(np.float64) for v in dense.weights]
    y = np.tensordot(x.astype(np.float64), w[0], axes=([-1], [0]))
    return y + w[1] if len(w) > 1 else y


def gqa_reference(layer, q, v, k=None, mask=None, causal=False, fused=True):
    k = v if k is None else k
    rep = layer.num_query_heads // layer.num_key_value_heads
    Q = _project(layer._query_dense, q)
    K = np.repeat(_project(layer._key_dense, k), rep, axis=2)
    V = np.repeat(_project(layer._value_dense, v), rep, axis=2)
    s = np.einsum("bquh,bkuh->buqk", Q, K) / np.sqrt(layer.head_dim)
    keep = np.ones(s.shape, bool)
    if mask is not None:
        keep &= np.asarray(mask, bool)[:, None]
    if causal:
        keep &= np.tril(np.ones(s.shape[-2:], bool))
    p = _softmax(np.where(keep, s, BIG)) if fused else _softmax(s + (1 - keep) * -1e9) * keep
    o = np.einsum("buqk,bkuh->bquh", p, V)
    if layer.use_gate:
        o = o / (1 + np.exp(-_project(layer._gate_dense, q)))
    w = [x.numpy().astype(np.float64) for x in layer._output_dense.weights]
    out = np.einsum("bquh,uhm->bqm", o, w[0])
    return (out + w[1] if len(w) > 1 else out), p


def _x(*shape):
    return RNG.standard_normal(shape).astype("float32")


def test_weights_have_keras_names_and_shapes():
    layer = layers.GroupedQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2)
    layer(_x(2, 5, 8), _x(2, 6, 8), _x(2, 6, 7))
    got = [(w.name, tuple(w.shape)) for w in layer.weights]
    assert got == [("kernel", (8, 4, 3)), ("bias", (4, 3)), ("kernel", (7, 2, 3)), ("bias", (2, 3)),
                   ("kernel", (8, 2, 3)), ("bias", (2, 3)), ("kernel", (4, 3, 8)), ("bias", (8,))]
    assert [d.name for d in (layer._query_dense, layer._key_dense, layer._value_dense, layer._output_dense)] == [
        "query", "key", "value", "attention_output"]
    assert layers.GroupQueryAttention is layers.GroupedQueryAttention


@pytest.mark.parametrize("kv_heads", [1, 2, 4])
@pytest.mark.parametrize("scores", [False, True])
def test_matches_numpy(kv_heads, scores):
    layer = layers.GroupedQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=kv_heads,
                                         bias_initializer="random_normal")
    q, v = _x(2, 5, 8), _x(2, 6, 8)
    out = layer(q, v, return_attention_scores=scores)
    ref, ref_p = gqa_reference(layer, q, v, fused=not scores)
    if scores:
        out, p = out
        np.testing.assert_allclose(np.asarray(p), ref_p, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("scores", [False, True])
def test_masks_causal_and_gate(scores):
    layer = layers.GroupedQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2, use_gate=True)
    q, v = _x(2, 5, 6), _x(2, 5, 6)
    q_mask = np.array([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]], bool)
    v_mask = np.array([[1, 1, 0, 1, 1], [1, 0, 1, 1, 1]], bool)
    out = layer(q, v, query_mask=q_mask, value_mask=v_mask, use_causal_mask=True, return_attention_scores=scores)
    mask = q_mask[:, :, None] & v_mask[:, None, :]
    ref, ref_p = gqa_reference(layer, q, v, mask=mask, causal=True, fused=not scores)
    if scores:
        out, p = out
        np.testing.assert_allclose(np.asarray(p), ref_p, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-4, atol=1e-5)


def test_masks_from_embedding_in_a_functional_model():
    tokens = kerasnet.Input((5,), dtype="int32")
    emb = layers.Embedding(10, 8, mask_zero=True)
    x = emb(tokens)
    gqa = layers.GroupedQueryAttention(head_dim=4, num_query_heads=2, num_key_value_heads=1)
    model = kerasnet.Model(tokens, gqa(x, x, attention_mask=np.ones((5, 5), bool)))
    data = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]], "int32")
    table = emb.embeddings.numpy()
    mask = (data != 0)[:, :, None] & (data != 0)[:, None, :]
    ref, _ = gqa_reference(gqa, table[data], table[data], mask=mask)
    np.testing.assert_allclose(model.predict(data, verbose=0), ref, rtol=1e-4, atol=1e-5)


def test_symbolic_shapes_config_and_build_config():
    q, v = kerasnet.Input((5, 8)), kerasnet.Input((7, 8))
    layer = layers.GroupedQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2, dropout=0.1,
                                         sliding_window=3, seed=2, name="gqa")
    out, scores = layer(q, v, return_attention_scores=True)
    assert tuple(out.shape) == (None, 5, 8)
    assert tuple(scores.shape) == (None, 4, 5, 7)
    config = layer.get_config()
    assert list(config) == [
        "name", "trainable", "dtype", "head_dim", "num_query_heads", "num_key_value_heads", "use_bias", "use_gate",
        "sliding_window", "dropout", "kernel_initializer", "bias_initializer", "kernel_regularizer",
        "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint", "seed"]
    revived = layers.GroupedQueryAttention.from_config(config)
    assert revived.get_config() == config
    revived.build_from_config(layer.get_build_config())
    assert [tuple(w.shape) for w in revived.weights] == [tuple(w.shape) for w in layer.weights]
    again = layers.deserialize(layers.serialize(layer))
    assert type(again) is layers.GroupedQueryAttention


def test_dropout_and_training():
    layer = layers.GroupedQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, dropout=0.5, seed=4)
    q = _x(2, 4, 6)
    out = np.asarray(layer(q, q))
    ref, _ = gqa_reference(layer, q, q, fused=False)
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-5)
    with kerasnet.GradientTape() as tape:
        loss = kerasnet.ops.sum(kerasnet.ops.square(layer(q, q, training=True)))
    grads = tape.gradient(loss, layer.trainable_weights)
    assert len(grads) == 8 and all(g is not None for g in grads)


@pytest.mark.parametrize("kwargs,match", [
    ({"head_dim": 2, "num_query_heads": 3, "num_key_value_heads": 2}, r"`num_query_heads` must be divisible"),
    ({"head_dim": 0, "num_query_heads": 2, "num_key_value_heads": 1}, r"`head_dim`, expected a positive"),
    ({"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 1, "sliding_window": -1}, r"`sliding_window`"),
])
def test_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.GroupedQueryAttention(**kwargs)


def test_shape_errors_name_the_layer_and_shapes():
    layer = layers.GroupedQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, name="gqa")
    with pytest.raises(ValueError, match=r"GroupedQueryAttention 'gqa': `query` must have shape"):
        layer(_x(2, 3, 4, 6), _x(2, 3, 6))
    with pytest.raises(ValueError, match=r"'gqa': the last dimension of `query_shape` and `value_shape`"):
        layer.compute_output_shape((2, 3, 6), (2, 3, 5))
