"""Bidirectional: the generic checks, merge modes against the two sub-layers
run by hand (the backward one on the reversed sequence), states, masks,
naming and config as Keras 3."""

import numpy as np
import pytest

import kerasnet as keras
from kerasnet import layers
from layer_test_utils import run_layer_test


def _built(layer, shape=(2, 5, 4)):
    # A built layer's serialized config carries its build config (as in Keras), so the
    # generic checks, which compare configs before and after the call, wrap built layers.
    layer(np.zeros(shape, "float32"))
    return layer


def _x(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


@pytest.mark.parametrize("merge_mode,width", [("concat", 6), ("sum", 3), ("ave", 3), ("mul", 3)])
def test_generic_checks(merge_mode, width):
    run_layer_test(layers.Bidirectional, {"layer": _built(layers.LSTM(3)), "merge_mode": merge_mode},
                   input_shape=(2, 5, 4), expected_output_shape=(2, width),
                   expected_num_trainable_weights=6, supports_masking=True)


def test_merge_none_and_states():
    run_layer_test(layers.Bidirectional,
                   {"layer": _built(layers.GRU(3, return_sequences=True, return_state=True)),
                    "merge_mode": None},
                   input_shape=(2, 5, 4), expected_output_shape=[(2, 5, 3)] * 2 + [(2, 3)] * 2)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul", None])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_outputs_equal_the_two_directions_by_hand(merge_mode, return_sequences):
    x = _x(3, 6, 4)
    layer = layers.Bidirectional(layers.LSTM(5, return_sequences=return_sequences),
                                 merge_mode=merge_mode)
    out = layer(x)
    fwd = np.asarray(layer.forward_layer(x))
    # The backward layer reads the sequence backwards: the same as a forward
    # copy of it reading the reversed input, and its sequence is flipped back.
    twin = layers.LSTM(5, return_sequences=return_sequences)
    twin(x)
    twin.set_weights(layer.backward_layer.get_weights())
    bwd = np.asarray(twin(x[:, ::-1]))
    if return_sequences:
        bwd = bwd[:, ::-1]
    expected = {"concat": np.concatenate([fwd, bwd], -1), "sum": fwd + bwd, "ave": (fwd + bwd) / 2,
                "mul": fwd * bwd, None: [fwd, bwd]}[merge_mode]
    for got, want in zip(out if merge_mode is None else [out],
                         expected if merge_mode is None else [expected]):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6)


def test_names_weights_and_config_follow_keras():
    layer = layers.Bidirectional(layers.LSTM(3, name="enc"))
    assert layer.forward_layer.name == "forward_enc"
    assert layer.backward_layer.name == "backward_enc"
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards
    layer.build((None, 4, 2))
    assert [tuple(w.shape) for w in layer.weights] == [(2, 12), (3, 12), (12,)] * 2
    config = layer.get_config()
    assert config["layer"]["config"]["name"] == "forward_enc"
    assert config["backward_layer"]["config"]["go_backwards"] is True
    again = layers.Bidirectional.from_config(config)
    assert again.forward_layer.name == "forward_enc" and again.backward_layer.name == "backward_enc"
    # With return_sequences, Keras makes masked steps emit zeros in both directions.
    seq = layers.Bidirectional(layers.GRU(2, return_sequences=True))
    assert seq.forward_layer.zero_output_for_mask and seq.backward_layer.zero_output_for_mask


def test_return_state_and_initial_state():
    x = _x(2, 5, 3)
    layer = layers.Bidirectional(layers.LSTM(4, return_state=True))
    out, fh, fc, bh, bc = layer(x)
    assert out.shape == (2, 8) and fh.shape == (2, 4) and bc.shape == (2, 4)
    np.testing.assert_allclose(np.asarray(out)[:, :4], np.asarray(fh), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(out)[:, 4:], np.asarray(bh), rtol=1e-6)
    states = [_x(2, 4, seed=k) for k in range(4)]
    out2 = layer(x, initial_state=states)[0]
    f_ref = layer.forward_layer(x, initial_state=states[:2])[0]
    np.testing.assert_allclose(np.asarray(out2)[:, :4], np.asarray(f_ref), rtol=1e-5, atol=1e-6)


def test_masks_go_to_both_directions_and_on():
    tokens = np.array([[4, 2, 1, 0, 0], [1, 1, 2, 3, 4]], "int32")
    model = keras.Sequential([
        keras.Input((None,), dtype="int32"), layers.Embedding(6, 3, mask_zero=True),
        layers.Bidirectional(layers.GRU(2, return_sequences=True)),
        layers.Bidirectional(layers.LSTM(2))])
    full = np.asarray(model(tokens))
    short = np.asarray(model(tokens[:1, :3]))
    # The padded sample gives what its unpadded prefix gives.
    np.testing.assert_allclose(full[0], short[0], rtol=1e-5, atol=1e-6)


def test_custom_backward_layer_and_errors():
    layer = layers.Bidirectional(layers.SimpleRNN(3), backward_layer=layers.SimpleRNN(3, go_backwards=True))
    assert layer(_x(2, 4, 2)).shape == (2, 6)
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.SimpleRNN(3), backward_layer=layers.SimpleRNN(3))
    with pytest.raises(ValueError, match="return_sequences"):
        layers.Bidirectional(layers.SimpleRNN(3),
                             backward_layer=layers.SimpleRNN(3, go_backwards=True, return_sequences=True))
    with pytest.raises(ValueError, match="merge mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="Layer"):
        layers.Bidirectional("lstm")


def test_stateful_bidirectional_resets():
    layer = layers.Bidirectional(layers.LSTM(2, stateful=True))
    x = _x(2, 3, 2)
    first = np.asarray(layer(x))
    assert layer.states is not None and len(layer.states) == 4
    assert not np.allclose(first, np.asarray(layer(x)))
    layer.reset_states()
    np.testing.assert_allclose(np.asarray(layer(x)), first, rtol=1e-5, atol=1e-6)
    with pytest.raises(AttributeError, match="stateful"):
        layers.Bidirectional(layers.LSTM(2)).reset_states()
