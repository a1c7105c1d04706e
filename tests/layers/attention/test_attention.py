"""Attention and AdditiveAttention: numpy references (masks, causal, scales, concat scores),
generic checks, dropout, masks from the inputs, symbolic calls, configs, errors."""

import numpy as np
import pytest
from layer_test_utils import run_layer_test

import kerasnet
from kerasnet import layers

RNG = np.random.default_rng(3)


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def reference(q, v, k=None, q_mask=None, v_mask=None, causal=False, kind="dot", scale=None, concat_w=1.0):
    """Keras 3's attention in float64 numpy: (output, weights)."""
    q, v = q.astype(np.float64), v.astype(np.float64)
    k = v if k is None else k.astype(np.float64)
    if kind == "dot":
        scores = q @ np.swapaxes(k, -1, -2)
        if scale is not None:
            scores = scores * scale
    elif kind == "concat":
        pairs = q[:, :, None, :] + k[:, None, :, :]
        if scale is not None:
            pairs = scale * pairs
        scores = concat_w * np.tanh(pairs).sum(-1)
    else:  # additive
        t = np.tanh(q[:, :, None, :] + k[:, None, :, :])
        scores = (t * (1.0 if scale is None else scale)).sum(-1)
    keep = np.ones(scores.shape, bool)
    if v_mask is not None:
        keep &= v_mask[:, None, :]
    if causal:
        keep &= np.tril(np.ones(scores.shape[-2:], bool))[None]
    if v_mask is not None or causal:
        scores = np.where(keep, scores, scores - 1e9)
    w = _softmax(scores)
    out = w @ v
    if q_mask is not None:
        out = np.where(q_mask[:, :, None], out, 0.0)
    return out, w


def _data(tq=3, tv=5, dim=4, dv=None, batch=2):
    q = RNG.standard_normal((batch, tq, dim)).astype("float32")
    v = RNG.standard_normal((batch, tv, dv or dim)).astype("float32")
    k = RNG.standard_normal((batch, tv, dim)).astype("float32")
    return q, v, k


Q_MASK = np.array([[True, True, False], [True, False, False]])
V_MASK = np.array([[True, True, False, True, False], [True, True, True, True, True]])


@pytest.mark.parametrize("use_scale", [False, True])
@pytest.mark.parametrize("with_key", [False, True])
def test_dot_scores_are_not_scaled_by_sqrt_dim(use_scale, with_key):
    q, v, k = _data(dv=6 if with_key else None)
    layer = layers.Attention(use_scale=use_scale)
    inputs = [q, v, k] if with_key else [q, v]
    out, w = layer(inputs, return_attention_scores=True)
    scale = None
    if use_scale:
        layer.scale.assign(np.float32(0.7))
        out, w = layer(inputs, return_attention_scores=True)
        scale = 0.7
    ref_out, ref_w = reference(q, v, k if with_key else None, scale=scale)
    np.testing.assert_allclose(np.asarray(w), ref_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(out), ref_out, rtol=1e-5, atol=1e-5)
    assert tuple(out.shape) == (2, 3, 6 if with_key else 4)


@pytest.mark.parametrize("use_scale", [False, True])
def test_concat_scores(use_scale):
    q, v, k = _data()
    layer = layers.Attention(use_scale=use_scale, score_mode="concat")
    layer([q, v, k])
    names = [w.name for w in layer.weights]
    assert names == (["scale", "concat_score_weight"] if use_scale else ["concat_score_weight"])
    layer.concat_score_weight.assign(np.float32(1.5))
    if use_scale:
        layer.scale.assign(np.float32(0.5))
    out = layer([q, v, k], mask=[Q_MASK, V_MASK])
    ref, _ = reference(q, v, k, Q_MASK, V_MASK, kind="concat", scale=0.5 if use_scale else None, concat_w=1.5)
    np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("masks", ["none", "value", "both"])
def test_masks_and_causal_mask(causal, masks):
    q, v, k = _data(tq=5, tv=5)
    q_mask = np.array([[True] * 4 + [False], [True] * 5]) if masks == "both" else None
    v_mask = V_MASK if masks != "none" else None
    mask = None if masks == "none" else [q_mask, v_mask]
    out, w = layers.Attention()([q, v], mask=mask, use_causal_mask=causal, return_attention_scores=True)
    ref_out, ref_w = reference(q, v, q_mask=q_mask, v_mask=v_mask, causal=causal)
    np.testing.assert_allclose(np.asarray(w), ref_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(out), ref_out, rtol=1e-5, atol=1e-5)
    if causal:
        assert not np.asarray(w)[:, np.triu_indices(5, 1)[0], np.triu_indices(5, 1)[1]].any()


@pytest.mark.parametrize("use_scale", [True, False])
def test_additive_attention(use_scale):
    q, v, k = _data()
    layer = layers.AdditiveAttention(use_scale=use_scale)
    out = layer([q, v, k], mask=[Q_MASK, V_MASK], use_causal_mask=True)
    if use_scale:
        assert [(w.name, tuple(w.shape)) for w in layer.weights] == [("scale", (4,))]
    else:
        assert layer.weights == []
    scale = layer.scale.numpy() if use_scale else None
    ref, _ = reference(q, v, k, Q_MASK, V_MASK, causal=True, kind="additive", scale=scale)
    np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-5, atol=1e-5)


def test_generic_attention():
    run_layer_test(layers.Attention, {"use_scale": True}, input_shape=[(2, 3, 4), (2, 5, 4)],
                   expected_output_shape=(2, 3, 4), expected_weights=[("scale", ())],
                   supports_masking=True)
    run_layer_test(layers.Attention, {"score_mode": "concat", "dropout": 0.2, "seed": 1},
                   input_shape=[(2, 3, 4), (2, 5, 6), (2, 5, 4)], expected_output_shape=(2, 3, 6),
                   expected_weights=[("concat_score_weight", ())], supports_masking=True)


def test_generic_additive_attention():
    run_layer_test(layers.AdditiveAttention, {}, input_shape=[(2, 3, 4), (2, 5, 4)],
                   expected_output_shape=(2, 3, 4), expected_weights=[("scale", (4,))],
                   supports_masking=True)
    run_layer_test(layers.AdditiveAttention, {"use_scale": False, "dropout": 0.1},
                   input_shape=[(2, 3, 4), (2, 5, 4)], expected_output_shape=(2, 3, 4),
                   expected_num_trainable_weights=0, run_training_check=False, run_fit_check=False,
                   supports_masking=True)


def test_return_attention_scores_shapes_symbolic_and_eager():
    q = kerasnet.Input((3, 4))
    v = kerasnet.Input((5, 6))
    k = kerasnet.Input((5, 4))
    out, scores = layers.Attention()([q, v, k], return_attention_scores=True)
    assert tuple(out.shape) == (None, 3, 6)
    assert tuple(scores.shape) == (None, 3, 5)
    model = kerasnet.Model([q, v, k], [out, scores])
    qd, vd, kd = _data(dv=6)
    got_out, got_w = model.predict([qd, vd, kd], verbose=0)
    ref_out, ref_w = reference(qd, vd, kd)
    np.testing.assert_allclose(got_out, ref_out, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got_w, ref_w, rtol=1e-5, atol=1e-6)


def test_masks_from_embedding_in_a_functional_model():
    tokens_q = kerasnet.Input((4,), dtype="int32")
    tokens_v = kerasnet.Input((5,), dtype="int32")
    emb = layers.Embedding(10, 3, mask_zero=True)
    eq, ev = emb(tokens_q), emb(tokens_v)
    att = layers.Attention()
    out = att([eq, ev])
    model = kerasnet.Model([tokens_q, tokens_v], out)
    tq = np.array([[1, 2, 3, 0], [4, 0, 0, 0]], "int32")
    tv = np.array([[5, 6, 0, 0, 0], [7, 8, 9, 1, 0]], "int32")
    got = model.predict([tq, tv], verbose=0)
    table = emb.embeddings.numpy()
    ref, _ = reference(table[tq], table[tv], q_mask=tq != 0, v_mask=tv != 0)
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)
    # The output keeps the query's mask.
    y = att([emb(tq), emb(tv)])
    np.testing.assert_array_equal(np.asarray(y._keras_mask), tq != 0)


def test_dropout_only_in_training():
    q, v, _ = _data()
    layer = layers.Attention(dropout=0.5, seed=7)
    ref, ref_w = reference(q, v)
    np.testing.assert_allclose(np.asarray(layer([q, v])), ref, rtol=1e-5, atol=1e-5)
    _, w = layer([q, v], training=True, return_attention_scores=True)
    w = np.asarray(w)
    dropped = w == 0
    assert dropped.any() and not dropped.all()
    np.testing.assert_allclose(w[~dropped], 2.0 * ref_w[~dropped], rtol=1e-5)


def test_gradients_flow_to_inputs_and_scale():
    q, v, k = (kerasnet.Variable(a) for a in _data())
    layer = layers.Attention(use_scale=True)
    with kerasnet.GradientTape() as tape:
        out = layer([q, v, k], mask=[Q_MASK, V_MASK], use_causal_mask=True)
        loss = kerasnet.ops.sum(kerasnet.ops.square(out))
    grads = tape.gradient(loss, [q, v, k, layer.scale])
    assert all(g is not None for g in grads)
    # Masked value steps get no gradient (their weights are 0 after the softmax).
    gv = np.asarray(grads[1])
    np.testing.assert_allclose(gv[0, 2], 0.0, atol=1e-6)
    np.testing.assert_allclose(gv[0, 4], 0.0, atol=1e-6)


def test_configs():
    layer = layers.Attention(use_scale=True, score_mode="concat", dropout=0.1, seed=3, name="att")
    config = layer.get_config()
    assert {k: config[k] for k in ("use_scale", "score_mode", "dropout", "seed")} == {
        "use_scale": True, "score_mode": "concat", "dropout": 0.1, "seed": 3}
    assert layers.Attention.from_config(config).get_config() == config
    add = layers.AdditiveAttention(use_scale=False, dropout=0.2, seed=5)
    config = add.get_config()
    assert "score_mode" not in config
    assert {k: config[k] for k in ("use_scale", "dropout", "seed")} == {"use_scale": False, "dropout": 0.2,
                                                                        "seed": 5}
    assert layers.AdditiveAttention.from_config(config).get_config() == config


def test_errors():
    q, v, _ = _data()
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="add")
    with pytest.raises(ValueError, match=r"Attention layer must be called on a list of inputs"):
        layers.Attention()(q)
    with pytest.raises(ValueError, match=r"AdditiveAttention layer accepts inputs list of length 2 or 3"):
        layers.AdditiveAttention()([q])
    with pytest.raises(ValueError, match=r"mask must be a list"):
        layers.Attention()([q, v], mask=Q_MASK)
