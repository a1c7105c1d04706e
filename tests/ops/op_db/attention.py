"""attention (kerasnet.ops.dot_product_attention's fused op) and its backward kernel.

The reference is Keras' definition in numpy: scores Q K^T * scale + bias, masked
entries set to Keras' large negative, softmax over keys, times V; grouped-query
heads by repeating keys and values. attention_backward runs the op under a tape
and compares its gradients with central differences of the reference.
"""

import numpy as np
import kerasnet
from kerasnet.ops import attention as attention_ops

from op_db.core import C, Arg, OpEntry, Sample, _add, central_differences, reference


def ref_attention(q, k, v, bias=None, mask=None, scale=None, is_causal=False):
    q, k, v = (np.asarray(x, np.float64) for x in (q, k, v))
    N, K = q.shape[2], k.shape[2]
    k, v = np.repeat(k, N // K, axis=2), np.repeat(v, N // K, axis=2)
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    if bias is not None:
        logits = logits + bias
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep &= np.asarray(mask, bool)
    if is_causal:
        keep &= np.tril(np.ones(logits.shape[-2:], bool))
    neg = -0.7 * np.finfo(np.asarray(q).dtype).max
    logits = np.where(keep, logits, neg)
    logits = logits - logits.max(-1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", p, v)


def _args(rng, dt, B, T, S, N, K, H, Hv, layout=C, bias=None, mask=None):
    r = lambda *s: Arg(rng.normal(size=s).astype(dt))  # noqa: E731
    q = Arg(rng.normal(size=(B, T, N, H)).astype(dt), layout)
    out = [q, r(B, S, K, H), r(B, S, K, Hv)]
    out.append(None if bias is None else Arg((rng.normal(size=bias) * 0.5).astype(dt)))
    out.append(None if mask is None else Arg(rng.random(mask) > 0.3))
    return tuple(out)


def _samples(rng):
    out = []
    for dt in ("float32", "float64"):
        out.append(Sample(_args(rng, dt, 2, 5, 7, 4, 2, 3, 5), {}, f"{dt}-gqa"))
        out.append(Sample(_args(rng, dt, 1, 70, 70, 2, 2, 8, 8), {"is_causal": True}, f"{dt}-causal"))
    f = "float32"
    out += [
        Sample(_args(rng, f, 1, 130, 600, 2, 1, 4, 3, bias=(1, 2, 130, 600), mask=(1, 1, 130, 600)), {},
               "long-keys-bias-mask"),
        Sample(_args(rng, f, 2, 9, 12, 2, 2, 4, 3, mask=(2, 1, 9, 12)), {"is_causal": True, "scale": 0.3},
               "causal-mask-scale"),
        Sample(_args(rng, f, 2, 6, 6, 2, 2, 4, 4, layout="transposed", bias=(6, 6)), {}, "transposed-q-bias"),
        Sample(_args(rng, f, 1, 0, 4, 2, 2, 4, 4), {}, "no-queries"),
    ]
    return out


def _grad_samples(rng):
    d = "float64"
    return [
        Sample(_args(rng, d, 1, 3, 4, 2, 1, 2, 2), {}, "gqa"),
        Sample(_args(rng, d, 1, 3, 3, 1, 1, 2, 2, bias=(1, 1, 3, 3), mask=(1, 1, 3, 3)),
               {"is_causal": True}, "causal-bias-mask"),
    ]


def _weights(out):
    return np.cos(np.arange(int(np.prod(out.shape))).reshape(tuple(out.shape)) * 0.7)


def _backward_fn(*args, **kwargs):
    watched = [a for a in args if kerasnet.ops.is_tensor(a) and a.dtype in ("float32", "float64")]
    with kerasnet.GradientTape() as tape:
        tape.watch(watched)
        out = attention_ops.dot_product_attention(*args, **kwargs)
        loss = kerasnet.ops.sum(out * _weights(out).astype(out.dtype))
    return tape.gradient(loss, watched)


def _backward_ref(*args, **kwargs):
    def loss(xs):
        out = ref_attention(*xs, **kwargs)
        return float(np.sum(out * _weights(out)))

    return central_differences(loss, args)


def _backward_samples(rng):
    d = "float64"
    return [
        Sample(_args(rng, d, 1, 3, 4, 2, 1, 2, 2), {}, "gqa"),
        Sample(_args(rng, d, 1, 4, 3, 2, 2, 2, 3, bias=(1, 2, 4, 3), mask=(1, 1, 4, 3)),
               {"is_causal": True}, "causal-bias-mask"),
    ]


_add(OpEntry("attention", attention_ops.dot_product_attention, _samples, reference(ref_attention),
             grad_samples=_grad_samples, rtol={"float32": 2e-5}, atol={"float32": 2e-5}, gradgrad=False,
             optional_args=(3, 4)))
_add(OpEntry("attention_backward", _backward_fn, _backward_samples, reference(_backward_ref),
             rtol={"float64": 1e-6}, atol={"float64": 1e-8}, grad=None, optional_args=(3, 4),
             nograd="the gradient kernel of attention, run by its gradient rule; checked here against "
                    "finite differences of the numpy reference"))
