"""GroupedQueryAttention: multi-head attention whose key/value heads are shared by groups of
query heads (Ainslie et al., 2023); one key/value head is multi-query attention.

Shapes: B batch, T query steps, S key/value steps, D the query's feature size, U
query heads, V key/value heads (V divides U), H head_dim. Projections: query
(D, U, H), key and value (D, V, H), output (U, H, D). As in Keras 3, the fused
`ops.dot_product_attention` runs when there is no dropout and no returned scores
(it reads each key/value head once for its group, no repeated copies); otherwise
key and value are repeated to U heads and the composite einsum path runs.
Masks, causal and sliding-window masks are MultiHeadAttention's rules.
"""

import math

from kerasnet import constraints, initializers, ops, regularizers
from kerasnet.backend.keras_tensor import KerasTensor
from kerasnet.layers.activations.softmax import Softmax
from kerasnet.layers.attention import multi_head_attention as mha
from kerasnet.layers.core.einsum_dense import EinsumDense
from kerasnet.layers.layer import Layer
from kerasnet.layers.regularization.dropout import Dropout


class GroupedQueryAttention(Layer):
    """Grouped-query attention layer (Keras' `GroupQueryAttention`).

    Args:
        head_dim: size of each attention head.
        num_query_heads: number of query heads.
        num_key_value_heads: number of key/value heads; must divide num_query_heads.
        dropout: dropout rate of the attention weights.
        use_bias: whether the projections have biases.
        sliding_window: if set, a query step attends only to keys within
            `sliding_window - 1` steps of it.
        flash_attention: True requires the fused path (no dropout, no returned scores).
        kernel_initializer, bias_initializer: initializers of the projections.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers of
            the projections.
        kernel_constraint, bias_constraint: constraints of the projections.
        use_gate: gate the heads with a sigmoid projection of the query.
        seed: seed of the dropout.

    Call arguments:
        query: (B, T, D); value: (B, S, D); key: optional (B, S, D), default value.
        query_mask, value_mask, key_mask: boolean (B, T), (B, S), (B, S); taken from the
            inputs' Keras masks when not given.
        attention_mask: boolean (B, T, S) (or broadcastable), True attends.
        return_attention_scores: also return the (B, U, T, S) attention weights.
        training: whether dropout is applied.
        use_causal_mask: query step t attends to key steps s <= t only.

    Output:
        (B, T, D), and the weights with `return_attention_scores`.

    Example:

    >>> layer = kerasnet.layers.GroupedQueryAttention(head_dim=4, num_query_heads=4,
    ...                                               num_key_value_heads=2)
    >>> layer(np.ones((2, 5, 8)), np.ones((2, 3, 8))).shape
    (2, 5, 8)
    """

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True,
                 sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        mha._check_positive_int("head_dim", head_dim)
        mha._check_positive_int("num_query_heads", num_query_heads)
        mha._check_positive_int("num_key_value_heads", num_key_value_heads)
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError(
                "`num_query_heads` must be divisible by `num_key_value_heads`. Received: "
                f"num_query_heads={num_query_heads}, num_key_value_heads={num_key_value_heads}"
            )
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = dropout
        self.use_bias = use_bias
        self.use_gate = use_gate
        mha._check_sliding_window(sliding_window)
        self.sliding_window = sliding_window
        self._flash_attention = flash_attention or None
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        # As Keras: the projections' and the layer's own output regularizer.
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(self.head_dim))
        self._return_attention_scores = False
        if self._flash_attention and self.dropout > 0.0:
            raise ValueError(
                "Dropout is not supported when flash attention is enabled. Please set dropout to 0.0 to use "
                "flash attention."
            )

    def build(self, query_shape, value_shape, key_shape=None):
        # Einsum letters: b batch, q query steps, k key/value steps, m model dim,
        # u query heads, v key/value heads, h head dim.
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                raise ValueError(
                    f"GroupedQueryAttention '{self.name}': `{what}` must have shape (batch, steps, features). "
                    f"Received: {what}_shape={shape}"
                )
        self.feature_dim = query_shape[-1]
        self._query_dense = self._projection("bqm,muh->bquh", self.num_query_heads, "uh", "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection("bkm,mvh->bkvh", self.num_key_value_heads, "vh", "key")
        self._key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = self._projection("bqm,muh->bquh", self.num_query_heads, "uh", "gate",
                                                activation="sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection("bkm,mvh->bkvh", self.num_key_value_heads, "vh", "value")
        self._value_dense.build(value_shape)
        self._softmax = Softmax(axis=-1, dtype=self.dtype)
        self._dropout_layer = Dropout(rate=self.dropout, dtype=self.dtype, seed=self.seed)
        self._dot_product_equation = "bquh,bkuh->buqk"
        self._combine_equation = "buqk,bkuh->bquh"
        self._output_dense = EinsumDense("bquh,uhm->bqm", output_shape=(None, self.feature_dim),
                                         bias_axes="m" if self.use_bias else None, name="attention_output",
                                         **self._get_common_kwargs_for_sublayer())
        self._output_dense.build((None, None, self.num_query_heads, self.head_dim))
        self.built = True

    def _projection(self, equation, heads, bias_axes, name, activation=None):
        return EinsumDense(equation, output_shape=(None, heads, self.head_dim),
                           bias_axes=bias_axes if self.use_bias else None, activation=activation, name=name,
                           **self._get_common_kwargs_for_sublayer())

    def _get_common_kwargs_for_sublayer(self):
        return dict(
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            activity_regularizer=self.activity_regularizer,
            kernel_constraint=self.kernel_constraint,
            bias_constraint=self.bias_constraint,
            dtype=self.dtype,
            kernel_initializer=self.kernel_initializer.__class__.from_config(self.kernel_initializer.get_config()),
            bias_initializer=self.bias_initializer.__class__.from_config(self.bias_initializer.get_config()),
        )

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        # Keras 3 fills the *_mask arguments from the inputs' masks when they are not given.
        if query_mask is None:
            query_mask = mha._get_mask(query)
        if value_mask is None:
            value_mask = mha._get_mask(value)
        if key is not None and key_mask is None:
            key_mask = mha._get_mask(key)
        self._return_attention_scores = return_attention_scores
        if key is None:
            key = value
        attention_mask, causal_only = mha._resolve_attention_mask(
            self, GroupedQueryAttention, self.sliding_window, query, value, query_mask, value_mask,
            key_mask, attention_mask, use_causal_mask)
        gate = self._gate_dense(query) if self.use_gate else None
        query = self._query_dense(query)  # (B, T, U, H)
        key = self._key_dense(key)  # (B, S, V, H)
        value = self._value_dense(value)  # (B, S, V, H)
        extra = {"use_causal_mask": True} if causal_only else {}
        output, scores = self._compute_attention(query, key, value, attention_mask=attention_mask,
                                                 training=training, **extra)
        if gate is not None:
            output = ops.multiply(output, gate)
        output = self._output_dense(output)  # (B, T, D)
        if return_attention_scores:
            return output, scores
        return output

    def _compute_attention(self, query, key, value, attention_mask=None, training=None, use_causal_mask=False):
        if self._flash_attention and self._return_attention_scores:
            raise ValueError(
                "Returning attention scores is not supported when flash attention is enabled. Please disable "
                "flash attention to access attention scores."
            )
        fused = not (self.dropout > 0.0 or self._return_attention_scores or query.ndim != 4)
        if fused and mha._has_fused_attention():
            # The fused op reads key/value head u // num_repeats for query head u: the same as
            # Keras' repeat along the heads axis, without the repeated copies.
            if attention_mask is not None:
                attention_mask = mha._expand_mask(attention_mask, 4, -3)
            out = ops.dot_product_attention(query, key, value, mask=attention_mask,
                                            scale=self._inverse_sqrt_head_dim, is_causal=use_causal_mask)
            return out, None
        key = ops.repeat(key, self.num_repeats, axis=2)  # (B, S, U, H)
        value = ops.repeat(value, self.num_repeats, axis=2)
        if use_causal_mask:
            causal = self._compute_causal_mask(query, value)
            attention_mask = causal if attention_mask is None else ops.logical_and(mha._bool(attention_mask), causal)
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_head_dim, query.dtype))
        scores = ops.einsum(self._dot_product_equation, query, key)  # (B, U, T, S)
        scores = self._masked_softmax(scores, attention_mask=attention_mask)
        dropped = self._dropout_layer(scores, training=training) if self.dropout > 0.0 else scores
        return ops.einsum(self._combine_equation, dropped, value), scores

    def _masked_softmax(self, scores, attention_mask=None):
        if attention_mask is not None:
            attention_mask = mha._expand_mask(attention_mask, scores.ndim, -3)
        return self._softmax(scores, mask=attention_mask)

    def _compute_attention_mask(self, query, value, query_mask=None, value_mask=None, key_mask=None,
                                attention_mask=None, use_causal_mask=False):
        """The (B, T, S) boolean mask: inputs' masks, causal, sliding window, attention_mask."""
        parts = mha._input_mask_parts(query_mask, value_mask, key_mask)
        if use_causal_mask:
            parts.append(self._compute_causal_mask(query, value))
        if self.sliding_window is not None:
            parts.append(self._compute_sliding_window_mask(query, value))
        return mha._and_masks(attention_mask, parts)

    def _compute_causal_mask(self, query, value=None):
        return mha._causal_mask(query, value)

    def _compute_sliding_window_mask(self, query, value=None):
        return mha._sliding_window_mask(query, value, self.sliding_window)

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(
                f"GroupedQueryAttention '{self.name}': the last dimension of `query_shape` and `value_shape` "
                f"must be equal, but are {query_shape[-1]}, {value_shape[-1]}. Received: "
                f"query_shape={query_shape}, value_shape={value_shape}"
            )
        mha._check_key_value_shapes(self.name, value_shape, key_shape)
        return query_shape

    def compute_output_spec(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
                            attention_mask=None, return_attention_scores=False, training=None,
                            use_causal_mask=False):
        shape = self.compute_output_shape(query.shape, value.shape, None if key is None else key.shape)
        out = KerasTensor(shape, self.compute_dtype)
        if not return_attention_scores:
            return out
        kv_len = (value if key is None else key).shape[1]
        scores = KerasTensor((query.shape[0], self.num_query_heads, query.shape[1], kv_len), self.compute_dtype)
        return out, scores

    def get_config(self):
        return {
            **super().get_config(),
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        }

