"""ConvLSTM1D/2D/3D: the generic checks, values against a numpy step loop with a
direct (loop-over-windows) convolution, the batched input-convolution path
against the cell loop (values and gradients), masks, strides/padding/dilation,
configs and errors."""

import itertools

import numpy as np
import pytest

import kerasnet as keras
from kerasnet import layers
from layer_test_utils import run_layer_test


def _x(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _conv_ref(x, w, strides, padding, dilation):
    """Direct N-D convolution, channels_last: x (B, S..., C), w (K..., C, F)."""
    nd = x.ndim - 2
    ks = w.shape[:nd]
    if padding == "same":
        pads = []
        for n, k, s, d in zip(x.shape[1:-1], ks, strides, dilation):
            out = -(-n // s)
            total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
            pads.append((total // 2, total - total // 2))
        x = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    outs = [(n - (k - 1) * d - 1) // s + 1 for n, k, s, d in zip(x.shape[1:-1], ks, strides, dilation)]
    y = np.zeros((x.shape[0],) + tuple(outs) + (w.shape[-1],))
    for pos in itertools.product(*[range(o) for o in outs]):
        acc = 0
        for tap in itertools.product(*[range(k) for k in ks]):
            idx = tuple(p * s + t * d for p, s, t, d in zip(pos, strides, tap, dilation))
            acc = acc + x[(slice(None),) + idx] @ w[tap]
        y[(slice(None),) + pos] = acc
    return y


def _ref(layer, x, mask=None):
    cell = layer.cell
    k, rk = (np.asarray(v, np.float64) for v in (cell.kernel, cell.recurrent_kernel))
    b = np.asarray(cell.bias, np.float64) if cell.bias is not None else 0
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    shape = cell.state_shape(x.shape[0])
    h, c = np.zeros(shape), np.zeros(shape)
    T = x.shape[1]
    ys = []
    one = (1,) * cell.rank
    for t in (range(T - 1, -1, -1) if layer.go_backwards else range(T)):
        z = (_conv_ref(x[:, t].astype(np.float64), k, cell.strides, cell.padding, cell.dilation_rate) + b
             + _conv_ref(h, rk, one, "same", one))
        i, f, g, o = np.split(z, 4, axis=-1)
        c_new = sig(f) * c + sig(i) * np.tanh(g)
        h_new = sig(o) * np.tanh(c_new)
        if mask is not None:
            m = mask[:, t].reshape((-1,) + (1,) * (h.ndim - 1))
            h_new, c_new = np.where(m, h_new, h), np.where(m, c_new, c)
        h, c = h_new, c_new
        ys.append(h)
    return np.stack(ys, 1), h, c


@pytest.mark.parametrize("cls,shape,kwargs,out_shape,kernel", [
    (layers.ConvLSTM1D, (2, 3, 9, 2), {"filters": 3, "kernel_size": 3, "strides": 2}, (2, 4, 3), (3, 2, 12)),
    (layers.ConvLSTM2D, (2, 3, 5, 5, 2), {"filters": 2, "kernel_size": (2, 3), "padding": "same"},
     (2, 5, 5, 2), (2, 3, 2, 8)),
    (layers.ConvLSTM3D, (1, 2, 4, 4, 4, 1), {"filters": 2, "kernel_size": 2}, (1, 3, 3, 3, 2), (2, 2, 2, 1, 8)),
])
def test_generic_checks(cls, shape, kwargs, out_shape, kernel):
    rk = kernel[:-2] + (kwargs["filters"], kernel[-1])
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out_shape,
                   expected_weights=[("kernel", kernel), ("recurrent_kernel", rk), ("bias", (kernel[-1],))],
                   supports_masking=True)


@pytest.mark.parametrize("cls,shape,kwargs", [
    (layers.ConvLSTM1D, (2, 4, 7, 3), {"padding": "same", "dilation_rate": 2}),
    (layers.ConvLSTM1D, (2, 4, 9, 2), {"strides": 2, "go_backwards": True}),
    (layers.ConvLSTM2D, (2, 3, 5, 6, 2), {"padding": "same"}),
    (layers.ConvLSTM2D, (2, 3, 6, 6, 1), {"strides": (2, 1)}),
    (layers.ConvLSTM3D, (1, 2, 4, 4, 3, 2), {"padding": "same", "go_backwards": True}),
])
@pytest.mark.parametrize("masked", [False, True])
def test_outputs_match_numpy_step_loop(cls, shape, kwargs, masked):
    x = _x(*shape)
    mask = None
    if masked:
        mask = np.random.default_rng(3).random(shape[:2]) > 0.4
        mask[0, 0] = False
    layer = cls(3, 3 if cls is not layers.ConvLSTM3D else 2, return_sequences=True, return_state=True,
                bias_initializer="random_normal", **kwargs)
    outs = layer(x, mask=mask)
    ref = _ref(layer, x, mask)
    for got, want in zip(outs, ref):
        np.testing.assert_allclose(np.asarray(got), want, rtol=2e-4, atol=2e-5)


def test_batched_input_convolution_matches_the_cell_loop_with_gradients():
    x = _x(2, 4, 6, 6, 2)
    mask = np.array([[True, False, True, True], [True, True, True, False]])
    layer = layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True, bias_initializer="random_normal")
    layer(x)
    loop = keras.layers.RNN(layer.cell, return_sequences=True)  # the same cell, stepped in Python
    xv = keras.Variable(x)
    results = []
    for run in (layer, loop):
        with keras.GradientTape() as tape:
            y = run(xv, mask=mask)
            loss = keras.ops.sum(y * y)
        grads = tape.gradient(loss, [xv] + layer.trainable_weights)
        results.append([np.asarray(y)] + [np.asarray(g) for g in grads])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_dropout_runs_the_cell_loop_and_inference_ignores_it():
    x = _x(2, 3, 5, 5, 2)
    layer = layers.ConvLSTM2D(2, 3, dropout=0.3, recurrent_dropout=0.3, seed=1)
    plain = layers.ConvLSTM2D(2, 3)
    np.asarray(layer(x))
    plain(x)
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(layer(x)), np.asarray(plain(x)), rtol=1e-5, atol=1e-6)
    assert not np.allclose(np.asarray(layer(x, training=True)), np.asarray(plain(x)))


def test_config_round_trip_and_attributes():
    layer = layers.ConvLSTM2D(4, (3, 2), strides=(1, 2), padding="same", dropout=0.1, seed=3,
                              return_sequences=True, name="clstm")
    config = layer.get_config()
    for key in ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                "unit_forget_bias", "recurrent_activation", "seed", "return_sequences", "stateful"):
        assert key in config, key
    assert "cell" not in config and "rank" not in config
    again = layers.ConvLSTM2D.from_config(config)
    assert again.get_config() == config
    assert again.filters == 4 and again.kernel_size == (3, 2) and again.strides == (1, 2)
    assert layer.name == "clstm" and layers.ConvLSTM1D(2, 2).name.startswith("conv_lstm1d")


def test_errors():
    with pytest.raises(ValueError, match="strides > 1"):
        layers.ConvLSTM2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="filters"):
        layers.ConvLSTM2D(0, 3)
    with pytest.raises(ValueError, match=r"rank|ndim"):
        layers.ConvLSTM2D(2, 3)(_x(2, 3, 5, 2))
    with pytest.raises(ValueError, match="padding"):
        layers.ConvLSTM1D(2, 3, padding="causal")
