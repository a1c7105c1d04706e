"""The seed document's custom LinearLayer / LinearModel (a TensorFlow.NET Keras
chapter), run verbatim but for `tf.keras` -> `kerasnet`, `tf.zeros_initializer()`
-> `kerasnet.initializers.Zeros()` and `tf.matmul` -> `kerasnet.ops.matmul`;
trained with a hand-written GradientTape loop and with fit."""

import numpy as np
import pytest

import kerasnet


# --- the seed's code (with add_variable), translated as described above -------------
class LinearLayer(kerasnet.layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.units = units

    def build(self, input_shape):     # 这里 input_shape 是第一次运行call()时参数inputs的形状
        self.w = self.add_variable(name='w',
            shape=[input_shape[-1], self.units], initializer=kerasnet.initializers.Zeros())  # noqa: E128
        self.b = self.add_variable(name='b',
            shape=[self.units], initializer=kerasnet.initializers.Zeros())  # noqa: E128

    def call(self, inputs):
        y_pred = kerasnet.ops.matmul(inputs, self.w) + self.b
        return y_pred


class LinearModel(kerasnet.Model):
    def __init__(self):
        super().__init__()
        self.layer = LinearLayer(units=1)

    def call(self, inputs):
        output = self.layer(inputs)
        return output


# --- the same layer written with add_weight ------------------------------------------
class LinearLayerAddWeight(kerasnet.layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(name='w',
            shape=[input_shape[-1], self.units], initializer=kerasnet.initializers.Zeros())  # noqa: E128
        self.b = self.add_weight(name='b',
            shape=[self.units], initializer=kerasnet.initializers.Zeros())  # noqa: E128

    def call(self, inputs):
        y_pred = kerasnet.ops.matmul(inputs, self.w) + self.b
        return y_pred


class LinearModelAddWeight(kerasnet.Model):
    def __init__(self):
        super().__init__()
        self.layer = LinearLayerAddWeight(units=1)

    def call(self, inputs):
        output = self.layer(inputs)
        return output


def line_data(n=400, seed=0):
    """y = 3x + 2 + noise."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 1)).astype("float32")
    y = (3 * x + 2 + rng.normal(0, 0.01, size=(n, 1))).astype("float32")
    return x, y


@pytest.mark.parametrize("model_cls", [LinearModel, LinearModelAddWeight])
def test_seed_model_structure(model_cls):
    model = model_cls()
    out = model(np.ones((4, 3), "float32"))
    assert np.asarray(out).shape == (4, 1) and not np.asarray(out).any()  # zeros init
    assert [w.name for w in model.weights] == ["w", "b"]
    assert [tuple(w.shape) for w in model.trainable_weights] == [(3, 1), (1,)]
    assert model.layer.built and model.layer.units == 1
    assert model.count_params() == 4


@pytest.mark.parametrize("model_cls", [LinearModel, LinearModelAddWeight])
def test_seed_model_recovers_the_line_with_a_gradient_tape_loop(model_cls):
    x, y = line_data()
    model = model_cls()
    optimizer = kerasnet.optimizers.SGD(learning_rate=0.5)
    for _ in range(300):
        with kerasnet.GradientTape() as tape:
            y_pred = model(x)
            loss = kerasnet.ops.mean(kerasnet.ops.square(y_pred - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
    w, b = (float(v.numpy().reshape(-1)[0]) for v in model.layer.weights)
    assert round(w, 2) == 3.0 and round(b, 2) == 2.0
    assert float(np.asarray(loss)) < 2e-4


@pytest.mark.parametrize("model_cls", [LinearModel, LinearModelAddWeight])
def test_seed_model_trains_with_fit(model_cls):
    x, y = line_data(seed=1)
    model = model_cls()
    model.compile(optimizer=kerasnet.optimizers.SGD(learning_rate=0.2), loss="mse")
    history = model.fit(x, y, batch_size=32, epochs=20, verbose=0)
    assert history.history["loss"][-1] < 1e-3 < history.history["loss"][0]
    np.testing.assert_allclose(model.layer.w.numpy()[0, 0], 3.0, atol=0.01)
    np.testing.assert_allclose(model.layer.b.numpy()[0], 2.0, atol=0.01)
    np.testing.assert_allclose(model.predict(np.array([[0.5]], "float32"), verbose=0), [[3.5]],
                               atol=0.02)
