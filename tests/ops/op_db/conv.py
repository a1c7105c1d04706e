"""Convolutions (grouped, depthwise) and their backprop ops, against direct numpy loops."""

import numpy as np
from kerasnet import _C

from op_db.core import (
    FLOATS,
    Arg,
    OpEntry,
    Sample,
    _add,
    rand,
    reference,
    rule_float,
)

LINEAR, RELU = _C.FusedActivation.linear, _C.FusedActivation.relu


# ---------------------------------------------------------------------------------------------
# conv (channels_last: x [N, S..., C], kernel [K..., C/groups, F]; pads (before, after) per axis)
# ---------------------------------------------------------------------------------------------
def _conv_geometry(x_shape, w_shape, strides, pads, dilation):
    nd = len(x_shape) - 2
    k = w_shape[:nd]
    out = [(x_shape[1 + i] + pads[2 * i] + pads[2 * i + 1] - ((k[i] - 1) * dilation[i] + 1))
           // strides[i] + 1 for i in range(nd)]
    return nd, k, out


def _conv_windows(nd, kidx, out, strides, dilation):
    """The strided window of the padded input that kernel offset `kidx` multiplies."""
    return (slice(None),) + tuple(
        slice(kidx[i] * dilation[i], kidx[i] * dilation[i] + (out[i] - 1) * strides[i] + 1,
              strides[i]) for i in range(nd)) + (slice(None),)


def _conv_ref(x, w, strides, pads, dilation, groups=1):
    x, w = np.asarray(x, np.float64), np.asarray(w, np.float64)
    nd, k, out = _conv_geometry(x.shape, w.shape, strides, pads, dilation)
    xp = np.pad(x, [(0, 0)] + [(pads[2 * i], pads[2 * i + 1]) for i in range(nd)] + [(0, 0)])
    cg, f = w.shape[nd], w.shape[nd + 1]
    fg = f // groups
    y = np.zeros((x.shape[0], *out, f))
    for kidx in np.ndindex(*k):
        patch = xp[_conv_windows(nd, kidx, out, strides, dilation)]
        for g in range(groups):
            y[..., g * fg:(g + 1) * fg] += (patch[..., g * cg:(g + 1) * cg]
                                            @ w[kidx][:, g * fg:(g + 1) * fg])
    return y


def _conv_backprop_input_ref(dy, w, x_shape, strides, pads, dilation, groups=1):
    dy, w = np.asarray(dy, np.float64), np.asarray(w, np.float64)
    nd, k, out = _conv_geometry(x_shape, w.shape, strides, pads, dilation)
    padded = [x_shape[0]] + [x_shape[1 + i] + pads[2 * i] + pads[2 * i + 1] for i in range(nd)]
    dxp = np.zeros(padded + [x_shape[-1]])
    cg, f = w.shape[nd], w.shape[nd + 1]
    fg = f // groups
    for kidx in np.ndindex(*k):
        win = _conv_windows(nd, kidx, out, strides, dilation)
        for g in range(groups):
            dxp[win][..., g * cg:(g + 1) * cg] += (dy[..., g * fg:(g + 1) * fg]
                                                   @ w[kidx][:, g * fg:(g + 1) * fg].T)
    crop = (slice(None),) + tuple(slice(pads[2 * i], pads[2 * i] + x_shape[1 + i])
                                  for i in range(nd)) + (slice(None),)
    return dxp[crop]


def _conv_backprop_filter_ref(x, dy, w_shape, strides, pads, dilation, groups=1):
    x, dy = np.asarray(x, np.float64), np.asarray(dy, np.float64)
    nd, k, out = _conv_geometry(x.shape, w_shape, strides, pads, dilation)
    xp = np.pad(x, [(0, 0)] + [(pads[2 * i], pads[2 * i + 1]) for i in range(nd)] + [(0, 0)])
    cg, f = w_shape[nd], w_shape[nd + 1]
    fg = f // groups
    dw = np.zeros(w_shape)
    for kidx in np.ndindex(*k):
        patch = xp[_conv_windows(nd, kidx, out, strides, dilation)]
        for g in range(groups):
            a = patch[..., g * cg:(g + 1) * cg].reshape(-1, cg)
            b = dy[..., g * fg:(g + 1) * fg].reshape(-1, fg)
            dw[kidx][:, g * fg:(g + 1) * fg] = a.T @ b
    return dw


# (x shape, kernel shape, strides, pads, dilation, groups, name)
_CONV_CASES = [
    ((2, 6, 6, 3), (3, 3, 3, 4), (1, 1), (0, 0, 0, 0), (1, 1), 1, "2d-valid"),
    ((2, 6, 7, 3), (3, 3, 3, 4), (1, 1), (1, 1, 1, 1), (1, 1), 1, "2d-same"),
    ((1, 7, 8, 2), (3, 2, 2, 3), (2, 3), (1, 0, 0, 2), (1, 1), 1, "2d-strided-asym-pad"),
    ((1, 9, 9, 2), (3, 3, 2, 2), (1, 2), (2, 2, 0, 1), (2, 3), 1, "2d-dilated"),
    ((2, 5, 5, 4), (3, 3, 2, 6), (1, 1), (1, 1, 1, 1), (1, 1), 2, "2d-groups"),
    ((2, 5, 5, 4), (3, 3, 1, 4), (1, 1), (1, 1, 1, 1), (1, 1), 4, "2d-depthwise"),
    ((2, 5, 5, 8), (1, 1, 8, 5), (1, 1), (0, 0, 0, 0), (1, 1), 1, "2d-1x1"),
    # 1x1 as plain GEMMs: groups offset A, B and C; the input gradient reads w transposed.
    ((2, 7, 9, 24), (1, 1, 12, 80), (1, 1), (0, 0, 0, 0), (1, 1), 2, "2d-1x1-groups"),
    ((2, 9, 11, 40), (1, 1, 40, 70), (1, 1), (0, 0, 0, 0), (1, 1), 1, "2d-1x1-blocked"),
    ((3, 10, 4), (3, 4, 5), (1,), (2, 0), (1,), 1, "1d-causal"),
    ((2, 9, 3), (2, 3, 2), (3,), (0, 0), (2,), 1, "1d-strided-dilated"),
    ((1, 4, 5, 3, 2), (2, 2, 2, 2, 3), (1, 2, 1), (0, 1, 1, 0, 1, 1), (1, 1, 1), 1, "3d"),
    ((0, 5, 5, 2), (3, 3, 2, 2), (1, 1), (1, 1, 1, 1), (1, 1), 1, "empty-batch"),
    ((4, 17, 19, 16), (3, 3, 16, 24), (1, 1), (1, 1, 1, 1), (1, 1), 1, "larger"),
    # Few channels: tiles along output rows read windows STEP floats apart (conv_tile_row), with
    # partial tiles at row ends and padded tiles on the slow path; steps 3, 2 (stride) and 2 (1d).
    ((2, 5, 30, 3), (3, 3, 3, 40), (1, 1), (0, 0, 1, 1), (1, 1), 1, "2d-three-channels-rows"),
    ((1, 6, 40, 1), (2, 3, 1, 33), (1, 2), (0, 0, 0, 0), (1, 1), 1, "2d-one-channel-stride-2"),
    ((2, 30, 2), (3, 2, 5), (1,), (0, 0), (1,), 1, "1d-two-channels-rows"),
    # Padding wider than the kernel: whole tiles of positions that read only padding.
    ((1, 3, 3, 2), (1, 1, 2, 3), (1, 1), (2, 2, 2, 2), (1, 1), 1, "2d-padding-only-tiles"),
    # 32 channels: filter-gradient tiles of 8 channels (AVX-512), filters in a partial panel.
    ((2, 6, 7, 32), (3, 3, 32, 40), (1, 1), (1, 1, 1, 1), (1, 1), 1, "channels-32"),
    # One input channel (a first layer): filter gradient tiles of (tap, channel) rows, two
    # filter panels, padding on both sides of a strided row.
    ((2, 9, 23, 1), (3, 5, 1, 40), (1, 2), (1, 1, 2, 2), (1, 1), 1, "2d-one-channel"),
    # Kernel wider than the padded-in input row: no column where every tap is inside.
    ((1, 4, 3, 2), (3, 5, 2, 3), (1, 1), (1, 1, 3, 3), (1, 1), 1, "2d-kernel-wider-than-input"),
]


def _conv_samples(kind):
    def make(rng):
        out = []
        for xs, ws, st, pd, dl, gr, name in _CONV_CASES:
            _, _, osz = _conv_geometry(xs, ws, st, pd, dl)
            ys = (xs[0], *osz, ws[-1])
            for dt in (FLOATS if name == "2d-same" else ("float32",)):
                x, w = rand(rng, xs, dt, -1, 1), rand(rng, ws, dt, -1, 1)
                dy = rand(rng, ys, dt, -1, 1)
                geo = (list(st), list(pd), list(dl), gr)
                layout = "transposed" if name in ("2d-valid", "1d-causal") else "contiguous"
                if kind == "conv":
                    args = (Arg(x, layout), Arg(w)) + geo
                elif kind == "conv_backprop_input":
                    args = (Arg(dy, layout), Arg(w), xs) + geo
                else:
                    args = (Arg(x), Arg(dy, layout), ws) + geo
                out.append(Sample(args, {}, f"{name}-{dt}" if dt != "float32" else name))
        return out

    return make


def _conv_grad_samples(kind):
    cases = [
        ((1, 3, 4, 2), (2, 2, 2, 2), (1, 1), (1, 0, 0, 1), (1, 1), 1, "2d"),
        ((1, 5, 4, 2), (2, 2, 1, 2), (2, 1), (0, 1, 1, 1), (1, 2), 2, "2d-groups-strided"),
        ((2, 5, 2), (3, 2, 2), (1,), (2, 0), (1,), 1, "1d"),
        ((1, 3, 3, 3, 1), (2, 2, 2, 1, 2), (1, 1, 1), (0, 0, 0, 1, 0, 0), (1, 1, 1), 1, "3d"),
    ]

    def make(rng):
        out = []
        for xs, ws, st, pd, dl, gr, name in cases:
            _, _, osz = _conv_geometry(xs, ws, st, pd, dl)
            ys = (xs[0], *osz, ws[-1])
            x, w, dy = (rand(rng, s, "float64", -1, 1) for s in (xs, ws, ys))
            geo = (list(st), list(pd), list(dl), gr)
            if kind == "conv":
                args = (Arg(x, "transposed"), Arg(w)) + geo
            elif kind == "conv_backprop_input":
                args = (Arg(dy), Arg(w, "transposed"), xs) + geo
            else:
                args = (Arg(x), Arg(dy, "transposed"), ws) + geo
            out.append(Sample(args, {}, name))
        return out

    return make


for _name, _ref in [("conv", _conv_ref), ("conv_backprop_input", _conv_backprop_input_ref),
                    ("conv_backprop_filter", _conv_backprop_filter_ref)]:
    _add(OpEntry(_name, getattr(_C, _name), _conv_samples(_name), reference(_ref), rule_float,
                 grad_samples=_conv_grad_samples(_name), rtol={"float32": 1e-4},
                 atol={"float32": 1e-5}))


# conv_bias_act: relu(conv(x, w) + b) in one pass; every conv case, with and without a bias.
def _conv_bias_act_ref(x, w, b, activation, strides, pads, dilation, groups=1):
    y = _conv_ref(x, w, strides, pads, dilation, groups)
    if b is not None:
        y = y + b
    return np.maximum(y, 0) if activation == RELU else y


def _conv_bias_act_samples(rng):
    out = []
    for i, (xs, ws, st, pd, dl, gr, name) in enumerate(_CONV_CASES):
        for dt in (FLOATS if name == "2d-same" else ("float32",)):
            x, w = rand(rng, xs, dt, -1, 1), rand(rng, ws, dt, -1, 1)
            bias = Arg(rand(rng, (ws[-1],), dt, -1, 1)) if i % 3 != 2 else None
            act = RELU if i % 2 == 0 else LINEAR
            args = (Arg(x), Arg(w), bias, act, list(st), list(pd), list(dl), gr)
            out.append(Sample(args, {}, f"{name}-{dt}" if dt != "float32" else name))
    return out


def _conv_bias_act_grad_samples(rng):
    d = "float64"
    out = []
    for xs, ws, st, pd, dl, gr, name, act, with_bias in [
        ((1, 3, 4, 2), (2, 2, 2, 3), (1, 1), (1, 0, 0, 1), (1, 1), 1, "2d-relu", RELU, True),
        ((1, 5, 4, 2), (2, 2, 1, 2), (2, 1), (0, 1, 1, 1), (1, 2), 2, "2d-groups-linear", LINEAR, True),
        ((2, 5, 2), (3, 2, 2), (1,), (2, 0), (1,), 1, "1d-relu-no-bias", RELU, False),
    ]:
        bias = Arg(rand(rng, (ws[-1],), d)) if with_bias else None
        out.append(Sample((Arg(rand(rng, xs, d)), Arg(rand(rng, ws, d)), bias, act, list(st), list(pd), list(dl),
                           gr), {}, name))
    return out


_add(OpEntry("conv_bias_act", _C.conv_bias_act, _conv_bias_act_samples, reference(_conv_bias_act_ref),
             rule_float, grad_samples=_conv_bias_act_grad_samples, rtol={"float32": 1e-4},
             atol={"float32": 1e-5}, optional_args=(2,)))


# ---------------------------------------------------------------------------------------------
# depthwise conv: x [N, S..., C], kernel [K..., C, M] -> [N, O..., C*M]; a grouped conv with
# groups = C and the kernel laid out [K..., 1, C*M] (the references reuse conv's)
# ---------------------------------------------------------------------------------------------
def _as_grouped(w_shape):
    return tuple(w_shape[:-2]) + (1, w_shape[-2] * w_shape[-1])


def _depthwise_ref(x, w, strides, pads, dilation):
    return _conv_ref(x, np.reshape(w, _as_grouped(w.shape)), strides, pads, dilation,
                     groups=x.shape[-1])


def _depthwise_backprop_input_ref(dy, w, x_shape, strides, pads, dilation):
    return _conv_backprop_input_ref(dy, np.reshape(w, _as_grouped(w.shape)), x_shape, strides,
                                    pads, dilation, groups=x_shape[-1])


def _depthwise_backprop_filter_ref(x, dy, w_shape, strides, pads, dilation):
    dw = _conv_backprop_filter_ref(x, dy, _as_grouped(w_shape), strides, pads, dilation,
                                   groups=x.shape[-1])
    return dw.reshape(w_shape)


# (x shape, kernel shape [K..., C, M], strides, pads, dilation, name)
_DEPTHWISE_CASES = [
    ((2, 6, 6, 3), (3, 3, 3, 1), (1, 1), (1, 1, 1, 1), (1, 1), "2d-same"),
    ((2, 7, 6, 3), (3, 2, 3, 2), (2, 1), (0, 1, 1, 0), (1, 2), "2d-multiplier-strided"),
    ((1, 9, 4), (3, 4, 3), (1,), (2, 0), (2,), "1d-dilated"),
    ((1, 4, 4, 3, 2), (2, 2, 2, 2, 1), (1, 1, 2), (0, 1, 0, 1, 1, 0), (1, 1, 1), "3d"),
    ((0, 5, 5, 2), (3, 3, 2, 1), (1, 1), (1, 1, 1, 1), (1, 1), "empty-batch"),
    ((2, 15, 17, 24), (3, 3, 24, 2), (1, 1), (1, 1, 1, 1), (1, 1), "larger"),
    # Multiplier 1 (the register-blocked float32 kernels): channels past four vectors plus a
    # tail, dilation with asymmetric padding, causal 1-D, and a strided case.
    ((2, 9, 11, 70), (3, 3, 70, 1), (1, 1), (1, 1, 1, 1), (1, 1), "2d-wide-channels"),
    ((1, 8, 9, 20), (3, 2, 20, 1), (1, 1), (2, 0, 1, 0), (2, 1), "2d-dilated-asym"),
    ((2, 10, 33), (3, 33, 1), (1,), (2, 0), (1,), "1d-causal"),
    ((2, 9, 8, 40), (3, 3, 40, 1), (2, 2), (1, 1, 0, 1), (1, 1), "2d-strided-m1"),
]
_DEPTHWISE_GRAD_CASES = [
    ((1, 4, 3, 2), (2, 2, 2, 2), (1, 1), (1, 0, 0, 1), (1, 1), "2d"),
    ((2, 6, 2), (3, 2, 1), (2,), (1, 1), (1,), "1d-strided"),
]


def _depthwise_samples(kind, cases, dtypes_for):
    def make(rng):
        out = []
        for xs, ws, st, pd, dl, name in cases:
            _, _, osz = _conv_geometry(xs, _as_grouped(ws), st, pd, dl)
            ys = (xs[0], *osz, ws[-2] * ws[-1])
            for dt in dtypes_for(name):
                x, w, dy = (rand(rng, s, dt, -1, 1) for s in (xs, ws, ys))
                geo = (list(st), list(pd), list(dl))
                layout = "transposed" if name.startswith("2d") else "contiguous"
                if kind == "depthwise_conv":
                    args = (Arg(x, layout), Arg(w)) + geo
                elif kind == "depthwise_conv_backprop_input":
                    args = (Arg(dy, layout), Arg(w), xs) + geo
                else:
                    args = (Arg(x), Arg(dy, layout), ws) + geo
                out.append(Sample(args, {}, f"{name}-{dt}"))
        return out

    return make


for _name, _ref in [("depthwise_conv", _depthwise_ref),
                    ("depthwise_conv_backprop_input", _depthwise_backprop_input_ref),
                    ("depthwise_conv_backprop_filter", _depthwise_backprop_filter_ref)]:
    _add(OpEntry(_name, getattr(_C, _name),
                 _depthwise_samples(_name, _DEPTHWISE_CASES,
                                    lambda n: FLOATS if n == "2d-same" else ("float32",)),
                 reference(_ref), rule_float,
                 grad_samples=_depthwise_samples(_name, _DEPTHWISE_GRAD_CASES,
                                                 lambda n: ("float64",)),
                 rtol={"float32": 1e-4}, atol={"float32": 1e-5}))
