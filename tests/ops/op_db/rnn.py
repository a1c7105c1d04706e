"""simple_rnn, lstm, gru (whole sequences) and their backward kernels.

The references are numpy step loops written from Keras' cell equations and
Keras 3's rnn loop; the *_backward entries run the forward op under a tape and
compare its gradients with central differences of the numpy reference.
"""

import numpy as np
import kerasnet
from kerasnet.ops import rnn as rnn_ops

from op_db.core import C, Arg, OpEntry, Sample, _add, central_differences, reference

ACTS = {
    "tanh": np.tanh,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "relu": lambda x: np.maximum(x, 0),
    "linear": lambda x: x,
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),
}


def _loop(step, x, states, mask, go_backwards, zero_output):
    """Keras 3's rnn loop (JAX/numpy backends): masked steps keep the states
    and emit the carried state (or zeros); outputs in processing order."""
    T = x.shape[1]
    ys = []
    for t in (range(T - 1, -1, -1) if go_backwards else range(T)):
        new = step(x[:, t], states)
        if mask is not None:
            m = mask[:, t:t + 1]
            new = [np.where(m, n, s) for n, s in zip(new, states)]
            y = np.where(m, new[0], 0) if zero_output else new[0]
        else:
            y = new[0]
        states = new
        ys.append(y)
    return [np.stack(ys, 1) if ys else np.zeros(x.shape[:2] + (states[0].shape[1],))] + states


def ref_simple_rnn(x, h0, W, R, b, mask, activation="tanh", go_backwards=False,
                   zero_output_for_mask=False):
    act = ACTS[activation]
    bias = 0 if b is None else b
    return _loop(lambda xt, s: [act(xt @ W + s[0] @ R + bias)], x, [h0], mask,
                 go_backwards, zero_output_for_mask)


def ref_lstm(x, h0, c0, W, R, b, mask, activation="tanh", recurrent_activation="sigmoid",
             go_backwards=False, zero_output_for_mask=False):
    act, ract = ACTS[activation], ACTS[recurrent_activation]
    bias = 0 if b is None else b
    U = h0.shape[1]

    def step(xt, s):
        z = xt @ W + s[0] @ R + bias
        i, f = ract(z[:, :U]), ract(z[:, U:2 * U])
        g, o = act(z[:, 2 * U:3 * U]), ract(z[:, 3 * U:])
        c = f * s[1] + i * g
        return [o * act(c), c]

    return _loop(step, x, [h0, c0], mask, go_backwards, zero_output_for_mask)


def ref_gru(x, h0, W, R, b, mask, activation="tanh", recurrent_activation="sigmoid",
            go_backwards=False, zero_output_for_mask=False, reset_after=True):
    act, ract = ACTS[activation], ACTS[recurrent_activation]
    U = h0.shape[1]
    if b is None:
        b_in = b_rec = 0
    elif reset_after:
        b_in, b_rec = b[0], b[1]
    else:
        b_in, b_rec = b, 0

    def step(xt, s):
        h = s[0]
        p = xt @ W + b_in
        if reset_after:
            q = h @ R + b_rec
            z = ract(p[:, :U] + q[:, :U])
            r = ract(p[:, U:2 * U] + q[:, U:2 * U])
            g = act(p[:, 2 * U:] + r * q[:, 2 * U:])
        else:
            z = ract(p[:, :U] + h @ R[:, :U])
            r = ract(p[:, U:2 * U] + h @ R[:, U:2 * U])
            g = act(p[:, 2 * U:] + (r * h) @ R[:, 2 * U:])
        return [z * h + (1 - z) * g]

    return _loop(step, x, [h0], mask, go_backwards, zero_output_for_mask)



REFS = {"simple_rnn": ref_simple_rnn, "lstm": ref_lstm, "gru": ref_gru}
FUSED = {"simple_rnn": rnn_ops.simple_rnn, "lstm": rnn_ops.lstm, "gru": rnn_ops.gru}
GATES = {"simple_rnn": 1, "lstm": 4, "gru": 3}


def _args(cell, rng, dt, B, T, I, U, layout=C, bias=True, reset_after=True, mask=None):
    G = GATES[cell]
    r = lambda *s, scale=0.5: Arg((rng.normal(size=s) * scale).astype(dt))
    args = [Arg(rng.normal(size=(B, T, I)).astype(dt), layout), r(B, U)]
    if cell == "lstm":
        args.append(r(B, U))
    args += [r(I, G * U), r(U, G * U, scale=0.4)]
    if bias:
        args.append(r(2, G * U, scale=0.3) if cell == "gru" and reset_after else r(G * U, scale=0.3))
    else:
        args.append(None)
    args.append(None if mask is None else Arg(mask))
    return tuple(args)


def _mask(rng, B, T):
    m = rng.random((B, T)) > 0.35
    m[0, :] = False
    return m


def _samples(cell):
    def make(rng):
        out = []
        extra = [{}] if cell != "gru" else [{}, {"reset_after": False}]
        for dt in ("float32", "float64"):
            for kw in extra:
                ra = kw.get("reset_after", True)
                out.append(Sample(_args(cell, rng, dt, 3, 5, 4, 19, reset_after=ra), kw, dt))
                out.append(Sample(_args(cell, rng, dt, 3, 5, 4, 7, reset_after=ra,
                                        mask=_mask(rng, 3, 5)),
                                  dict(kw, go_backwards=True), f"{dt}-masked-backwards"))
        f = "float32"
        out += [
            Sample(_args(cell, rng, f, 2, 4, 3, 8, layout="transposed"), {}, "transposed-x"),
            Sample(_args(cell, rng, f, 2, 4, 3, 8, layout="sliced", bias=False), {}, "no-bias"),
            Sample(_args(cell, rng, f, 3, 4, 3, 5, mask=_mask(rng, 3, 4)),
                   {"zero_output_for_mask": True}, "zero-output"),
            Sample(_args(cell, rng, f, 2, 0, 3, 5), {}, "no-steps"),
            Sample(_args(cell, rng, f, 0, 3, 3, 5), {}, "empty-batch"),
            Sample(_args(cell, rng, f, 2, 3, 3, 5), {"activation": "relu"}, "relu"),
        ]
        return out
    return make


def _grad_samples(cell):
    def make(rng):
        d = "float64"
        kws = [{}, {"reset_after": False}] if cell == "gru" else [{}]
        out = []
        for kw in kws:
            ra = kw.get("reset_after", True)
            out.append(Sample(_args(cell, rng, d, 2, 3, 1, 2, reset_after=ra), kw, "plain"))
            out.append(Sample(_args(cell, rng, d, 2, 3, 1, 2, reset_after=ra, mask=_mask(rng, 2, 3)),
                              dict(kw, go_backwards=True), "masked-backwards"))
        return out
    return make


def _output_weights(outs):
    """Fixed, distinct weights for each output, so a sum of outputs reaches every gradient."""
    return [np.cos(np.arange(int(np.prod(o.shape))).reshape(tuple(o.shape)) * 0.7 + k)
            for k, o in enumerate(outs)]


def _backward_fn(cell):
    fused = FUSED[cell]

    def fn(*args, **kwargs):
        # Float tensors are watched; anything else (masks, None, bad values) goes to the op as
        # it is, so the op's own checks answer.
        watched = [a for a in args if kerasnet.ops.is_tensor(a)
                   and a.dtype in ("float32", "float64")]
        with kerasnet.GradientTape() as tape:
            tape.watch(watched)
            outs = fused(*args, **kwargs)
            loss = sum(kerasnet.ops.sum(o * w.astype(o.dtype))
                       for o, w in zip(outs, _output_weights(outs)))
        return tape.gradient(loss, watched)
    return fn


def _backward_ref(cell):
    ref = REFS[cell]

    def fd(*args, **kwargs):
        def loss(xs):
            outs = ref(*xs, **kwargs)
            return sum(float(np.sum(o * w)) for o, w in zip(outs, _output_weights(outs)))

        return central_differences(loss, args)
    return fd


def _backward_samples(cell):
    def make(rng):
        out = []
        kws = [{}, {"reset_after": False}] if cell == "gru" else [{}]
        for kw in kws:
            ra = kw.get("reset_after", True)
            out.append(Sample(_args(cell, rng, "float64", 2, 3, 2, 3, reset_after=ra), kw, "plain"))
            out.append(Sample(_args(cell, rng, "float64", 2, 3, 2, 3, reset_after=ra,
                                    mask=_mask(rng, 2, 3)),
                              dict(kw, go_backwards=True, zero_output_for_mask=True), "masked"))
        return out
    return make


for _cell in ("simple_rnn", "lstm", "gru"):
    _add(OpEntry(_cell, FUSED[_cell], _samples(_cell), reference(REFS[_cell]),
                 grad_samples=_grad_samples(_cell), rtol={"float32": 3e-5},
                 atol={"float32": 3e-5}, gradgrad=False,
                 optional_args=(4, 5) if _cell != "lstm" else (5, 6)))
    _add(OpEntry(f"{_cell}_backward", _backward_fn(_cell), _backward_samples(_cell),
                 reference(_backward_ref(_cell)), rtol={"float64": 1e-6}, atol={"float64": 1e-8},
                 optional_args=(4, 5) if _cell != "lstm" else (5, 6),
                 grad=None,
                 nograd=f"the gradient kernel of {_cell}, run by its gradient rule; "
                        "checked here against finite differences of the numpy reference"))
