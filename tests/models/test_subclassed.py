"""Subclassed models: call, training flag, tracking, build, fit, config."""

import numpy as np
import pytest

import kerasnet
from kerasnet import layers, ops

RNG = np.random.default_rng(41)


class MLP(kerasnet.Model):
    def __init__(self, hidden=8, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.blocks = [layers.Dense(hidden, activation="relu"), layers.Dense(hidden)]
        self.dropout = layers.Dropout(0.5, seed=1)
        self.out = layers.Dense(1)

    def call(self, x, training=None):
        for block in self.blocks:
            x = block(x)
        return self.out(self.dropout(x, training=training))


def test_subclassed_model_call_and_tracking():
    model = MLP(name="mlp")
    assert not model.built and model.weights == []
    x = RNG.standard_normal((4, 3)).astype("float32")
    y = np.asarray(model(x))
    assert model.built and y.shape == (4, 1)
    assert len(model.weights) == 6 and model.count_params() == (3 * 8 + 8) + (8 * 8 + 8) + 9
    assert [layer.name for layer in model.layers][-1] == model.out.name
    # Inference ignores dropout; training does not.
    np.testing.assert_array_equal(np.asarray(model(x, training=False)), y)
    assert not np.allclose(np.asarray(model(x, training=True)), y)


def test_model_init_rejects_unknown_arguments():
    with pytest.raises(TypeError, match="Model.__init__ accepts only"):
        kerasnet.Model(units=3)


def test_build_with_an_input_shape():
    model = MLP()
    model.build((None, 5))
    assert model.built and tuple(model.blocks[0].kernel.shape) == (5, 8)
    with pytest.raises(ValueError, match="input_shape"):
        MLP().build()


def test_fit_a_subclassed_model():
    model = MLP(hidden=16)
    x = RNG.standard_normal((128, 2)).astype("float32")
    y = (x[:, :1] * 2 - x[:, 1:]).astype("float32")
    model.compile(kerasnet.optimizers.Adam(0.01), "mse")
    history = model.fit(x, y, epochs=20, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]


def test_subclassed_model_with_dict_inputs_and_an_own_weight():
    class Mixer(kerasnet.Model):
        def build(self, input_shape):
            self.mix = self.add_weight(shape=(), initializer="ones", name="mix")

        def call(self, inputs):
            return ops.add(inputs["a"], ops.multiply(inputs["b"], self.mix))

    model = Mixer()
    out = model({"a": np.ones((2, 2), "float32"), "b": np.full((2, 2), 3.0, "float32")})
    np.testing.assert_array_equal(np.asarray(out), np.full((2, 2), 4.0))
    assert [w.name for w in model.weights] == ["mix"]


def test_automatic_config_of_a_subclassed_model():
    model = MLP(hidden=4, name="m4")
    config = model.get_config()
    assert config["hidden"] == 4 and config["name"] == "m4"
    clone = MLP.from_config(config)
    assert clone.hidden == 4 and clone.name == "m4"
