"""The fused recurrent ops (simple_rnn, lstm, gru) against numpy step loops
written from Keras' cell equations, and their gradients against central finite
differences in float64: every option the kernels take (masks, go_backwards,
zero_output_for_mask, GRU reset_after both ways, each activation)."""

import numpy as np
import pytest

import kerasnet as keras
from kerasnet.ops import rnn as rnn_ops

from op_db.rnn import ref_gru, ref_lstm, ref_simple_rnn  # noqa: E402


def _inputs(cell, B, T, I, U, dtype, rng, bias=True, reset_after=True, masked=False):
    G = {"simple_rnn": 1, "lstm": 4, "gru": 3}[cell]
    d = {
        "x": rng.normal(size=(B, T, I)),
        "h0": rng.normal(size=(B, U)) * 0.5,
        "kernel": rng.normal(size=(I, G * U)) * 0.4,
        "recurrent_kernel": rng.normal(size=(U, G * U)) * 0.4,
    }
    if cell == "lstm":
        d["c0"] = rng.normal(size=(B, U)) * 0.5
    if bias:
        shape = (2, G * U) if cell == "gru" and reset_after else (G * U,)
        d["bias"] = rng.normal(size=shape) * 0.3
    d = {k: v.astype(dtype) for k, v in d.items()}
    d["bias"] = d.get("bias")
    mask = None
    if masked:
        mask = rng.random((B, T)) > 0.35
        mask[0, :] = False  # a sample with no step at all
        mask[-1, :] = True
    d["mask"] = mask
    return d


def _run(cell, d, **opts):
    if cell == "simple_rnn":
        opts.pop("recurrent_activation", None)
        args = (d["x"], d["h0"], d["kernel"], d["recurrent_kernel"], d["bias"], d["mask"])
        return rnn_ops.simple_rnn(*args, **opts), ref_simple_rnn(*args, **opts)
    if cell == "lstm":
        args = (d["x"], d["h0"], d["c0"], d["kernel"], d["recurrent_kernel"], d["bias"], d["mask"])
        return rnn_ops.lstm(*args, **opts), ref_lstm(*args, **opts)
    args = (d["x"], d["h0"], d["kernel"], d["recurrent_kernel"], d["bias"], d["mask"])
    return rnn_ops.gru(*args, **opts), ref_gru(*args, **opts)


CASES = [
    ("simple_rnn", {}),
    ("simple_rnn", {"activation": "relu"}),
    ("lstm", {}),
    ("lstm", {"activation": "relu", "recurrent_activation": "hard_sigmoid"}),
    ("gru", {}),
    ("gru", {"reset_after": False}),
    ("gru", {"activation": "linear", "recurrent_activation": "hard_sigmoid"}),
]


@pytest.mark.parametrize("cell,opts", CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("masked,zero_output", [(False, False), (True, False), (True, True)])
def test_forward_matches_numpy_loop(cell, opts, dtype, go_backwards, masked, zero_output):
    rng = np.random.default_rng(len(cell) + go_backwards * 7 + masked * 3)
    opts = dict(opts, go_backwards=go_backwards, zero_output_for_mask=zero_output)
    reset_after = opts.get("reset_after", True)
    # 19 units: full vectors and a partial tail on every ISA level.
    d = _inputs(cell, 4, 6, 5, 19, dtype, rng, reset_after=reset_after, masked=masked)
    got, ref = _run(cell, d, **opts)
    assert len(got) == len(ref)
    tol = 2e-5 if dtype == "float32" else 1e-12
    for g, r in zip(got, ref):
        assert g.dtype == dtype
        np.testing.assert_allclose(np.asarray(g), r, rtol=tol, atol=tol)


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
def test_without_bias_and_edge_sizes(cell):
    rng = np.random.default_rng(3)
    for B, T in [(1, 1), (2, 0), (0, 3)]:
        d = _inputs(cell, B, T, 3, 4, "float64", rng, bias=False)
        got, ref = _run(cell, d)
        for g, r in zip(got, ref):
            assert tuple(g.shape) == r.shape
            np.testing.assert_allclose(np.asarray(g), r, atol=1e-12)


def _loss_and_grads(cell, d, names, weights, opts):
    tensors = {k: keras.Variable(v, dtype=v.dtype.name) for k, v in d.items() if k in names}
    args = {k: tensors.get(k, v) for k, v in d.items()}
    with keras.GradientTape() as tape:
        outs = _call(cell, args, opts)
        loss = sum(keras.ops.sum(o * w) for o, w in zip(outs, weights))
    grads = tape.gradient(loss, [tensors[k] for k in names])
    return float(loss), [np.asarray(g) for g in grads]


def _call(cell, d, opts):
    opts = dict(opts)
    if cell == "simple_rnn":
        opts.pop("recurrent_activation", None)
        return rnn_ops.simple_rnn(d["x"], d["h0"], d["kernel"], d["recurrent_kernel"],
                                  d["bias"], d["mask"], **opts)
    if cell == "lstm":
        return rnn_ops.lstm(d["x"], d["h0"], d["c0"], d["kernel"], d["recurrent_kernel"],
                            d["bias"], d["mask"], **opts)
    return rnn_ops.gru(d["x"], d["h0"], d["kernel"], d["recurrent_kernel"], d["bias"],
                       d["mask"], **opts)


@pytest.mark.parametrize("cell,opts", CASES)
@pytest.mark.parametrize("go_backwards,masked,zero_output",
                         [(False, False, False), (True, True, False), (False, True, True)])
def test_gradients_match_finite_differences(cell, opts, go_backwards, masked, zero_output):
    rng = np.random.default_rng(11)
    opts = dict(opts, go_backwards=go_backwards, zero_output_for_mask=zero_output)
    d = _inputs(cell, 3, 4, 3, 5, "float64", rng, reset_after=opts.get("reset_after", True),
                masked=masked)
    names = [k for k in ("x", "h0", "c0", "kernel", "recurrent_kernel", "bias") if d.get(k) is not None]
    n_out = 3 if cell == "lstm" else 2
    weights = [rng.normal(size=s) for s in
               [(3, 4, 5), (3, 5), (3, 5)][:n_out]]
    _, grads = _loss_and_grads(cell, d, names, weights, opts)
    eps = 1e-6
    for name, g in zip(names, grads):
        fd = np.zeros_like(d[name])
        for idx in np.ndindex(d[name].shape):
            plus, minus = dict(d), dict(d)
            plus[name] = d[name].copy()
            minus[name] = d[name].copy()
            plus[name][idx] += eps
            minus[name][idx] -= eps
            lp = sum(float(np.sum(np.asarray(o) * w)) for o, w in zip(_call(cell, plus, opts), weights))
            lm = sum(float(np.sum(np.asarray(o) * w)) for o, w in zip(_call(cell, minus, opts), weights))
            fd[idx] = (lp - lm) / (2 * eps)
        np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-7, err_msg=f"{cell} {opts} d{name}")


def test_bad_arguments_raise_clear_errors():
    rng = np.random.default_rng(0)
    d = _inputs("lstm", 2, 3, 4, 5, "float32", rng)
    with pytest.raises(ValueError, match=r"lstm: expected inputs of rank 3"):
        rnn_ops.lstm(d["x"][0], d["h0"], d["c0"], d["kernel"], d["recurrent_kernel"], d["bias"], None)
    with pytest.raises(ValueError, match=r"lstm: expected a kernel of shape \(4, 20\)"):
        rnn_ops.lstm(d["x"], d["h0"], d["c0"], d["kernel"][:3], d["recurrent_kernel"], d["bias"], None)
    with pytest.raises(ValueError, match=r"expected an initial cell state of shape \(2, 5\)"):
        rnn_ops.lstm(d["x"], d["h0"], d["c0"][:1], d["kernel"], d["recurrent_kernel"], d["bias"], None)
    with pytest.raises(ValueError, match=r"expected a mask of shape \(2, 3\)"):
        rnn_ops.lstm(d["x"], d["h0"], d["c0"], d["kernel"], d["recurrent_kernel"], d["bias"],
                     np.ones((2, 4), bool))
    with pytest.raises(TypeError, match="one dtype"):
        rnn_ops.lstm(d["x"], d["h0"].astype("float64"), d["c0"], d["kernel"], d["recurrent_kernel"],
                     d["bias"], None)
    with pytest.raises(ValueError, match="activation"):
        rnn_ops.lstm(d["x"], d["h0"], d["c0"], d["kernel"], d["recurrent_kernel"], d["bias"], None,
                     activation="swish")
    g = _inputs("gru", 2, 3, 4, 5, "float32", rng, reset_after=True)
    with pytest.raises(ValueError, match=r"expected a bias of shape \(15\)"):
        rnn_ops.gru(g["x"], g["h0"], g["kernel"], g["recurrent_kernel"], g["bias"], None,
                    reset_after=False)
