"""Attention: dot-product (Luong-style) attention over [query, value(, key)].

Shapes: query (B, Tq, dim), value (B, Tv, dim_v), key (B, Tv, dim); scores and
weights (B, Tq, Tv); output (B, Tq, dim_v). As Keras 3 computes it: the dot score
is not divided by sqrt(dim) (the optional trainable `scale` multiplies it),
masked scores get -1e9 added before the softmax, dropout acts on the weights,
and the output is zero where the query mask is False.

AdditiveAttention (additive_attention.py) inherits everything but the score.
"""

import numpy as np

from kerasnet import ops, random
from kerasnet.backend.keras_tensor import KerasTensor
from kerasnet.layers.layer import Layer

# What Keras subtracts from masked scores (float32; float16 is not a kerasnet dtype).
_MASKED_SCORE_OFFSET = 1.0e9


class Attention(Layer):
    """Dot-product attention layer, a.k.a. Luong-style attention.

    `scores = query @ key^T` (times `scale` when `use_scale`), or with
    `score_mode="concat"`, `concat_score_weight * sum(tanh(query + key))` over the
    feature axis; `weights = softmax(scores)` over the value steps; the output is
    `weights @ value`.

    Args:
        use_scale: if True, a trainable scalar `scale` multiplies the scores.
        score_mode: "dot" or "concat".
        dropout: fraction of the attention weights dropped in training.
        seed: integer seed of the dropout.

    Call arguments:
        inputs: a list `[query, value]` or `[query, value, key]` (key defaults to value).
        mask: a list `[query_mask, value_mask]` of boolean (B, Tq) and (B, Tv)
            tensors; masked values get no weight, masked query steps output zeros.
            Taken from the inputs' Keras masks when not given.
        return_attention_scores: also return the weights (after masking and softmax).
        training: whether dropout is applied.
        use_causal_mask: query step i attends to value steps j <= i only.

    Output:
        (B, Tq, dim_v), and the (B, Tq, Tv) weights with `return_attention_scores`.

    Example:

    >>> query = np.random.rand(2, 3, 4).astype("float32")
    >>> value = np.random.rand(2, 5, 4).astype("float32")
    >>> kerasnet.layers.Attention()([query, value]).shape
    (2, 3, 4)
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                f"Received: score_mode={score_mode}"
            )
        if not 0 <= dropout <= 1:
            raise ValueError(
                f"Invalid value for argument `dropout` of {type(self).__name__}: expected a float "
                f"in [0, 1]. Received: dropout={dropout}"
            )
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        if dropout > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(name="concat_score_weight", shape=(),
                                                       initializer="ones")
        self.built = True

    def _calculate_scores(self, query, key):
        """(B, Tq, Tv) scores of query (B, Tq, dim) against key (B, Tv, dim)."""
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            if self.scale is not None:
                scores = ops.multiply(scores, self.scale)
            return scores
        pairs = ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3))  # (B, Tq, Tv, dim)
        if self.scale is not None:
            pairs = ops.multiply(self.scale, pairs)
        return ops.multiply(self.concat_score_weight, ops.sum(ops.tanh(pairs), axis=-1))

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        """(softmax(masked scores) @ value, the weights)."""
        if scores_mask is not None:
            padding = ops.logical_not(scores_mask)
            if padding.ndim == 2:
                padding = ops.expand_dims(padding, -2)
            scores = ops.where(padding, ops.subtract(scores, _MASKED_SCORE_OFFSET), scores)
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = random.dropout(weights, self.dropout, seed=self.seed_generator)
        return ops.matmul(weights, value), weights

    def _calculate_score_mask(self, scores, value_mask, use_causal_mask):
        if not use_causal_mask:
            return value_mask
        tq, tv = scores.shape[-2], scores.shape[-1]
        causal = ops.convert_to_tensor(np.tril(np.ones((1, tq, tv), dtype=bool)))
        if value_mask is None:
            return causal
        return ops.logical_and(ops.expand_dims(value_mask, -2), causal)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False):
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = _as_bool(mask[0]) if mask else None
        value_mask = _as_bool(mask[1]) if mask else None
        scores = self._calculate_scores(query, key)
        scores_mask = self._calculate_score_mask(scores, value_mask, use_causal_mask)
        output, weights = self._apply_scores(scores, value, scores_mask, training)
        if query_mask is not None:
            output = ops.where(ops.expand_dims(query_mask, -1), output, 0.0)
        if return_attention_scores:
            return output, weights
        return output

    def compute_mask(self, inputs, mask=None):
        self._validate_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return ops.convert_to_tensor(mask[0])

    def compute_output_shape(self, input_shape):
        self._validate_inputs(input_shape)
        return tuple(input_shape[0][:-1]) + (input_shape[1][-1],)

    def compute_output_spec(self, inputs, mask=None, return_attention_scores=False, training=None,
                            use_causal_mask=False):
        self._validate_inputs(inputs, mask)
        key = inputs[2] if len(inputs) > 2 else inputs[1]
        out = KerasTensor(self.compute_output_shape([tuple(x.shape) for x in inputs]), self.compute_dtype)
        if return_attention_scores:
            scores = KerasTensor(tuple(inputs[0].shape[:-1]) + (key.shape[-2],), self.compute_dtype)
            return out, scores
        return out

    def _validate_inputs(self, inputs, mask=None):
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)) or _is_shape(inputs):
            raise ValueError(
                f"{name} layer must be called on a list of inputs, namely [query, value] or "
                f"[query, value, key]. Received: inputs={inputs}."
            )
        if not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{name} layer accepts inputs list of length 2 or 3, namely [query, value] or "
                f"[query, value, key]. Received length: {len(inputs)}."
            )
        if mask is not None:
            if not isinstance(mask, (list, tuple)):
                raise ValueError(
                    f"{name} layer mask must be a list, namely [query_mask, value_mask]. "
                    f"Received: mask={mask}."
                )
            if not 2 <= len(mask) <= 3:
                raise ValueError(
                    f"{name} layer accepts mask list of length 2 or 3. Received: inputs={inputs}, "
                    f"mask={mask}."
                )

    def get_config(self):
        return {
            **super().get_config(),
            "use_scale": self.use_scale,
            "score_mode": self.score_mode,
            "dropout": self.dropout,
            "seed": self.seed,
        }


def _as_bool(mask):
    if mask is None:
        return None
    mask = ops.convert_to_tensor(mask)
    return mask if mask.dtype == "bool" else ops.cast(mask, "bool")


def _is_shape(x):
    return isinstance(x, (list, tuple)) and all(d is None or isinstance(d, int) for d in x) and len(x) > 0
