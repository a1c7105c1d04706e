"""Writes tests/fixtures/: small models saved by real Keras, with predictions.

The saving tests load these files in kerasnet and compare its predictions
with the ones Keras stored beside them, so the tests need no TensorFlow or
Keras. This script is run by hand, never by the tests, in virtual
environments outside the project:

    python3 -m venv /tmp/venv-k3
    /tmp/venv-k3/bin/pip install keras "jax[cpu]" h5py
    KERAS_BACKEND=jax /tmp/venv-k3/bin/python tests/saving/make_fixtures.py keras3

    python3 -m venv /tmp/venv-tf2
    /tmp/venv-tf2/bin/pip install "tensorflow-cpu==2.15.1"   # tf.keras 2
    /tmp/venv-tf2/bin/python tests/saving/make_fixtures.py tf2

    KERAS_BACKEND=jax /tmp/venv-k3/bin/python tests/saving/make_fixtures.py keras3_rnn
    KERAS_BACKEND=jax /tmp/venv-k3/bin/python tests/saving/make_fixtures.py keras3_attention
    KERAS_BACKEND=jax /tmp/venv-k3/bin/python tests/saving/make_fixtures.py keras3_norm

`keras3` writes tests/fixtures/keras3/<name>.keras (and .weights.h5 files);
`keras3_rnn` the recurrent models in tests/fixtures/keras3_rnn/ (same layout);
`keras3_attention` the attention models in tests/fixtures/keras3_attention/;
`keras3_norm` the normalization models in tests/fixtures/keras3_norm/;
`tf2` writes tests/fixtures/tf2/<name>.h5 (legacy full models and weights).
Each model has <name>.npz with the inputs `x*`, Keras' predictions `y*` and,
for compiled models, the training batch `tx*` / `ty*` and the predictions
`after*` following one more `train_on_batch` (to check that the optimizer
state was restored). manifest.json lists the files with the Keras version
and the kerasnet layers each model needs.
"""

import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "fixtures")
PACKAGE = "kerasnet_fixtures"  # registration package of the custom objects


def _rng(seed):
    return np.random.default_rng(seed)


def _save_arrays(path, **arrays):
    np.savez(path, **{k: np.asarray(v) for k, v in arrays.items()})


def _flat(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _arrays(prefix, values):
    return {f"{prefix}{i}": v for i, v in enumerate(_flat(values))}


class Writer:
    """Saves a model and its reference arrays; records the manifest entry."""

    def __init__(self, keras, folder, version):
        self.keras = keras
        self.folder = folder
        self.version = version
        self.manifest = {"keras_version": version, "models": {}}
        os.makedirs(folder, exist_ok=True)

    def write(self, name, model, x, needs, train=None, formats=(".keras",), weights=False):
        arrays = _arrays("x", x)
        arrays.update(_arrays("y", model.predict(x, verbose=0)))
        files = []
        for ext in formats:
            path = os.path.join(self.folder, name + ext)
            model.save(path)
            files.append(name + ext)
        if weights:
            path = os.path.join(self.folder, name + weights)
            model.save_weights(path)
            files.append(name + weights)
        if train is not None:
            tx, ty = train
            arrays.update(_arrays("tx", tx))
            arrays.update(_arrays("ty", ty))
            model.train_on_batch(tx, ty)
            arrays.update(_arrays("after", model.predict(x, verbose=0)))
        _save_arrays(os.path.join(self.folder, name + ".npz"), **arrays)
        files.append(name + ".npz")
        self.manifest["models"][name] = {"files": files, "needs": sorted(needs),
                                         "trained": train is not None}

    def close(self):
        with open(os.path.join(self.folder, "manifest.json"), "w") as f:
            json.dump(self.manifest, f, indent=1, sort_keys=True)


# -- Keras 3 ------------------------------------------------------------------------------
def keras3_custom_objects(keras):
    """The registered custom layer and model (kerasnet's tests define the same)."""
    ops = keras.ops

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
            self.scale.assign(self.scale_value)

        def call(self, x):
            return ops.matmul(x, self.kernel) * self.scale + self.bias

        def get_config(self):
            config = super().get_config()
            config.update({"units": self.units, "scale": self.scale_value})
            return config

    @keras.saving.register_keras_serializable(package=PACKAGE)
    class TwoTower(keras.Model):
        """A subclassed model: two Dense towers, a list of heads, own weight."""

        def __init__(self, units=4, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.left = keras.layers.Dense(units, activation="tanh")
            self.right = ScaledDense(units)
            self.heads = [keras.layers.Dense(2), keras.layers.Dense(2)]
            self.norm = keras.layers.LayerNormalization()
            self.offset = self.add_weight(shape=(2,), initializer="zeros", name="offset")

        def call(self, x):
            h = self.norm(self.left(x) + self.right(x))
            return self.heads[0](h) - self.heads[1](h) + self.offset

        def get_config(self):
            config = super().get_config()
            config["units"] = self.units
            return config

    return ScaledDense, TwoTower


def make_keras3():
    import keras

    keras.utils.set_random_seed(0)
    L = keras.layers
    out = Writer(keras, os.path.join(FIXTURES, "keras3"), keras.__version__)
    rng = _rng(0)
    ScaledDense, TwoTower = keras3_custom_objects(keras)

    def data(n, *shape):
        return rng.normal(size=(n,) + shape).astype("float32")

    # Sequential, trained with Adam (optimizer state saved).
    model = keras.Sequential([
        keras.Input((6,)), L.Dense(8, activation="relu"), L.Dropout(0.2),
        L.Dense(4, activation="softmax"),
    ], name="seq_dense")
    model.compile(keras.optimizers.Adam(0.01), "categorical_crossentropy", metrics=["accuracy"])
    tx, ty = data(16, 6), np.eye(4, dtype="float32")[rng.integers(0, 4, 16)]
    model.fit(tx, ty, epochs=2, batch_size=8, verbose=0)
    out.write("seq_dense", model, data(5, 6), {"Dense", "Dropout"}, train=(tx, ty),
              weights=".weights.h5")

    # Normalization and activation layers; moving statistics trained.
    model = keras.Sequential([
        keras.Input((5,)), L.Dense(6), L.BatchNormalization(), L.ReLU(),
        L.Dense(6), L.LayerNormalization(), L.LeakyReLU(0.1), L.Dense(6), L.ELU(),
        L.Dense(6), L.PReLU(), L.Dense(3), L.Softmax(), L.Activation("tanh"),
        L.Identity(),
    ], name="seq_norm")
    model.compile(keras.optimizers.SGD(0.05, momentum=0.9), "mse")
    tx, ty = data(32, 5), data(32, 3)
    model.fit(tx, ty, epochs=3, batch_size=8, verbose=0)
    out.write("seq_norm", model, data(4, 5),
              {"Dense", "BatchNormalization", "ReLU", "LayerNormalization", "LeakyReLU",
               "ELU", "PReLU", "Softmax", "Activation", "Identity"}, train=(tx, ty))

    # Functional: two inputs, a shared layer, every merging layer, two outputs.
    a = keras.Input((4,), name="a")
    b = keras.Input((4,), name="b")
    shared = L.Dense(4, activation="tanh", name="shared")
    sa, sb = shared(a), shared(b)
    merged = [L.Add()([sa, sb]), L.Subtract()([sa, sb]), L.Multiply()([sa, sb]),
              L.Average()([sa, sb]), L.Maximum()([sa, sb]), L.Minimum()([sa, sb])]
    cat = L.Concatenate(name="cat")(merged)
    dot = L.Dot(axes=1, normalize=True)([sa, sb])
    y1 = L.Dense(3, name="out_a")(cat)
    y2 = L.Dense(1, name="out_b")(L.Concatenate()([cat, dot]))
    model = keras.Model([a, b], [y1, y2], name="functional_multi")
    model.compile(keras.optimizers.RMSprop(0.01), ["mse", "mae"])
    tx, ty = [data(16, 4), data(16, 4)], [data(16, 3), data(16, 1)]
    model.fit(tx, ty, epochs=2, batch_size=8, verbose=0)
    out.write("functional_multi", model, [data(3, 4), data(3, 4)],
              {"Dense", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum",
               "Concatenate", "Dot"}, train=(tx, ty))

    # Nested: a Sequential and a Functional model used as layers.
    inner_seq = keras.Sequential([keras.Input((6,)), L.Dense(5, activation="relu"),
                                  L.Dense(4)], name="inner_seq")
    ii = keras.Input((4,))
    inner_fun = keras.Model(ii, L.Dense(3)(L.BatchNormalization()(ii)), name="inner_fun")
    x = keras.Input((6,), name="x")
    h = inner_seq(x)
    y = inner_fun(h)
    model = keras.Model(x, L.Dense(2)(L.Concatenate()([h, y])), name="nested")
    model.compile(keras.optimizers.Adam(0.01), "mse")
    tx, ty = data(16, 6), data(16, 2)
    model.fit(tx, ty, epochs=2, batch_size=8, verbose=0)
    out.write("nested", model, data(3, 6), {"Dense", "BatchNormalization", "Concatenate"},
              train=(tx, ty), weights=".weights.h5")

    # Embedding and reshaping layers.
    tokens = keras.Input((5,), dtype="int32", name="tokens")
    e = L.Embedding(12, 4)(tokens)
    p = L.Permute((2, 1))(e)
    r = L.Reshape((20,))(p)
    f = L.Flatten()(L.RepeatVector(2)(L.Dense(3)(r)))
    model = keras.Model(tokens, L.Dense(2)(f), name="embedding")
    out.write("embedding", model, rng.integers(0, 12, (4, 5)).astype("int32"),
              {"Embedding", "Permute", "Reshape", "RepeatVector", "Flatten", "Dense"})

    # A registered custom layer inside a Sequential.
    model = keras.Sequential([keras.Input((3,)), ScaledDense(4, scale=0.5, name="scaled"),
                              L.Dense(2)], name="custom_layer")
    model.compile("adam", "mse")
    tx, ty = data(8, 3), data(8, 2)
    model.fit(tx, ty, epochs=1, verbose=0)
    out.write("custom_layer", model, data(3, 3), {"Dense"}, train=(tx, ty))

    # A registered subclassed model.
    model = TwoTower(units=4, name="two_tower")
    model(data(2, 3))
    model.compile(keras.optimizers.Adam(0.01), "mse")
    tx, ty = data(8, 3), data(8, 2)
    model.fit(tx, ty, epochs=1, verbose=0)
    out.write("subclassed", model, data(3, 3), {"Dense", "LayerNormalization"},
              train=(tx, ty), weights=".weights.h5")

    # Convolutions and pooling (kerasnet's tests skip it while it lacks them).
    img = keras.Input((8, 8, 2))
    c = L.Conv2D(4, 3, padding="same", activation="relu")(img)
    c = L.MaxPooling2D()(c)
    c = L.Conv2D(3, 3, strides=1, padding="valid")(c)
    g1 = L.GlobalAveragePooling2D()(c)
    g2 = L.GlobalMaxPooling2D()(c)
    a2 = L.Flatten()(L.AveragePooling2D(pool_size=2)(c))
    model = keras.Model(img, L.Dense(3)(L.Concatenate()([g1, g2, a2])), name="conv")
    model.compile("adam", "mse")
    tx, ty = data(8, 8, 8, 2), data(8, 3)
    model.fit(tx, ty, epochs=1, verbose=0)
    out.write("conv", model, data(2, 8, 8, 2),
              {"Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D",
               "GlobalMaxPooling2D", "Flatten", "Dense", "Concatenate"}, train=(tx, ty))
    out.close()


def make_keras3_rnn():
    """Recurrent models: every RNN layer and option whose weights or semantics
    a file could get wrong (gate order, GRU bias rows, masks, go_backwards,
    Bidirectional naming, stacked cells, initial states)."""
    import keras

    keras.utils.set_random_seed(1)
    L = keras.layers
    out = Writer(keras, os.path.join(FIXTURES, "keras3_rnn"), keras.__version__)
    rng = _rng(2)

    def data(n, *shape):
        return rng.normal(size=(n,) + shape).astype("float32")

    def tokens(n, length, vocab):
        x = rng.integers(1, vocab, (n, length)).astype("int32")
        for i in range(n):  # padded at the end, a different length per sample
            x[i, length - (i % length):] = 0
        return x

    # Stacked LSTM and GRU, trained with Adam (optimizer state saved).
    model = keras.Sequential([keras.Input((6, 4)), L.LSTM(5, return_sequences=True), L.GRU(3),
                              L.Dense(2)], name="seq_lstm_gru")
    model.compile(keras.optimizers.Adam(0.01), "mse")
    tx, ty = data(16, 6, 4), data(16, 2)
    model.fit(tx, ty, epochs=2, batch_size=8, verbose=0)
    out.write("seq_lstm_gru", model, data(5, 6, 4), {"LSTM", "GRU", "Dense"}, train=(tx, ty),
              weights=".weights.h5")

    # Masks from Embedding(mask_zero) through two Bidirectional layers.
    model = keras.Sequential([
        keras.Input((7,), dtype="int32"), L.Embedding(12, 4, mask_zero=True),
        L.Bidirectional(L.LSTM(3, return_sequences=True)),
        L.Bidirectional(L.GRU(2), merge_mode="sum"), L.Dense(1, activation="sigmoid"),
    ], name="masked_bidirectional")
    model.compile(keras.optimizers.RMSprop(0.01), "binary_crossentropy")
    tx, ty = tokens(16, 7, 12), rng.integers(0, 2, (16, 1)).astype("float32")
    model.fit(tx, ty, epochs=2, batch_size=8, verbose=0)
    out.write("masked_bidirectional", model, tokens(6, 7, 12),
              {"Embedding", "Bidirectional", "LSTM", "GRU", "Dense"}, train=(tx, ty),
              weights=".weights.h5")

    # go_backwards, reset_after=False, non-default activations, states out. (No
    # Masking here: Keras 3 writes its mask into a Functional config as
    # NotEqual/Any op nodes, which kerasnet does not load; see masking_seq.)
    x = keras.Input((5, 3))
    h = L.SimpleRNN(4, return_sequences=True, go_backwards=True)(x)
    h = L.GRU(3, reset_after=False, return_sequences=True, activation="relu")(h)
    y, sh, sc = L.LSTM(2, return_state=True, recurrent_activation="hard_sigmoid")(h)
    model = keras.Model(x, L.Dense(1)(L.Concatenate()([y, sh, sc])), name="rnn_options")
    xs = data(4, 5, 3)
    xs[1, 3:] = 0.0
    xs[2, :2] = 0.0
    out.write("rnn_options", model, xs, {"SimpleRNN", "GRU", "LSTM", "Dense", "Concatenate"})

    # RNN over stacked cells, between TimeDistributed layers.
    model = keras.Sequential([
        keras.Input((4, 3)), L.TimeDistributed(L.Dense(5)),
        L.RNN([L.LSTMCell(3), L.GRUCell(2), L.SimpleRNNCell(2)], return_sequences=True),
        L.TimeDistributed(L.Dense(1)),
    ], name="stacked_cells")
    out.write("stacked_cells", model, data(3, 4, 3),
              {"TimeDistributed", "RNN", "LSTMCell", "GRUCell", "SimpleRNNCell", "Dense"})

    # Encoder-decoder: the decoder starts from the encoder's states.
    enc_in, dec_in = keras.Input((5, 3), name="enc"), keras.Input((4, 2), name="dec")
    _, h, c = L.LSTM(4, return_state=True, name="encoder")(enc_in)
    dec = L.LSTM(4, return_sequences=True, name="decoder")(dec_in, initial_state=[h, c])
    model = keras.Model([enc_in, dec_in], L.Dense(2)(dec), name="seq2seq")
    model.compile(keras.optimizers.Adam(0.01), "mse")
    tx, ty = [data(8, 5, 3), data(8, 4, 2)], data(8, 4, 2)
    model.fit(tx, ty, epochs=1, verbose=0)
    out.write("seq2seq", model, [data(3, 5, 3), data(3, 4, 2)], {"LSTM", "Dense"}, train=(tx, ty))

    # Masking in a Sequential model: all-zero steps skipped by the recurrent layers.
    model = keras.Sequential([keras.Input((5, 3)), L.Masking(0.0),
                              L.LSTM(3, return_sequences=True, go_backwards=True),
                              L.SimpleRNN(2), L.Dense(1)], name="masking_seq")
    xs = data(4, 5, 3)
    xs[1, 3:] = 0.0
    xs[2, :2] = 0.0
    xs[3, 1] = 0.0
    out.write("masking_seq", model, xs, {"Masking", "LSTM", "SimpleRNN", "Dense"})

    # Convolutional LSTMs: 2D with "same" padding and states out, 1D strided, 3D.
    frames = keras.Input((3, 6, 6, 2))
    seq = L.ConvLSTM2D(3, 3, padding="same", return_sequences=True)(frames)
    y, h, c = L.ConvLSTM2D(2, (2, 3), return_state=True, go_backwards=True)(seq)
    merged = L.Concatenate()([L.Flatten()(y), L.Flatten()(h), L.Flatten()(c)])
    model = keras.Model(frames, L.Dense(2)(merged), name="conv_lstm2d")
    out.write("conv_lstm2d", model, data(2, 3, 6, 6, 2), {"ConvLSTM2D", "Concatenate", "Flatten", "Dense"})
    model = keras.Sequential([keras.Input((4, 9, 2)), L.ConvLSTM1D(3, 3, strides=2),
                              L.Flatten(), L.Dense(1)], name="conv_lstm1d")
    out.write("conv_lstm1d", model, data(3, 4, 9, 2), {"ConvLSTM1D", "Flatten", "Dense"})
    model = keras.Sequential([keras.Input((2, 4, 4, 4, 1)), L.ConvLSTM3D(2, 2, padding="same"),
                              L.Flatten(), L.Dense(1)], name="conv_lstm3d")
    out.write("conv_lstm3d", model, data(2, 2, 4, 4, 4, 1), {"ConvLSTM3D", "Flatten", "Dense"})
    out.close()


def keras3_attention_custom_objects(keras):
    """The registered token + position embedding of keras.io's "Text classification with
    Transformer" (kerasnet's saving_models.py defines the same)."""
    ops = keras.ops

    @keras.saving.register_keras_serializable(package=PACKAGE)
    class TokenAndPositionEmbedding(keras.layers.Layer):
        """Embedding(tokens) + Embedding(positions 0..T-1)."""

        def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
            super().__init__(**kwargs)
            self.maxlen, self.vocab_size, self.embed_dim = maxlen, vocab_size, embed_dim
            self.token_emb = keras.layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
            self.pos_emb = keras.layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

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
        """Attention and causal AdditiveAttention on Embedding(mask_zero) masks, concatenated
        and mask-averaged (a subclassed model: a Functional config would write the masks as
        op nodes)."""

        def __init__(self, vocab=15, dim=4, **kwargs):
            super().__init__(**kwargs)
            self.vocab, self.dim = vocab, dim
            self.emb = keras.layers.Embedding(vocab, dim, mask_zero=True)
            self.dot = keras.layers.Attention(use_scale=True)
            self.additive = keras.layers.AdditiveAttention()
            self.cat = keras.layers.Concatenate()
            self.pool = keras.layers.GlobalAveragePooling1D()
            self.head = keras.layers.Dense(2)

        def call(self, inputs):
            eq, ev = self.emb(inputs[0]), self.emb(inputs[1])
            a = self.cat([self.dot([eq, ev]), self.additive([eq, ev, ev], use_causal_mask=True)])
            return self.head(self.pool(a))

        def get_config(self):
            config = super().get_config()
            config.update({"vocab": self.vocab, "dim": self.dim})
            return config

    return TokenAndPositionEmbedding, MaskedAttention


def make_keras3_attention():
    """Attention models: EinsumDense, Attention/AdditiveAttention with masks and scores,
    MultiHeadAttention (self, cross with scores, causal, Embedding(mask_zero) masks, 2-D
    attention axes), GroupedQueryAttention, and keras.io's small transformer classifier."""
    import keras

    keras.utils.set_random_seed(3)
    L = keras.layers
    out = Writer(keras, os.path.join(FIXTURES, "keras3_attention"), keras.__version__)
    rng = _rng(4)
    TokenAndPositionEmbedding, MaskedAttention = keras3_attention_custom_objects(keras)

    def data(n, *shape):
        return rng.normal(size=(n,) + shape).astype("float32")

    def tokens(n, length, vocab):
        x = rng.integers(1, vocab, (n, length)).astype("int32")
        for i in range(n):  # padded at the end, a different length per sample
            x[i, length - (i % (length - 1)):] = 0
        return x

    # EinsumDense in its three equation forms, trained with Adam.
    x = keras.Input((5, 8))
    h = L.EinsumDense("ab...,bc->ac...", output_shape=3, bias_axes="c")(x)
    h = L.EinsumDense("abc,cde->abde", output_shape=(None, 2, 4), bias_axes="de", activation="relu")(h)
    h = L.EinsumDense("abcd,cde->abe", output_shape=(None, 6), bias_axes="e")(h)
    y = L.EinsumDense("...b,bc->...c", output_shape=2)(h)
    model = keras.Model(x, y, name="einsum_dense")
    model.compile(keras.optimizers.Adam(0.01), "mse")
    tx, ty = data(16, 5, 8), data(16, 3, 2)
    model.fit(tx, ty, epochs=2, batch_size=8, verbose=0)
    out.write("einsum_dense", model, data(4, 5, 8), {"EinsumDense"}, train=(tx, ty))

    # Attention and AdditiveAttention on Embedding(mask_zero) masks; causal; a masked pooling.
    model = MaskedAttention(15, 4, name="attention_masked")
    tx, ty = [tokens(16, 6, 15), tokens(16, 7, 15)], data(16, 2)
    model(tx)
    model.compile(keras.optimizers.Adam(0.01), "mse")
    model.fit(tx, ty, epochs=2, batch_size=8, verbose=0)
    out.write("attention_masked", model, [tokens(5, 6, 15), tokens(5, 7, 15)],
              {"Embedding", "Attention", "AdditiveAttention", "Concatenate", "GlobalAveragePooling1D", "Dense"},
              train=(tx, ty))

    # Concat scores, a key input, and the attention weights as a second output.
    q, v, k = keras.Input((4, 3)), keras.Input((5, 2)), keras.Input((5, 3))
    o, w = L.Attention(use_scale=True, score_mode="concat")([q, v, k], return_attention_scores=True)
    model = keras.Model([q, v, k], [L.Dense(2)(o), w], name="attention_scores")
    out.write("attention_scores", model, [data(3, 4, 3), data(3, 5, 2), data(3, 5, 3)],
              {"Attention", "Dense"})

    # Self-attention block (the fused path in Keras), trained with Adam.
    x = keras.Input((6, 8))
    h = L.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
    h = L.LayerNormalization(epsilon=1e-6)(L.Add()([x, h]))
    model = keras.Model(x, L.Dense(3)(h), name="mha_self")
    model.compile(keras.optimizers.Adam(0.01), "mse")
    tx, ty = data(16, 6, 8), data(16, 6, 3)
    model.fit(tx, ty, epochs=2, batch_size=8, verbose=0)
    out.write("mha_self", model, data(4, 6, 8), {"MultiHeadAttention", "LayerNormalization", "Add", "Dense"},
              train=(tx, ty), weights=".weights.h5")

    # Cross-attention with a key, value_dim, output_shape, and the scores as an output.
    q, v, k = keras.Input((4, 8)), keras.Input((6, 8)), keras.Input((6, 5))
    o, w = L.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=3, output_shape=7,
                                bias_initializer="random_normal")(q, v, k, return_attention_scores=True)
    model = keras.Model([q, v, k], [o, w], name="mha_cross")
    out.write("mha_cross", model, [data(3, 4, 8), data(3, 6, 8), data(3, 6, 5)], {"MultiHeadAttention"})

    # Causal self-attention with a gate, and 2-D attention axes.
    x = keras.Input((5, 8))
    h = L.MultiHeadAttention(num_heads=2, key_dim=3, use_gate=True)(x, x, use_causal_mask=True)
    model = keras.Model(x, L.Dense(2)(h), name="mha_causal")
    out.write("mha_causal", model, data(3, 5, 8), {"MultiHeadAttention", "Dense"})
    x = keras.Input((3, 4, 6))
    h = L.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(1, 2))(x, x)
    model = keras.Model(x, L.Dense(2)(L.Flatten()(h)), name="mha_axes")
    out.write("mha_axes", model, data(3, 3, 4, 6), {"MultiHeadAttention", "Flatten", "Dense"})

    # Masks from Embedding(mask_zero) through MultiHeadAttention to a masked pooling.
    t = keras.Input((7,), dtype="int32")
    e = L.Embedding(20, 8, mask_zero=True)(t)
    h = L.MultiHeadAttention(num_heads=2, key_dim=4)(e, e)
    h = L.LayerNormalization(epsilon=1e-6)(L.Add()([e, h]))
    # (Flatten: a layer with a `mask` argument here would make Keras write the mask as op nodes.)
    model = keras.Model(t, L.Dense(1)(L.Flatten()(h)), name="mha_masked")
    model.compile(keras.optimizers.Adam(0.01), "mse")
    tx, ty = tokens(16, 7, 20), data(16, 1)
    model.fit(tx, ty, epochs=2, batch_size=8, verbose=0)
    out.write("mha_masked", model, tokens(5, 7, 20),
              {"Embedding", "MultiHeadAttention", "LayerNormalization", "Add", "Flatten", "Dense"},
              train=(tx, ty))

    # Grouped-query attention, causal, trained with Adam.
    x = keras.Input((6, 8))
    h = L.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)(x, x, use_causal_mask=True)
    model = keras.Model(x, L.Dense(2)(h), name="gqa")
    model.compile(keras.optimizers.Adam(0.01), "mse")
    tx, ty = data(16, 6, 8), data(16, 6, 2)
    model.fit(tx, ty, epochs=2, batch_size=8, verbose=0)
    out.write("gqa", model, data(4, 6, 8), {"GroupedQueryAttention", "Dense"}, train=(tx, ty))

    # keras.io "Text classification with Transformer": token + position embedding (a
    # registered custom layer), one transformer block, pooling, classifier; trained.
    maxlen, vocab, embed_dim, heads, ff_dim = 10, 30, 16, 2, 16
    t = keras.Input((maxlen,), dtype="int32")
    x = TokenAndPositionEmbedding(maxlen, vocab, embed_dim)(t)
    att = L.MultiHeadAttention(num_heads=heads, key_dim=embed_dim)(x, x)
    h = L.LayerNormalization(epsilon=1e-6)(L.Add()([x, L.Dropout(0.1)(att)]))
    ffn = L.Dense(embed_dim)(L.Dense(ff_dim, activation="relu")(h))
    h = L.LayerNormalization(epsilon=1e-6)(L.Add()([h, L.Dropout(0.1)(ffn)]))
    h = L.Dropout(0.1)(L.GlobalAveragePooling1D()(h))
    h = L.Dropout(0.1)(L.Dense(20, activation="relu")(h))
    model = keras.Model(t, L.Dense(2, activation="softmax")(h), name="transformer")
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    tx, ty = rng.integers(0, vocab, (32, maxlen)).astype("int32"), rng.integers(0, 2, (32,)).astype("int32")
    model.fit(tx, ty, epochs=2, batch_size=8, verbose=0)
    out.write("transformer", model, rng.integers(0, vocab, (4, maxlen)).astype("int32"),
              {"MultiHeadAttention", "LayerNormalization", "Add", "Dropout", "Dense", "GlobalAveragePooling1D",
               "Embedding"}, train=(tx, ty), weights=".weights.h5")
    out.close()


# -- tf.keras 2 (legacy .h5) ----------------------------------------------------------------
def make_tf2():
    import tensorflow as tf

    keras = tf.keras
    keras.utils.set_random_seed(0)
    L = keras.layers
    out = Writer(keras, os.path.join(FIXTURES, "tf2"), tf.__version__)
    rng = _rng(1)

    def data(n, *shape):
        return rng.normal(size=(n,) + shape).astype("float32")

    model = keras.Sequential([
        L.Dense(8, activation="relu", input_shape=(6,)), L.Dropout(0.2),
        L.BatchNormalization(), L.Dense(4, activation="softmax"),
    ], name="seq_dense")
    model.compile(keras.optimizers.Adam(0.01), "categorical_crossentropy")
    tx, ty = data(16, 6), np.eye(4, dtype="float32")[rng.integers(0, 4, 16)]
    model.fit(tx, ty, epochs=2, batch_size=8, verbose=0)
    out.write("seq_dense", model, data(5, 6), {"Dense", "Dropout", "BatchNormalization"},
              formats=(".h5",), weights="_weights.h5")

    a = keras.Input((4,), name="a")
    b = keras.Input((4,), name="b")
    shared = L.Dense(4, activation="tanh", name="shared")
    sa, sb = shared(a), shared(b)
    cat = L.Concatenate()([L.Add()([sa, sb]), L.Multiply()([sa, sb])])
    y1 = L.Dense(3, name="out_a")(cat)
    y2 = L.Dense(1, name="out_b")(L.LayerNormalization()(cat))
    model = keras.Model([a, b], [y1, y2], name="functional_multi")
    out.write("functional_multi", model, [data(3, 4), data(3, 4)],
              {"Dense", "Add", "Multiply", "Concatenate", "LayerNormalization"},
              formats=(".h5",), weights="_weights.h5")

    inner = keras.Sequential([L.Dense(5, activation="relu", input_shape=(6,)), L.Dense(4)],
                             name="inner")
    x = keras.Input((6,), name="x")
    model = keras.Model(x, L.Dense(2, name="head")(inner(x)), name="nested")
    out.write("nested", model, data(3, 6), {"Dense"}, formats=(".h5",),
              weights="_weights.h5")

    tokens = keras.Input((5,), dtype="int32")
    e = L.Flatten()(L.Embedding(12, 4)(tokens))
    model = keras.Model(tokens, L.Dense(2)(e), name="embedding")
    out.write("embedding", model, rng.integers(0, 12, (4, 5)).astype("int32"),
              {"Embedding", "Flatten", "Dense"}, formats=(".h5",))
    out.close()


def make_keras3_norm():
    """Normalization models: GroupNormalization (channels last, a middle axis, groups=-1),
    UnitNormalization, RMSNormalization over one and two axes, masks through them."""
    import keras

    keras.utils.set_random_seed(5)
    L = keras.layers
    out = Writer(keras, os.path.join(FIXTURES, "keras3_norm"), keras.__version__)
    rng = _rng(6)

    def data(n, *shape):
        return (rng.normal(size=(n,) + shape) * 2 + 0.5).astype("float32")

    # Trained with Adam, so gamma, beta and scale are not their initial values.
    model = keras.Sequential([keras.Input((5, 8)), L.Dense(8), L.GroupNormalization(groups=4),
                              L.RMSNormalization(), L.Flatten(), L.Dense(2)], name="group_rms")
    model.compile(keras.optimizers.Adam(0.01), "mse")
    tx, ty = data(16, 5, 8), data(16, 2)
    model.fit(tx, ty, epochs=2, batch_size=8, verbose=0)
    out.write("group_rms", model, data(4, 5, 8),
              {"Dense", "GroupNormalization", "RMSNormalization", "Flatten"}, train=(tx, ty))

    # Non-default axes, groups=-1 (instance normalization), no center / scale.
    x = keras.Input((6, 4, 3))
    h = L.GroupNormalization(groups=3, axis=1, epsilon=1e-4)(x)
    h = L.GroupNormalization(groups=-1, center=False)(h)
    h = L.RMSNormalization(axis=[2, 3], epsilon=1e-5)(h)  # Keras broadcasts scale: trailing axes
    h = L.UnitNormalization(axis=[2, 3])(h)
    h = L.GroupNormalization(groups=1, axis=-1, scale=False)(h)
    model = keras.Model(x, L.Dense(2)(L.Flatten()(h)), name="norm_axes")
    model.compile(keras.optimizers.SGD(0.1), "mse")
    tx, ty = data(8, 6, 4, 3), data(8, 2)
    model.fit(tx, ty, epochs=2, batch_size=4, verbose=0)
    out.write("norm_axes", model, data(3, 6, 4, 3),
              {"GroupNormalization", "RMSNormalization", "UnitNormalization", "Dense", "Flatten"},
              train=(tx, ty))

    # Embedding(mask_zero) masks through GroupNormalization and UnitNormalization to an LSTM.
    tokens = rng.integers(1, 10, (6, 5)).astype("int32")
    for i in range(6):
        tokens[i, 5 - (i % 5):] = 0
    model = keras.Sequential([keras.Input((5,), dtype="int32"), L.Embedding(10, 6, mask_zero=True),
                              L.GroupNormalization(groups=2), L.UnitNormalization(), L.LSTM(3),
                              L.Dense(1)], name="masked_norm")
    out.write("masked_norm", model, tokens,
              {"Embedding", "GroupNormalization", "UnitNormalization", "LSTM", "Dense"})
    out.close()


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("keras3", "keras3_rnn", "keras3_attention", "keras3_norm",
                                                 "tf2"):
        sys.exit(__doc__)
    if sys.argv[1] == "keras3":
        os.environ.setdefault("KERAS_BACKEND", "jax")
        make_keras3()
    elif sys.argv[1] == "keras3_rnn":
        os.environ.setdefault("KERAS_BACKEND", "jax")
        make_keras3_rnn()
    elif sys.argv[1] == "keras3_attention":
        os.environ.setdefault("KERAS_BACKEND", "jax")
        make_keras3_attention()
    elif sys.argv[1] == "keras3_norm":
        os.environ.setdefault("KERAS_BACKEND", "jax")
        make_keras3_norm()
    else:
        make_tf2()
