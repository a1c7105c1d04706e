"""dot_product_attention: Keras 3's `ops.dot_product_attention` on the fused
engine op `attention` (csrc/ops/attention/), which computes
softmax(Q K^T * scale + bias, masked) V in tiles without the full score matrix.

The composite form (einsum-like matmuls, masked softmax, matmul) is
`dot_product_attention_composite`: the reference the tests compare the fused op
with, and the path for devices without the fused kernel.
"""

import math

from kerasnet import _C
from kerasnet.backend.dtypes import result_type as _result_type
from kerasnet.backend.tensor import as_tensor as _as_tensor


def _standardize(query, key, value, bias):
    query, key, value = _as_tensor(query), _as_tensor(key), _as_tensor(value)
    dtype = _result_type(query.dtype, key.dtype, value.dtype)
    if dtype not in ("float32", "float64"):
        dtype = "float32"
    query, key, value = (x if x.dtype == dtype else _C.cast(x, dtype) for x in (query, key, value))
    if bias is not None:
        bias = _as_tensor(bias)
        if bias.dtype != dtype:
            bias = _C.cast(bias, dtype)
    return query, key, value, bias


def _check(query, key, value):
    if not (query.ndim == key.ndim == value.ndim and query.ndim in (3, 4)):
        raise ValueError(
            "`dot_product_attention` only supports 3D and 4D inputs. Received: "
            f"query.shape={tuple(query.shape)}, key.shape={tuple(key.shape)}, "
            f"value.shape={tuple(value.shape)}."
        )


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot product attention: softmax(Q K^T * scale + bias) V per head.

    Args:
        query: (B, T, N, H) (or (T, N, H) unbatched).
        key: (B, S, K, H); K divides N (grouped-query attention).
        value: (B, S, K, Hv).
        bias: optional, broadcastable to (B, N, T, S), added to the scaled scores.
        mask: optional boolean, broadcastable to (B, N, T, S); True attends.
        scale: the scores' scale (default 1 / sqrt(H)).
        is_causal: query t attends to keys s <= t only.
        flash_attention: accepted as in Keras; the kerasnet op is always tiled.
        attn_logits_soft_cap: not supported (Keras supports it on JAX TPUs only).

    Returns:
        (B, T, N, Hv).
    """
    if attn_logits_soft_cap is not None:
        raise ValueError(
            "attn_logits_soft_cap is only supported for JAX on TPU. Set "
            "attn_logits_soft_cap=None when not using JAX on TPU."
        )
    query, key, value, bias = _standardize(query, key, value, bias)
    _check(query, key, value)
    unbatched = query.ndim == 3
    if unbatched:
        query, key, value = (_C.expand_dims(x, 0) for x in (query, key, value))
    scale = 1.0 / math.sqrt(key.shape[-1]) if scale is None else float(scale)
    if mask is not None:
        mask = _as_tensor(mask)
        if mask.dtype != "bool":
            mask = _C.cast(mask, "bool")
    if query.device == "cpu":
        out = _C.attention(query, key, value, bias, mask, scale, bool(is_causal))
    else:
        out = _composite(query, key, value, bias, mask, scale, bool(is_causal))
    return _C.squeeze(out, 0) if unbatched else out


def attention_with_dropout(query, key, value, rate, seed=None, mask=None, scale=None, is_causal=False):
    """dot_product_attention with dropout of the attention probabilities (what Keras'
    MultiHeadAttention does in training), in the fused op: the keep mask comes from the
    engine's counter-based generator and backward draws it again, so no [B, N, T, S] mask is
    stored. `seed`: an int, a `kerasnet.random.SeedGenerator` (anything with `next(count)`),
    or None (the global stream). Kept probabilities are scaled by 1 / (1 - rate); the softmax
    is not renormalised."""
    if not 0.0 <= rate < 1.0:
        raise ValueError("Invalid value received for argument `rate`. Expected a float value in "
                         f"[0, 1). Received: rate={rate}")
    query, key, value, _ = _standardize(query, key, value, None)
    _check(query, key, value)
    if query.ndim != 4:
        raise ValueError(f"attention_with_dropout expects 4D inputs, got query.shape={tuple(query.shape)}")
    scale = 1.0 / math.sqrt(key.shape[-1]) if scale is None else float(scale)
    if mask is not None:
        mask = _as_tensor(mask)
        if mask.dtype != "bool":
            mask = _C.cast(mask, "bool")
    count = _C.attention_dropout_counters(query.shape[0], query.shape[2], query.shape[1], key.shape[1])
    if seed is None:
        seed_value, offset = _C.reserve_random(max(count, 1))
    elif hasattr(seed, "next"):
        seed_value, offset = seed.next(count)
    elif isinstance(seed, int) and not isinstance(seed, bool):
        seed_value, offset = seed & 0xFFFFFFFFFFFFFFFF, 0
    else:
        raise ValueError("Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
                         f"Received: seed={seed!r}")
    return _C.attention(query, key, value, None, mask, scale, bool(is_causal), float(rate),
                        int(seed_value), int(offset))


def dot_product_attention_composite(query, key, value, bias=None, mask=None, scale=None, is_causal=False):
    """The same result from matmul, masked softmax and matmul (the [B, N, T, S] scores held)."""
    query, key, value, bias = _standardize(query, key, value, bias)
    _check(query, key, value)
    scale = 1.0 / math.sqrt(key.shape[-1]) if scale is None else float(scale)
    if mask is not None:
        mask = _as_tensor(mask)
        if mask.dtype != "bool":
            mask = _C.cast(mask, "bool")
    return _composite(query, key, value, bias, mask, scale, bool(is_causal))


def _composite(query, key, value, bias, mask, scale, is_causal):
    n, k = query.shape[-2], key.shape[-2]
    if n != k:  # grouped-query attention: each key/value head serves n // k query heads
        key = _C.repeat(key, n // k, -2)
        value = _C.repeat(value, n // k, -2)
    q = _C.moveaxis(query, -2, -3)  # (B, N, T, H)
    kt = _C.moveaxis(_C.moveaxis(key, -2, -3), -1, -2)  # (B, N, H, S)
    v = _C.moveaxis(value, -2, -3)  # (B, N, S, Hv)
    logits = _C.multiply(_C.matmul(q, kt), scale)
    if bias is not None:
        logits = _C.add(logits, bias)
    if mask is not None or is_causal:
        import numpy as np

        t, s = logits.shape[-2], logits.shape[-1]
        keep = None
        if mask is not None:
            keep = mask
        if is_causal:
            tril = _as_tensor(np.tril(np.ones((t, s), dtype=bool)))
            keep = tril if keep is None else _C.logical_and(keep, tril)

        # Keras' large negative (not -inf: a row with every key masked attends uniformly).
        neg = _as_tensor(np.asarray(-0.7 * np.finfo(logits.dtype).max, dtype=logits.dtype))
        logits = _C.where(keep, logits, neg)
    probs = _C.softmax(logits, -1)
    return _C.moveaxis(_C.matmul(probs, v), -3, -2)
