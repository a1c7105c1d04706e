"""Models and custom objects shared by the saving tests.

`ScaledDense` and `TwoTower` mirror the custom objects that
make_fixtures.py registers in real Keras (same package, names, weights and
computation), so the Keras-written fixtures load here.
"""

import kerasnet as keras
import numpy as np
from kerasnet import ops

PACKAGE = "kerasnet_fixtures"
L = keras.layers


@keras.saving.register_keras_serializable(package=PACKAGE)
class ScaledDense(keras.layers.Layer):
    """x @ kernel * scale + bias, `scale` a non-trainable weight."""

    def __init__(self, units, scale=2.0, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.scale_value = scale

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                      initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="ones", name="bias")
        self.scale = self.add_weight(shape=(), initializer="ones", trainable=False,
                                     name="scale")
        self.scale.assign(np.float32(self.scale_value))

    def call(self, x):
        return ops.matmul(x, self.kernel) * self.scale + self.bias

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "scale": self.scale_value})
        return config


@keras.saving.register_keras_serializable(package=PACKAGE)
class TwoTower(keras.Model):
    """A subclassed model: two towers, a list of heads, an own weight."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.left = L.Dense(units, activation="tanh")
        self.right = ScaledDense(units)
        self.heads = [L.Dense(2), L.Dense(2)]
        self.norm = L.LayerNormalization()
        self.offset = self.add_weight(shape=(2,), initializer="zeros", name="offset")

    def call(self, x):
        h = self.norm(self.left(x) + self.right(x))
        return self.heads[0](h) - self.heads[1](h) + self.offset

    def get_config(self):
        config = super().get_config()
        config["units"] = self.units
        return config


@keras.saving.register_keras_serializable(package=PACKAGE)
class TokenAndPositionEmbedding(keras.layers.Layer):
    """Embedding(tokens) + Embedding(positions 0..T-1) (keras.io's text transformer)."""

    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.maxlen, self.vocab_size, self.embed_dim = maxlen, vocab_size, embed_dim
        self.token_emb = L.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = L.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def build(self, input_shape):
        self.token_emb.build(input_shape)
        self.pos_emb.build((input_shape[-1],))

    def call(self, x):
        positions = self.pos_emb(ops.arange(0, ops.shape(x)[-1], 1))
        return self.token_emb(x) + positions

    def get_config(self):
        config = super().get_config()
        config.update({"maxlen": self.maxlen, "vocab_size": self.vocab_size, "embed_dim": self.embed_dim})
        return config


@keras.saving.register_keras_serializable(package=PACKAGE)
class MaskedAttention(keras.Model):
    """Attention and causal AdditiveAttention on Embedding(mask_zero) masks, concatenated and
    mask-averaged (the subclassed model of make_fixtures.py)."""

    def __init__(self, vocab=15, dim=4, **kwargs):
        super().__init__(**kwargs)
        self.vocab, self.dim = vocab, dim
        self.emb = L.Embedding(vocab, dim, mask_zero=True)
        self.dot = L.Attention(use_scale=True)
        self.additive = L.AdditiveAttention()
        self.cat = L.Concatenate()
        self.pool = L.GlobalAveragePooling1D()
        self.head = L.Dense(2)

    def call(self, inputs):
        eq, ev = self.emb(inputs[0]), self.emb(inputs[1])
        a = self.cat([self.dot([eq, ev]), self.additive([eq, ev, ev], use_causal_mask=True)])
        return self.head(self.pool(a))

    def get_config(self):
        config = super().get_config()
        config.update({"vocab": self.vocab, "dim": self.dim})
        return config


def sequential():
    return keras.Sequential([
        keras.Input((6,)), L.Dense(8, activation="relu"), L.Dropout(0.2),
        L.BatchNormalization(), L.Dense(4, activation="softmax"),
    ], name="seq")


def functional_multi():
    a = keras.Input((4,), name="a")
    b = keras.Input((4,), name="b")
    shared = L.Dense(4, activation="tanh", name="shared")
    sa, sb = shared(a), shared(b)
    cat = L.Concatenate()([L.Add()([sa, sb]), L.Multiply()([sa, sb]), L.Maximum()([sa, sb])])
    y1 = L.Dense(3, name="out_a")(cat)
    y2 = L.Dense(1, name="out_b")(L.LayerNormalization()(cat))
    return keras.Model([a, b], [y1, y2], name="functional_multi")


def nested():
    inner_seq = keras.Sequential([keras.Input((6,)), L.Dense(5, activation="relu"), L.Dense(4)],
                                 name="inner_seq")
    ii = keras.Input((4,))
    inner_fun = keras.Model(ii, L.Dense(3)(L.BatchNormalization()(ii)), name="inner_fun")
    x = keras.Input((6,), name="x")
    h = inner_seq(x)
    y = inner_fun(h)
    return keras.Model(x, L.Dense(2)(L.Concatenate()([h, y])), name="nested")


def subclassed():
    model = TwoTower(units=4, name="two_tower")
    model(np.zeros((2, 3), "float32"))
    return model


def custom_layer():
    return keras.Sequential([keras.Input((3,)), ScaledDense(4, scale=0.5, name="scaled"),
                             L.Dense(2)], name="custom_layer")


def recurrent():
    return keras.Sequential([
        keras.Input((5, 3)), L.Masking(0.0), L.LSTM(4, return_sequences=True),
        L.Bidirectional(L.GRU(3, return_sequences=True)), L.TimeDistributed(L.Dense(2)),
        L.SimpleRNN(2, go_backwards=True), L.Dense(1),
    ], name="recurrent")


def seq2seq():
    enc, dec = keras.Input((5, 3), name="enc"), keras.Input((4, 2), name="dec")
    _, h, c = L.LSTM(4, return_state=True, name="encoder")(enc)
    y = L.LSTM(4, return_sequences=True, name="decoder")(dec, initial_state=[h, c])
    y = L.RNN([L.GRUCell(3, reset_after=False), L.SimpleRNNCell(2)], return_sequences=True)(y)
    y = L.Bidirectional(L.LSTM(2), merge_mode="sum")(y)
    return keras.Model([enc, dec], L.Dense(2)(y), name="seq2seq")


def attention():
    q, v = keras.Input((4, 6), name="q"), keras.Input((5, 6), name="v")
    a = L.Attention(use_scale=True)([q, v])
    b = L.AdditiveAttention()([q, v], use_causal_mask=True)
    m = L.MultiHeadAttention(num_heads=2, key_dim=3)(q, v)
    g = L.GroupedQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2)(q, v, use_causal_mask=True)
    # (4, 5), not (None, 5): Keras leaves a None of output_shape unknown, and Flatten needs it.
    h = L.EinsumDense("abc,cd->abd", output_shape=(4, 5), bias_axes="d", activation="relu")(
        L.Concatenate()([a, b, m, g]))
    return keras.Model([q, v], L.Dense(2)(L.Flatten()(h)), name="attention")


def transformer():
    t = keras.Input((8,), dtype="int32")
    x = TokenAndPositionEmbedding(8, 10, 8)(t)
    h = L.LayerNormalization(epsilon=1e-6)(L.Add()([x, L.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)]))
    h = L.LayerNormalization(epsilon=1e-6)(L.Add()([h, L.Dense(8)(L.Dense(16, activation="relu")(h))]))
    return keras.Model(t, L.Dense(2, activation="softmax")(L.GlobalAveragePooling1D()(h)), name="transformer")


def data_for(model, n=8, seed=0):
    """Inputs and targets matching a model's inputs and outputs."""
    rng = np.random.default_rng(seed)

    def draw(shape, dtype="float32"):
        if dtype.startswith("int"):  # token ids (the vocabularies here have 10 or more entries)
            return rng.integers(0, 10, size=(n,) + tuple(shape[1:])).astype(dtype)
        return rng.normal(size=(n,) + tuple(shape[1:])).astype("float32")

    if isinstance(model, TwoTower):
        return draw((None, 3)), draw((None, 2))
    xs = [draw(t.shape, t.dtype) for t in model.inputs]
    ys = [draw(t.shape) for t in model.outputs]
    return (xs if len(xs) > 1 else xs[0]), (ys if len(ys) > 1 else ys[0])


BUILDERS = {
    "sequential": sequential,
    "functional_multi": functional_multi,
    "nested": nested,
    "subclassed": subclassed,
    "custom_layer": custom_layer,
    "recurrent": recurrent,
    "seq2seq": seq2seq,
    "attention": attention,
    "transformer": transformer,
}
