"""Keras 3 customizations: overridden train_step / test_step / predict_step,
custom losses and metrics, several outputs with loss_weights, model losses."""

import numpy as np
import pytest

import kerasnet
from kerasnet import layers, ops

RNG = np.random.default_rng(59)
X = RNG.standard_normal((64, 3)).astype("float32")
Y = (X @ np.array([[1.5], [-2.0], [0.5]], "float32") + 1.0).astype("float32")


class CustomModel(kerasnet.Model):
    """The train_step / test_step of Keras 3's "customizing fit" guide."""

    def train_step(self, data):
        x, y = data
        with kerasnet.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply(gradients, trainable_vars)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_overridden_train_and_test_step_with_compiled_loss_and_metrics():
    inputs = kerasnet.Input(shape=(3,))
    model = CustomModel(inputs, layers.Dense(1)(inputs))
    model.compile(optimizer=kerasnet.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    history = model.fit(X, Y, epochs=30, batch_size=16, verbose=0)
    assert set(history.history) == {"loss", "mae"}
    assert history.history["loss"][-1] < 1e-3 < history.history["loss"][0]
    logs = model.evaluate(X, Y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "mae"} and logs["loss"] < 1e-3
    w, b = model.get_weights()
    np.testing.assert_allclose(w[:, 0], [1.5, -2.0, 0.5], atol=0.03)
    np.testing.assert_allclose(b, [1.0], atol=0.03)


def test_train_step_with_own_metrics_and_no_compiled_loss():
    loss_tracker = kerasnet.metrics.Mean(name="loss")
    mae_metric = kerasnet.metrics.MeanAbsoluteError(name="mae")

    class Own(kerasnet.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x, y = data
            with kerasnet.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = kerasnet.losses.mean_squared_error(y, y_pred)
                loss = ops.mean(loss)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply(grads, self.trainable_variables)
            loss_tracker.update_state(loss)
            mae_metric.update_state(y, y_pred)
            return {"loss": loss_tracker.result(), "mae": mae_metric.result()}

        @property
        def metrics(self):
            return [loss_tracker, mae_metric]  # reset at the start of each epoch

    model = Own()
    model.compile(optimizer=kerasnet.optimizers.Adam(0.05))
    history = model.fit(X, Y, epochs=25, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.05 * history.history["loss"][0]
    assert history.history["mae"][-1] < history.history["mae"][0]


def test_overridden_predict_step():
    class Doubling(kerasnet.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

        def predict_step(self, data):
            x = data[0] if isinstance(data, tuple) else data
            return {"raw": self(x, training=False), "twice": ops.multiply(self(x), 2.0)}

    model = Doubling()
    out = model.predict(X, batch_size=20, verbose=0)
    assert set(out) == {"raw", "twice"} and out["raw"].shape == (64, 2)
    np.testing.assert_allclose(out["twice"], 2 * out["raw"], rtol=1e-6)


def test_custom_loss_function_loss_class_and_metrics():
    def scaled_mae(y_true, y_pred):
        return 3.0 * ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)

    class Fourth(kerasnet.losses.Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.power(ops.subtract(y_true, y_pred), 4), axis=-1)

    class MaxError(kerasnet.metrics.Metric):
        def __init__(self, name="max_error", **kwargs):
            super().__init__(name=name, **kwargs)
            self.value = self.add_variable(shape=(), initializer="zeros", name="value")

        def update_state(self, y_true, y_pred, sample_weight=None):
            err = ops.max(ops.abs(ops.subtract(y_true, y_pred)))
            self.value.assign(ops.maximum(self.value, err))

        def result(self):
            return self.value

        def reset_state(self):
            self.value.assign(0.0)

    def first_error(y_true, y_pred):
        return ops.abs(ops.subtract(y_true, y_pred))[:, 0]

    model = kerasnet.Sequential([kerasnet.Input((3,)), layers.Dense(1)])
    model.compile(kerasnet.optimizers.SGD(0.0), loss=scaled_mae, metrics=[MaxError(), first_error])
    w, b = model.get_weights()
    err = np.abs(X @ w + b - Y)
    logs = model.evaluate(X, Y, verbose=0, return_dict=True, batch_size=16)
    assert logs["loss"] == pytest.approx(3 * float(err.mean()), rel=1e-5)
    assert logs["max_error"] == pytest.approx(float(err.max()), rel=1e-5)
    assert logs["first_error"] == pytest.approx(float(err.mean()), rel=1e-5)
    model.compile(kerasnet.optimizers.SGD(0.0), loss=Fourth())
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(float((err ** 4).mean()), rel=1e-4)


def two_output_model():
    inputs = kerasnet.Input((3,), name="x")
    reg = layers.Dense(1, name="reg")(inputs)
    cls = layers.Dense(2, activation="softmax", name="cls")(inputs)
    return inputs, reg, cls


@pytest.mark.parametrize("as_dict", [False, True])
def test_several_outputs_with_loss_weights(as_dict):
    inputs, reg, cls = two_output_model()
    labels = (X[:, 0] > 0).astype("int32")
    if as_dict:
        model = kerasnet.Model(inputs, {"reg": reg, "cls": cls})
        model.compile(kerasnet.optimizers.SGD(0.0),
                      loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                      loss_weights={"reg": 2.0, "cls": 0.5}, metrics={"cls": ["accuracy"]})
        y = {"reg": Y, "cls": labels}
    else:
        model = kerasnet.Model(inputs, [reg, cls])
        model.compile(kerasnet.optimizers.SGD(0.0), loss=["mse", "sparse_categorical_crossentropy"],
                      loss_weights=[2.0, 0.5], metrics=[[], ["accuracy"]])
        y = [Y, labels]
    pred = model.predict(X, verbose=0)
    p_reg, p_cls = (pred["reg"], pred["cls"]) if as_dict else pred
    mse = float(((p_reg - Y) ** 2).mean())
    ce = float(-np.log(p_cls[np.arange(64), labels]).mean())
    logs = model.evaluate(X, y, verbose=0, return_dict=True, batch_size=64)
    assert logs["loss"] == pytest.approx(2.0 * mse + 0.5 * ce, rel=1e-5)
    assert logs["cls_accuracy"] == pytest.approx(float((p_cls.argmax(1) == labels).mean()))


def test_several_outputs_train_together():
    inputs, reg, cls = two_output_model()
    model = kerasnet.Model(inputs, [reg, cls])
    model.compile(kerasnet.optimizers.Adam(0.05), loss=["mse", "sparse_categorical_crossentropy"])
    labels = (X[:, 0] > 0).astype("int32")
    history = model.fit(X, [Y, labels], epochs=40, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    assert (model.predict(X, verbose=0)[1].argmax(1) == labels).mean() > 0.9


def test_layer_losses_join_the_compiled_loss():
    model = kerasnet.Sequential([
        kerasnet.Input((3,)),
        layers.Dense(1, kernel_regularizer=kerasnet.regularizers.L2(0.1)),
    ])
    model.compile(kerasnet.optimizers.SGD(0.0), "mse")
    w, b = model.get_weights()
    expected = float(((X @ w + b - Y) ** 2).mean()) + 0.1 * float((w ** 2).sum())
    assert model.evaluate(X, Y, batch_size=64, verbose=0) == pytest.approx(expected, rel=1e-5)

    class WithAddLoss(kerasnet.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)

        def call(self, x):
            y = self.dense(x)
            self.add_loss(ops.multiply(ops.mean(ops.square(y)), 0.5))
            return y

    model = WithAddLoss()
    model.compile(kerasnet.optimizers.SGD(0.0), "mse")
    model(X)
    w, b = model.get_weights()
    pred = X @ w + b
    expected = float(((pred - Y) ** 2).mean()) + 0.5 * float((pred ** 2).mean())
    assert model.evaluate(X, Y, batch_size=64, verbose=0) == pytest.approx(expected, rel=1e-5)
