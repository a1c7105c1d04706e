"""AdditiveAttention: Bahdanau-style attention, `sum(scale * tanh(query + key))` scores.

Everything but the score (masks, causal mask, softmax, dropout, outputs) is
Attention's (attention.py).
"""

from kerasnet import ops
from kerasnet.layers.attention.attention import Attention


class AdditiveAttention(Attention):
    """Additive attention layer, a.k.a. Bahdanau-style attention.

    `scores[b, i, j] = sum_d scale[d] * tanh(query[b, i, d] + key[b, j, d])`;
    `weights = softmax(scores)` over the value steps; the output is `weights @ value`.

    Args:
        use_scale: if True, a trainable vector `scale` of shape (dim,) (glorot
            uniform) weighs the feature axis; else the scores are plain sums.
        dropout: fraction of the attention weights dropped in training.

    Call arguments:
        inputs: a list `[query, value]` or `[query, value, key]` (key defaults to value).
        mask: a list `[query_mask, value_mask]` (see `Attention`).
        return_attention_scores: also return the weights (after masking and softmax).
        training: whether dropout is applied.
        use_causal_mask: query step i attends to value steps j <= i only.

    Output:
        (B, Tq, dim_v), and the (B, Tq, Tv) weights with `return_attention_scores`.

    Example:

    >>> query = np.random.rand(2, 3, 4).astype("float32")
    >>> value = np.random.rand(2, 5, 4).astype("float32")
    >>> kerasnet.layers.AdditiveAttention()([query, value]).shape
    (2, 3, 4)
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(input_shape[0][-1],),
                                         initializer="glorot_uniform")
        self.built = True

    def _calculate_scores(self, query, key):
        pairs = ops.tanh(ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3)))  # (B, Tq, Tv, dim)
        if self.scale is not None:
            pairs = ops.multiply(self.scale, pairs)
        return ops.sum(pairs, axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
