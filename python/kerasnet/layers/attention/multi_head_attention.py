"""MultiHeadAttention: projections to heads (EinsumDense), scaled dot-product attention per
head, and the output projection back to the query's feature size.

Shape glossary: B batch, T query steps, S key/value steps, N heads, H key_dim,
Hv value_dim, D the query's feature size. With the default attention axes the
projected tensors are (B, T, N, H), (B, S, N, H), (B, S, N, Hv) and the core is
`kerasnet.ops.dot_product_attention` (the fused engine op), exactly where Keras 3
calls `ops.dot_product_attention`: no dropout, no scores returned, rank-4
projections. Otherwise (and on a build without that op) the composite path runs:
einsum for Q K^T, the masked Softmax layer, Dropout, einsum with V. The two differ
where Keras' two paths differ: a query step whose keys are all masked attends
uniformly in the first and gets zero weights in the second.

Sub-layers and attribute names are Keras' (`_query_dense` "query", `_key_dense`
"key", `_value_dense` "value", `_output_dense` "attention_output", `_gate_dense`
"gate", `_softmax`, `_dropout_layer`), so weight files map one to one.
"""

import math
import string

import numpy as np

from kerasnet import constraints, initializers, ops, regularizers
from kerasnet.backend.keras_tensor import KerasTensor
from kerasnet.layers.activations.softmax import Softmax
from kerasnet.layers.core.einsum_dense import EinsumDense
from kerasnet.layers.layer import Layer
from kerasnet.layers.regularization.dropout import Dropout
from kerasnet.ops.attention import attention_with_dropout


class MultiHeadAttention(Layer):
    """Multi-head attention layer (Vaswani et al., 2017, "Attention is all you need").

    `query`, `key` and `value` are projected to `num_heads` heads; per head,
    `softmax(Q K^T / sqrt(key_dim)) V` over the attention axes; the heads are
    projected back (to the query's last dimension, or `output_shape`).

    Args:
        num_heads: number of attention heads.
        key_dim: size of each head for query and key.
        value_dim: size of each head for value (default: key_dim).
        dropout: dropout rate of the attention weights.
        use_bias: whether the projections have biases.
        output_shape: the output's shape besides the batch and sequence dimensions
            (default: the query's last dimension).
        attention_axes: axes attention runs over (default: all but batch, heads
            and features).
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
        query: (B, T, dim); value: (B, S, dim); key: optional (B, S, dim), default value.
        query_mask, value_mask, key_mask: boolean (B, T), (B, S), (B, S); taken from the
            inputs' Keras masks (e.g. `Embedding(mask_zero=True)`) when not given
            (the query's own mask always wins, as in Keras 3).
        attention_mask: boolean (B, T, S) (or broadcastable), True attends.
        return_attention_scores: also return the (B, N, T, S) attention weights.
        training: whether dropout is applied.
        use_causal_mask: query step t attends to key steps s <= t only.

    Output:
        (B, T, dim) (or `output_shape`), and the weights with `return_attention_scores`.

    Example:

    >>> layer = kerasnet.layers.MultiHeadAttention(num_heads=2, key_dim=2)
    >>> target = kerasnet.Input(shape=[8, 16])
    >>> source = kerasnet.Input(shape=[4, 16])
    >>> output, weights = layer(target, source, return_attention_scores=True)
    >>> output.shape, weights.shape
    ((None, 8, 16), (None, 2, 8, 4))
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        _check_positive_int("num_heads", num_heads)
        _check_positive_int("key_dim", key_dim)
        if value_dim is not None:
            _check_positive_int("value_dim", value_dim, "a positive integer or `None`")
        super().__init__(**kwargs)
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = dropout
        self._use_bias = use_bias
        self._use_gate = use_gate
        if output_shape:
            if isinstance(output_shape, int):
                output_shape = (output_shape,)
            try:
                output_shape = tuple(output_shape)
            except TypeError:
                raise ValueError(
                    f"Invalid `output_shape`: {output_shape}. When specified, the `output_shape` should be "
                    "of type tuple, list, or int."
                ) from None
        self._output_shape = output_shape
        self._flash_attention = flash_attention or None
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(
                f"`attention_axes` must be an int, list, or tuple. Received: attention_axes={attention_axes}"
            )
        self._attention_axes = attention_axes
        _check_sliding_window(sliding_window)
        self._sliding_window = sliding_window
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self._key_dim))
        if self._flash_attention and self._dropout > 0.0:
            raise ValueError(
                "Dropout is not supported when flash attention is enabled. Please set dropout to 0.0 to use "
                "flash attention."
            )

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    # -- build -------------------------------------------------------------------------
    def build(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        _check_key_value_shapes(self.name, value_shape, key_shape)
        common = self._get_common_kwargs_for_sublayer
        self._query_dense = self._projection(len(query_shape), self._key_dim, "query", common())
        self._query_dense.build(query_shape)
        self._key_dense = self._projection(len(key_shape), self._key_dim, "key", common())
        self._key_dense.build(key_shape)
        if self._use_gate:
            self._gate_dense = self._projection(len(query_shape), self._value_dim, "gate", common(),
                                                activation="sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection(len(value_shape), self._value_dim, "value", common())
        self._value_dense.build(value_shape)
        self._build_attention(len(value_shape) + 1)
        self._output_dense = self._make_output_dense(query_shape, common(), "attention_output")
        heads_shape = list(self._query_dense.compute_output_shape(query_shape))
        heads_shape[-1] = self._value_dim
        self._output_dense.build(tuple(heads_shape))
        self.built = True

    def _projection(self, input_rank, head_size, name, common, activation=None):
        """(B, ..., dim) -> (B, ..., N, head_size): kernel (dim, N, head_size), bias (N, head_size)."""
        equation, bias_axes, output_rank = _build_proj_equation(input_rank - 1, bound_dims=1, output_dims=2)
        return EinsumDense(equation, output_shape=_get_output_shape(output_rank - 1, [self._num_heads, head_size]),
                           bias_axes=bias_axes if self._use_bias else None, activation=activation, name=name,
                           **common)

    def _make_output_dense(self, query_shape, common_kwargs, name=None):
        """(B, ..., N, Hv) -> (B, ..., *output_shape): kernel (N, Hv, *output_shape)."""
        output_shape = self._output_shape if self._output_shape else [query_shape[-1]]
        equation, bias_axes, output_rank = _build_proj_equation(len(query_shape) - 1, bound_dims=2,
                                                                output_dims=len(output_shape))
        return EinsumDense(equation, output_shape=_get_output_shape(output_rank - 1, output_shape),
                           bias_axes=bias_axes if self._use_bias else None, name=name, **common_kwargs)

    def _get_common_kwargs_for_sublayer(self):
        # Fresh initializer instances per projection (a seeded stateless initializer
        # shared by all four would give them the same values).
        return dict(
            kernel_regularizer=self._kernel_regularizer,
            bias_regularizer=self._bias_regularizer,
            activity_regularizer=self._activity_regularizer,
            kernel_constraint=self._kernel_constraint,
            bias_constraint=self._bias_constraint,
            dtype=self.dtype,
            kernel_initializer=self._kernel_initializer.__class__.from_config(self._kernel_initializer.get_config()),
            bias_initializer=self._bias_initializer.__class__.from_config(self._bias_initializer.get_config()),
        )

    def _build_attention(self, rank):
        """The einsum equations, the softmax over the attention axes and the dropout."""
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(a if a >= 0 else (rank - 1) + a for a in self._attention_axes)
            bad = [a for a in self._attention_axes if not 1 <= a < rank - 2]
            if bad:
                raise ValueError(
                    f"MultiHeadAttention '{self.name}': `attention_axes` {self._attention_axes} must name "
                    f"axes of the inputs between 1 and {rank - 3} (inputs of rank {rank - 1})."
                )
        self._dot_product_equation, self._combine_equation, scores_rank = _build_attention_equation(
            rank, self._attention_axes)
        norm_axes = tuple(range(scores_rank - len(self._attention_axes), scores_rank))
        self._softmax = Softmax(axis=norm_axes, dtype=self.dtype)
        self._dropout_layer = Dropout(rate=self._dropout, dtype=self.dtype, seed=self.seed)

    # -- call --------------------------------------------------------------------------
    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        # Keras 3 fills the *_mask arguments from the inputs' masks; MHA then takes the query's
        # mask from the query itself and removes the inputs' masks (it handles them here).
        if value_mask is None:
            value_mask = _get_mask(value)
        if key is not None and key_mask is None:
            key_mask = _get_mask(key)
        if key is None:
            key = value
        query_mask = _get_mask(query)
        for x in (query, value, key):
            _set_mask(x, None)
        attention_mask, causal_only = _resolve_attention_mask(
            self, MultiHeadAttention, self._sliding_window, query, value, query_mask, value_mask,
            key_mask, attention_mask, use_causal_mask)
        gate = self._gate_dense(query) if self._use_gate else None
        query = self._query_dense(query)  # (B, T, N, H)
        key = self._key_dense(key)  # (B, S, N, H)
        value = self._value_dense(value)  # (B, S, N, Hv)
        extra = {"use_causal_mask": True} if causal_only else {}
        output, scores = self._compute_attention(query, key, value, attention_mask, training,
                                                 return_attention_scores, **extra)
        if gate is not None:
            output = ops.multiply(output, gate)
        output = self._output_dense(output)
        if query_mask is not None:
            _set_mask(output, query_mask)
        if return_attention_scores:
            return output, scores
        return output

    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           return_attention_scores=False, use_causal_mask=False):
        """(output (B, T, N, Hv), weights (B, N, T, S) or None) from the projected tensors."""
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                "Returning attention scores is not supported when flash attention is enabled. Please disable "
                "flash attention to access attention scores."
            )
        fused = not (self._dropout > 0.0 or return_attention_scores or query.ndim != 4)
        if fused and _has_fused_attention():
            if attention_mask is not None:
                attention_mask = _expand_mask(attention_mask, 4, -len(self._attention_axes) * 2 - 1)
            out = ops.dot_product_attention(query, key, value, mask=attention_mask,
                                            scale=self._inverse_sqrt_key_dim, is_causal=use_causal_mask)
            return out, None
        if (self._dropout > 0.0 and training and attention_mask is None and not return_attention_scores
                and query.ndim == 4 and _has_fused_attention()):
            # Dropout of the probabilities inside the fused op (its keep mask is redrawn in
            # backward, no [B, N, T, S] tensor is held). Only without an attention mask: a row
            # with every key masked is where Keras' composite path differs from the fused one.
            out = attention_with_dropout(query, key, value, self._dropout,
                                         seed=self._dropout_layer.seed_generator,
                                         scale=self._inverse_sqrt_key_dim, is_causal=use_causal_mask)
            return out, None
        if use_causal_mask:
            causal = self._compute_causal_mask(query, value)
            attention_mask = causal if attention_mask is None else ops.logical_and(_bool(attention_mask), causal)
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_key_dim, query.dtype))
        scores = ops.einsum(self._dot_product_equation, key, query)
        scores = self._masked_softmax(scores, attention_mask)
        dropped = self._dropout_layer(scores, training=training) if self._dropout > 0.0 else scores
        return ops.einsum(self._combine_equation, dropped, value), scores

    def _masked_softmax(self, attention_scores, attention_mask=None):
        if attention_mask is not None:
            attention_mask = _expand_mask(attention_mask, attention_scores.ndim, -len(self._attention_axes) * 2 - 1)
        return self._softmax(attention_scores, mask=attention_mask)

    def _compute_attention_mask(self, query, value, query_mask=None, value_mask=None, key_mask=None,
                                attention_mask=None, use_causal_mask=False):
        """The (B, T, S) boolean mask from the inputs' masks, causal and sliding-window masks and
        `attention_mask`, all ANDed (None when there is none)."""
        parts = _input_mask_parts(query_mask, value_mask, key_mask)
        if use_causal_mask:
            parts.append(self._compute_causal_mask(query, value))
        if self._sliding_window is not None:
            parts.append(self._compute_sliding_window_mask(query, value))
        return _and_masks(attention_mask, parts)

    def _compute_causal_mask(self, query, value=None):
        """(1, T, S) boolean, True at s <= t."""
        return _causal_mask(query, value)

    def _compute_sliding_window_mask(self, query, value=None):
        """(1, T, S) boolean, True at |t - s| < sliding_window."""
        return _sliding_window_mask(query, value, self._sliding_window)

    # -- shapes and config ------------------------------------------------------------------
    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        _check_key_value_shapes(self.name, value_shape, key_shape)
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def compute_output_spec(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
                            attention_mask=None, return_attention_scores=False, training=None,
                            use_causal_mask=False):
        shape = self.compute_output_shape(query.shape, value.shape, None if key is None else key.shape)
        out = KerasTensor(shape, self.compute_dtype)
        if not return_attention_scores:
            return out
        return out, KerasTensor(self._scores_shape(query.shape, (key if key is not None else value).shape),
                                self.compute_dtype)

    def _scores_shape(self, query_shape, key_shape):
        """The weights' shape: batch dims, heads, the query's then the key's attention dims."""
        source, target_and_product = self._dot_product_equation.split(",")
        target, product = target_and_product.split("->")
        sizes = dict(zip(target, tuple(query_shape[:-1]) + (self._num_heads, self._key_dim)))
        sizes.update({c: d for c, d in zip(source, tuple(key_shape[:-1]) + (self._num_heads, self._key_dim))
                      if c not in sizes})
        return tuple(sizes[c] for c in product)

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "sliding_window": self._sliding_window,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "seed": self.seed,
        }


# -- helpers shared with GroupedQueryAttention -----------------------------------------------


def _resolve_attention_mask(layer, owner_cls, sliding_window, query, value, query_mask, value_mask,
                            key_mask, attention_mask, use_causal_mask):
    """(attention_mask, causal_only) for MultiHeadAttention and GroupedQueryAttention: a causal
    mask with nothing else (and the owner's own `_compute_attention`) is left to the fused op's
    `is_causal`; otherwise the layer builds the combined mask."""
    causal_only = (use_causal_mask and query_mask is None and value_mask is None and key_mask is None
                   and attention_mask is None and sliding_window is None
                   and type(layer)._compute_attention is owner_cls._compute_attention)
    if causal_only:
        return None, True
    return layer._compute_attention_mask(query, value, query_mask=query_mask, value_mask=value_mask,
                                         key_mask=key_mask, attention_mask=attention_mask,
                                         use_causal_mask=use_causal_mask), False


def _has_fused_attention():
    return hasattr(ops, "dot_product_attention")


def _check_positive_int(name, value, what="a positive integer"):
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"Received an invalid value for argument `{name}`, expected {what}. Received: "
                         f"{name}={value}")


def _check_sliding_window(sliding_window):
    if sliding_window is not None and (not isinstance(sliding_window, int) or sliding_window <= 0):
        raise ValueError(
            f"`sliding_window` must be `None` or a positive integer. Received: sliding_window={sliding_window}"
        )


def _check_key_value_shapes(name, value_shape, key_shape):
    if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
        raise ValueError(
            f"Layer '{name}': all dimensions of `value` and `key`, except the last one, must be equal. "
            f"Received: value_shape={tuple(value_shape)} and key_shape={tuple(key_shape)}"
        )


def _get_mask(x):
    return getattr(x, "_keras_mask", None)


def _set_mask(x, mask):
    try:
        x._keras_mask = mask
    except AttributeError:
        pass


def _bool(mask):
    mask = ops.convert_to_tensor(mask)
    return mask if mask.dtype == "bool" else ops.cast(mask, "bool")


def _expand_mask(mask, rank, axis):
    """The boolean mask with size-1 axes inserted at `axis` up to `rank` (the heads axis first)."""
    mask = _bool(mask)
    for _ in range(rank - mask.ndim):
        mask = ops.expand_dims(mask, axis)
    return mask


def _input_mask_parts(query_mask, value_mask, key_mask):
    """The inputs' masks as (B, T, 1), (B, 1, S), (B, 1, S) booleans."""
    parts = []
    if query_mask is not None:
        parts.append(ops.expand_dims(_bool(query_mask), -1))
    if value_mask is not None:
        parts.append(ops.expand_dims(_bool(value_mask), -2))
    if key_mask is not None:
        parts.append(ops.expand_dims(_bool(key_mask), -2))
    return parts


def _and_masks(attention_mask, parts):
    mask = None if attention_mask is None else _bool(attention_mask)
    for p in parts:
        mask = p if mask is None else ops.logical_and(mask, p)
    return mask


def _causal_mask(query, value=None):
    t = query.shape[1]
    s = t if value is None else value.shape[1]
    return ops.convert_to_tensor(np.tril(np.ones((1, t, s), dtype=bool)))


def _sliding_window_mask(query, value, window):
    t = query.shape[1]
    s = t if value is None else value.shape[1]
    band = np.abs(np.arange(t)[:, None] - np.arange(s)[None, :]) < window
    return ops.convert_to_tensor(band[None])


def _letter(i):
    return string.ascii_lowercase[i]


def _build_attention_equation(rank, attn_axes):
    """Einsum equations of the scores and of their combination with the values.

    Projected tensors are (batch, <non-attention dims>, <attention dims>, heads, channels):
    scores = einsum("<key>,<query>-><batch dims + heads><query attn dims><key attn dims>"),
    output = einsum("<scores>,<value>-><query>").
    """
    target = "".join(_letter(i) for i in range(rank))
    batch_dims = [i for i in range(rank) if i not in attn_axes and i != rank - 1]
    source, extra = "", rank
    for i in range(rank):
        if i in batch_dims or i == rank - 1:
            source += target[i]
        else:
            source += _letter(extra)
            extra += 1
    product = ("".join(target[i] for i in batch_dims) + "".join(target[i] for i in attn_axes)
               + "".join(source[i] for i in attn_axes))
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


def _build_proj_equation(free_dims, bound_dims, output_dims):
    """(equation, bias axes, output rank) of a projection: `free_dims` kept, `bound_dims`
    contracted with the kernel, `output_dims` new ones from the kernel."""
    free = "".join(_letter(i) for i in range(free_dims))
    bound = "".join(_letter(free_dims + i) for i in range(bound_dims))
    new = "".join(_letter(free_dims + bound_dims + i) for i in range(output_dims))
    return f"{free}{bound},{bound}{new}->{free}{new}", new, free_dims + output_dims


def _get_output_shape(output_rank, known_last_dims):
    return [None] * (output_rank - len(known_last_dims)) + list(known_last_dims)
