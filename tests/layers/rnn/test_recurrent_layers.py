"""SimpleRNN, LSTM, GRU, their cells, RNN(cell), StackedRNNCells: the generic
layer checks, numbers against numpy step loops (tests/ops/op_db/rnn.py's
references, written from Keras' equations), the fused engine path against the
cell loop (values and gradients), and Keras 3's options and errors."""

import os
import sys

import numpy as np
import pytest

import kerasnet as keras
from kerasnet import layers
from layer_test_utils import run_layer_test

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "ops"))
from op_db.rnn import ref_gru, ref_lstm, ref_simple_rnn  # noqa: E402

RNG = np.random.default_rng(0)


def _x(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _weights(layer):
    return [np.asarray(w) for w in layer.cell.weights] if hasattr(layer, "cell") else None


# ---- generic checks ----------------------------------------------------------------------
@pytest.mark.parametrize("cls,kwargs,weights", [
    (layers.SimpleRNN, {"units": 3}, [("kernel", (4, 3)), ("recurrent_kernel", (3, 3)), ("bias", (3,))]),
    (layers.LSTM, {"units": 3}, [("kernel", (4, 12)), ("recurrent_kernel", (3, 12)), ("bias", (12,))]),
    (layers.GRU, {"units": 3}, [("kernel", (4, 9)), ("recurrent_kernel", (3, 9)), ("bias", (2, 9))]),
    (layers.GRU, {"units": 3, "reset_after": False},
     [("kernel", (4, 9)), ("recurrent_kernel", (3, 9)), ("bias", (9,))]),
    (layers.LSTM, {"units": 3, "use_bias": False}, [("kernel", (4, 12)), ("recurrent_kernel", (3, 12))]),
])
def test_layer_basics(cls, kwargs, weights):
    run_layer_test(cls, kwargs, input_shape=(2, 5, 4), expected_output_shape=(2, 3),
                   expected_output_dtype="float32", expected_weights=weights,
                   expected_num_non_trainable_weights=0, supports_masking=True)


@pytest.mark.parametrize("cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_return_sequences_and_state(cls):
    n_states = 2 if cls is layers.LSTM else 1
    run_layer_test(cls, {"units": 3, "return_sequences": True, "return_state": True},
                   input_shape=(2, 5, 4), expected_output_shape=[(2, 5, 3)] + [(2, 3)] * n_states)


def _built(cell, input_dim=4):
    # A built cell's serialized config carries its build config (as in Keras), so the
    # generic checks, which compare configs before and after the call, get built cells.
    cell(np.zeros((2, input_dim), "float32"), cell.get_initial_state(2)
         if hasattr(cell, "get_initial_state") else
         [np.zeros((2, s), "float32") for s in np.atleast_1d(cell.state_size)])
    return cell


def test_rnn_with_cells_and_stacked_cells():
    run_layer_test(layers.RNN, {"cell": _built(layers.LSTMCell(3))}, input_shape=(2, 5, 4),
                   expected_output_shape=(2, 3), expected_num_trainable_weights=3)
    stacked = _built(layers.StackedRNNCells([layers.GRUCell(3), layers.SimpleRNNCell(2)]))
    run_layer_test(layers.RNN, {"cell": stacked, "return_sequences": True},
                   input_shape=(2, 5, 4), expected_output_shape=(2, 5, 2),
                   expected_num_trainable_weights=6)
    stacked = _built(layers.StackedRNNCells([layers.LSTMCell(3), layers.LSTMCell(2)]))
    run_layer_test(layers.RNN, {"cell": stacked, "return_state": True},
                   input_shape=(2, 5, 4), expected_output_shape=[(2, 2), (2, 3), (2, 3), (2, 2), (2, 2)])


def test_parameter_counts_match_keras():
    # Keras' summary: LSTM 4(IU + UU + U), GRU(reset_after) 3(IU + UU + 2U), SimpleRNN IU + UU + U.
    for layer, count in [(layers.LSTM(8), 4 * (5 * 8 + 8 * 8 + 8)),
                         (layers.GRU(8), 3 * (5 * 8 + 8 * 8 + 2 * 8)),
                         (layers.GRU(8, reset_after=False), 3 * (5 * 8 + 8 * 8 + 8)),
                         (layers.SimpleRNN(8), 5 * 8 + 8 * 8 + 8)]:
        layer.build((None, 7, 5))
        assert layer.count_params() == count


# ---- numbers ----------------------------------------------------------------------------
def _call_ref(layer, x, mask=None, h0=None):
    cell = layer.cell
    w = _weights(layer)
    kernel, rkernel = w[0], w[1]
    bias = w[2] if len(w) > 2 else None
    B, U = x.shape[0], cell.units
    h = np.zeros((B, U), np.float32) if h0 is None else h0[0]
    opts = dict(go_backwards=layer.go_backwards, zero_output_for_mask=layer.zero_output_for_mask)
    act = cell.activation.__name__
    if isinstance(layer, layers.LSTM):
        c = np.zeros((B, U), np.float32) if h0 is None else h0[1]
        return ref_lstm(x, h, c, kernel, rkernel, bias, mask, activation=act,
                        recurrent_activation=cell.recurrent_activation.__name__, **opts)
    if isinstance(layer, layers.GRU):
        return ref_gru(x, h, kernel, rkernel, bias, mask, activation=act,
                       recurrent_activation=cell.recurrent_activation.__name__,
                       reset_after=cell.reset_after, **opts)
    return ref_simple_rnn(x, h, kernel, rkernel, bias, mask, activation=act, **opts)


LAYER_CASES = [
    (layers.SimpleRNN, {}),
    (layers.SimpleRNN, {"activation": "relu", "go_backwards": True}),
    (layers.LSTM, {}),
    (layers.LSTM, {"go_backwards": True, "recurrent_activation": "hard_sigmoid"}),
    (layers.GRU, {}),
    (layers.GRU, {"reset_after": False, "go_backwards": True}),
]


@pytest.mark.parametrize("cls,kwargs", LAYER_CASES)
@pytest.mark.parametrize("masked", [False, True])
def test_outputs_match_numpy_step_loop(cls, kwargs, masked):
    x = _x(3, 6, 4)
    mask = None
    if masked:
        mask = np.random.default_rng(1).random((3, 6)) > 0.3
        mask[0] = False
    layer = cls(5, return_sequences=True, return_state=True,
                bias_initializer="random_normal", **kwargs)
    outs = layer(x, mask=mask)
    ref = _call_ref(layer, x.astype(np.float64), mask)
    for got, want in zip(outs, ref):
        np.testing.assert_allclose(np.asarray(got), want, rtol=2e-5, atol=2e-5)


def _composite_twin(layer):
    """RNN(cell) with the same cell type and weights: the cell-loop path."""
    config = layer.cell.get_config()
    twin = layers.RNN(type(layer.cell).from_config(config), return_sequences=layer.return_sequences,
                      return_state=layer.return_state, go_backwards=layer.go_backwards,
                      zero_output_for_mask=layer.zero_output_for_mask)
    return twin


@pytest.mark.parametrize("cls,kwargs", LAYER_CASES)
@pytest.mark.parametrize("zero_output", [False, True])
def test_fused_path_matches_cell_loop_values_and_gradients(cls, kwargs, zero_output):
    x = _x(4, 5, 3)
    mask = np.random.default_rng(2).random((4, 5)) > 0.3
    fused = cls(4, return_sequences=True, return_state=True, bias_initializer="random_normal",
                zero_output_for_mask=zero_output, **kwargs)
    fused(x)
    loop = _composite_twin(fused)
    loop(x)
    loop.set_weights(fused.get_weights())
    xv = keras.Variable(x)
    results = []
    for layer in (fused, loop):
        with keras.GradientTape() as tape:
            outs = layer(xv, mask=mask)
            loss = sum(keras.ops.sum(o * (k + 1.5)) for k, o in enumerate(outs))
        grads = tape.gradient(loss, [xv] + layer.trainable_weights)
        results.append(([np.asarray(o) for o in outs], [np.asarray(g) for g in grads]))
    for a, b in zip(results[0][0] + results[0][1], results[1][0] + results[1][1]):
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-5)


def test_go_backwards_returns_the_reversed_sequence():
    x = _x(2, 5, 3)
    fwd = layers.LSTM(4, return_sequences=True)
    fwd(x)
    bwd = layers.LSTM(4, return_sequences=True, go_backwards=True)
    bwd(x)
    bwd.set_weights(fwd.get_weights())
    # Processing the reversed input forwards gives the backward layer's outputs.
    np.testing.assert_allclose(np.asarray(bwd(x)), np.asarray(fwd(x[:, ::-1])), rtol=1e-5, atol=1e-6)


def test_initial_state_and_stateful():
    x = _x(2, 6, 3)
    layer = layers.LSTM(4, return_state=True, bias_initializer="random_normal")
    h0, c0 = _x(2, 4, seed=5), _x(2, 4, seed=6)
    out, h, c = layer(x, initial_state=[h0, c0])
    ref = _call_ref(layer, x.astype(np.float64), h0=[h0, c0])
    np.testing.assert_allclose(np.asarray(h), ref[1], rtol=2e-5, atol=2e-5)
    # Stateful: two halves of the sequence equal the whole; reset_states starts over.
    stateful = layers.LSTM(4, stateful=True)
    stateful.build((2, 6, 3))
    stateful.set_weights(layer.get_weights())
    plain = layers.LSTM(4)
    plain.build((2, 6, 3))
    plain.set_weights(layer.get_weights())
    stateful(x[:, :3])
    second = stateful(x[:, 3:])
    np.testing.assert_allclose(np.asarray(second), np.asarray(plain(x)), rtol=1e-5, atol=1e-6)
    stateful.reset_states()
    np.testing.assert_allclose(np.asarray(stateful(x[:, :3])), np.asarray(plain(x[:, :3])), rtol=1e-5,
                               atol=1e-6)
    assert stateful.get_weights()[0].shape == (3, 16) and len(stateful.get_weights()) == 3
    with pytest.raises(ValueError, match="batch size"):
        stateful(_x(3, 6, 3))
    with pytest.raises(ValueError, match="batch size must be static"):
        layers.GRU(2, stateful=True).build((None, 4, 3))


def test_unit_forget_bias_and_initializers():
    layer = layers.LSTM(3)
    layer.build((None, 2, 4))
    np.testing.assert_array_equal(np.asarray(layer.cell.bias), [0, 0, 0, 1, 1, 1] + [0] * 6)
    layer = layers.LSTM(3, unit_forget_bias=False, bias_initializer="ones")
    layer.build((None, 2, 4))
    np.testing.assert_array_equal(np.asarray(layer.cell.bias), np.ones(12))
    # Keras' default recurrent initializer is orthogonal: (4, 12) has orthonormal rows.
    layer = layers.GRU(4)
    layer.build((None, 2, 3))
    rk = np.asarray(layer.cell.recurrent_kernel)
    assert rk.shape == (4, 12)
    np.testing.assert_allclose(rk @ rk.T, np.eye(4), atol=1e-5)


def test_dropout_masks_are_fixed_over_time_and_match_the_cell_loop():
    x = _x(3, 5, 4)
    fused = layers.LSTM(3, dropout=0.4, seed=7, return_sequences=True)
    fused(x)
    loop = layers.RNN(layers.LSTMCell(3, dropout=0.4, seed=7), return_sequences=True)
    loop(x)
    loop.set_weights(fused.get_weights())
    a = np.asarray(fused(x, training=True))
    b = np.asarray(loop(x, training=True))
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert not np.allclose(a, np.asarray(fused(x, training=False)), atol=1e-3)
    # Inference ignores dropout and recurrent dropout.
    rec = layers.GRU(3, recurrent_dropout=0.5, dropout=0.2)
    rec(x)
    plain = layers.GRU(3)
    plain(x)
    plain.set_weights(rec.get_weights())
    np.testing.assert_allclose(np.asarray(rec(x)), np.asarray(plain(x)), rtol=1e-5, atol=1e-6)
    t1, t2 = np.asarray(rec(x, training=True)), np.asarray(rec(x, training=True))
    assert not np.allclose(t1, t2)


def test_masking_layer_and_embedding_masks_reach_the_rnn():
    x = _x(3, 5, 2)
    x[1, 3:] = 0.0
    x[2, 0] = 0.0
    masked = layers.Masking(0.0)(x)
    mask = np.asarray(masked._keras_mask)
    np.testing.assert_array_equal(mask, np.any(x != 0, axis=-1))
    np.testing.assert_array_equal(np.asarray(masked), x)
    model = keras.Sequential([keras.Input((5, 2)), layers.Masking(0.0),
                              layers.GRU(3, return_sequences=True)])
    out = np.asarray(model(x))
    gru = model.layers[-1]
    ref = _call_ref(gru, x.astype(np.float64), mask)[0]
    np.testing.assert_allclose(out, ref, rtol=2e-5, atol=2e-5)
    # Masked steps keep the carried state.
    np.testing.assert_allclose(out[1, 3], out[1, 2])
    # Embedding(mask_zero) masks through return_sequences into the next RNN.
    tokens = np.array([[3, 1, 0, 0], [2, 2, 2, 1]], "int32")
    model = keras.Sequential([keras.Input((None,), dtype="int32"), layers.Embedding(5, 3, mask_zero=True),
                              layers.LSTM(2, return_sequences=True), layers.SimpleRNN(2)])
    got = np.asarray(model(tokens))
    short = np.asarray(model(tokens[:, :2]))
    np.testing.assert_allclose(got[0], short[0], rtol=1e-5, atol=1e-6)
    run_layer_test(layers.Masking, {"mask_value": 0.0}, input_shape=(2, 3, 4),
                   expected_output_shape=(2, 3, 4), supports_masking=True)


def test_symbolic_initial_state_in_a_functional_model():
    enc, dec = keras.Input((5, 3)), keras.Input((4, 2))
    _, h, c = layers.LSTM(4, return_state=True)(enc)
    y = layers.LSTM(4, return_sequences=True)(dec, initial_state=[h, c])
    model = keras.Model([enc, dec], y)
    a, b = _x(2, 5, 3), _x(2, 4, 2, seed=3)
    out = np.asarray(model([a, b]))
    enc_layer, dec_layer = model.layers[2], model.layers[3]
    _, h_ref, c_ref = _call_ref(enc_layer, a.astype(np.float64))
    ref = _call_ref(dec_layer, b.astype(np.float64), h0=[h_ref, c_ref])[0]
    np.testing.assert_allclose(out, ref, rtol=2e-5, atol=2e-5)
    assert out.shape == (2, 4, 4)


def test_custom_python_cell():
    class MinimalRNNCell(layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                    name="recurrent_kernel")

        def call(self, inputs, states):
            h = keras.ops.matmul(inputs, self.kernel) + keras.ops.matmul(states[0], self.recurrent_kernel)
            return h, [h]

    x = _x(2, 4, 3)
    layer = layers.RNN(MinimalRNNCell(5), return_sequences=True)
    out = np.asarray(layer(x))
    k, r = (np.asarray(w, np.float64) for w in layer.weights)
    h = np.zeros((2, 5))
    for t in range(4):
        h = x[:, t] @ k + h @ r
        np.testing.assert_allclose(out[:, t], h, rtol=1e-5, atol=1e-5)


def test_errors_name_the_layer_and_shapes():
    with pytest.raises(ValueError, match="expected a positive integer"):
        layers.LSTM(0)
    with pytest.raises(ValueError, match="use_cudnn"):
        layers.LSTM(2, use_cudnn="yes")
    with pytest.raises(ValueError, match=r"rank 3|ndim=3|expected ndim"):
        layers.LSTM(2)(_x(2, 3))
    layer = layers.GRU(2)
    with pytest.raises(ValueError, match=r"initial state has shape \(2, 3\), expected \(2, 2\)"):
        layer(_x(2, 4, 3), initial_state=[_x(2, 3)])
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Dense(2))


def test_config_round_trip_keeps_keras_keys():
    layer = layers.GRU(3, reset_after=False, dropout=0.1, recurrent_dropout=0.2, seed=4,
                       return_sequences=True, go_backwards=True, name="g")
    config = layer.get_config()
    for key in ("units", "activation", "recurrent_activation", "reset_after", "dropout",
                "recurrent_dropout", "seed", "return_sequences", "go_backwards", "stateful",
                "unroll", "zero_output_for_mask", "kernel_initializer", "activity_regularizer"):
        assert key in config, key
    assert "cell" not in config
    again = layers.GRU.from_config(config)
    assert again.get_config() == config
    assert "seed" not in layers.SimpleRNN(2).get_config()  # Keras' SimpleRNN has none
    assert again.units == 3 and again.reset_after is False and again.dropout == 0.1
    cfg = layers.RNN(layers.LSTMCell(2), return_state=True).get_config()
    assert cfg["cell"]["class_name"] == "LSTMCell"
    assert layers.RNN.from_config(cfg).get_config() == cfg


def test_fit_trains_a_bilstm_text_model():
    rng = np.random.default_rng(0)
    x = rng.integers(1, 20, (64, 8)).astype("int32")
    y = (x[:, :4].sum(1) > x[:, 4:].sum(1)).astype("float32")[:, None]
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8,), dtype="int32"), layers.Embedding(20, 8),
                              layers.Bidirectional(layers.LSTM(8, return_sequences=True)),
                              layers.Bidirectional(layers.GRU(4)), layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.Adam(0.02), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=25, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
