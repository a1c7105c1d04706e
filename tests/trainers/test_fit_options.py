"""fit options: validation_split / validation_data / validation_freq, class_weight,
sample_weight, initial_epoch; evaluate's return forms; the *_on_batch methods."""

import numpy as np
import pytest
from trainer_helpers import BatchRecorder, linear_model, sgd_mse_step

import kerasnet
from kerasnet import layers

RNG = np.random.default_rng(53)
X = RNG.standard_normal((20, 3)).astype("float32")
Y = RNG.standard_normal((20, 1)).astype("float32")


def mse(model, x, y):
    w, b = model.get_weights()
    return float(((x @ w + b - y) ** 2).mean())


def test_validation_split_holds_out_the_last_samples():
    model = linear_model(lr=0.1)
    w, b = model.get_weights()
    history = model.fit(X, Y, validation_split=0.25, batch_size=15, epochs=1, verbose=0,
                        shuffle=False)
    # Trained on the first 15 samples only, validated on the last 5 after the step.
    w_ref, b_ref = sgd_mse_step(w, b, X[:15], Y[:15], 0.1)
    np.testing.assert_allclose(model.get_weights()[0], w_ref, rtol=1e-5, atol=1e-6)
    val = float(((X[15:] @ w_ref + b_ref - Y[15:]) ** 2).mean())
    assert history.history["val_loss"][0] == pytest.approx(val, rel=1e-5)
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(X, Y, validation_split=1.5, verbose=0)


def test_validation_data_and_metrics_are_prefixed_with_val():
    model = linear_model(metrics=["mae"])
    vx, vy = X[:6] * 2, Y[:6]
    history = model.fit(X, Y, validation_data=(vx, vy), epochs=2, verbose=0)
    assert set(history.history) == {"loss", "mae", "val_loss", "val_mae"}
    assert history.history["val_loss"][-1] == pytest.approx(mse(model, vx, vy), rel=1e-5)
    w, b = model.get_weights()
    assert history.history["val_mae"][-1] == pytest.approx(float(np.abs(vx @ w + b - vy).mean()), rel=1e-5)
    # (x, y, sample_weight) validation tuples weight the validation loss.
    sw = np.array([1, 0, 0, 0, 0, 0], "float32")
    history = model.fit(X, Y, validation_data=(vx, vy, sw), epochs=1, verbose=0)
    w, b = model.get_weights()
    first = float(((vx[:1] @ w + b - vy[:1]) ** 2).mean()) / 6
    assert history.history["val_loss"][0] == pytest.approx(first, rel=1e-5)


@pytest.mark.parametrize("freq, validated", [(2, [1, 3]), ([1, 4], [0, 3])])
def test_validation_freq(freq, validated):
    recorder = BatchRecorder()
    model = linear_model()
    model.fit(X, Y, validation_data=(X, Y), validation_freq=freq, epochs=4, verbose=0,
              callbacks=[recorder])
    has_val = [i for i, logs in enumerate(recorder.epoch_logs) if "val_loss" in logs]
    assert has_val == validated
    assert len(model.history.history["val_loss"]) == len(validated)


def test_sample_weight_is_sum_over_batch_size():
    model = linear_model(lr=0.1)
    w, b = model.get_weights()
    sw = RNG.uniform(0, 2, 20).astype("float32")
    err2 = ((X @ w + b - Y) ** 2)[:, 0]
    assert model.evaluate(X, Y, sample_weight=sw, batch_size=20, verbose=0) == pytest.approx(
        float((err2 * sw).sum() / 20), rel=1e-5)
    model.fit(X, Y, sample_weight=sw, batch_size=20, epochs=1, verbose=0)
    w_ref, _ = sgd_mse_step(w, b, X, Y, 0.1, sample_weight=sw)
    np.testing.assert_allclose(model.get_weights()[0], w_ref, rtol=1e-5, atol=1e-6)


def test_class_weight_weights_each_sample_by_its_class():
    x = RNG.standard_normal((16, 2)).astype("float32")
    labels = np.array([0, 1, 2, 1] * 4)
    model = kerasnet.Sequential([kerasnet.Input((2,)), layers.Dense(3, activation="softmax")])
    model.compile(kerasnet.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    probs = model.predict(x, verbose=0)
    ce = -np.log(probs[np.arange(16), labels])
    weights = np.array([1.0, 3.0, 0.5])[labels]
    h = model.fit(x, labels, class_weight={0: 1.0, 1: 3.0, 2: 0.5}, batch_size=16, epochs=1,
                  verbose=0)
    assert h.history["loss"][0] == pytest.approx(float((ce * weights).mean()), rel=1e-5)
    # One-hot targets use the argmax class.
    model.compile(kerasnet.optimizers.SGD(0.0), "categorical_crossentropy")
    onehot = np.eye(3, dtype="float32")[labels]
    h = model.fit(x, onehot, class_weight={0: 1.0, 1: 3.0, 2: 0.5}, batch_size=16, epochs=1,
                  verbose=0)
    assert h.history["loss"][0] == pytest.approx(float((ce * weights).mean()), rel=1e-5)


def test_initial_epoch_continues_the_count():
    recorder = BatchRecorder()
    model = linear_model()
    history = model.fit(X, Y, epochs=5, initial_epoch=3, verbose=0, callbacks=[recorder])
    assert recorder.epochs == [3, 4] and history.epoch == [3, 4]
    assert len(history.history["loss"]) == 2


def test_evaluate_return_forms():
    model = linear_model()
    loss = model.evaluate(X, Y, verbose=0)
    assert isinstance(loss, float) and loss == pytest.approx(mse(model, X, Y), rel=1e-5)
    model = linear_model(metrics=["mae", "mse"])
    values = model.evaluate(X, Y, verbose=0)
    assert isinstance(values, list) and len(values) == 3
    logs = model.evaluate(X, Y, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "mae", "mse"]
    assert logs["mse"] == pytest.approx(logs["loss"], rel=1e-6)
    assert values == pytest.approx(list(logs.values()))
    assert model.metrics_names == ["loss", "mae", "mse"]


def test_train_test_predict_on_batch():
    model = linear_model(lr=0.1, metrics=["mae"])
    w, b = model.get_weights()
    logs = model.train_on_batch(X, Y, return_dict=True)
    assert logs["loss"] == pytest.approx(float(((X @ w + b - Y) ** 2).mean()), rel=1e-5)
    w_ref, b_ref = sgd_mse_step(w, b, X, Y, 0.1)
    np.testing.assert_allclose(model.get_weights()[0], w_ref, rtol=1e-5, atol=1e-6)
    loss, mae = model.test_on_batch(X, Y)
    assert loss == pytest.approx(float(((X @ w_ref + b_ref - Y) ** 2).mean()), rel=1e-5)
    assert mae == pytest.approx(float(np.abs(X @ w_ref + b_ref - Y).mean()), rel=1e-5)
    pred = model.predict_on_batch(X)
    assert isinstance(pred, np.ndarray)
    np.testing.assert_allclose(pred, X @ w_ref + b_ref, rtol=1e-5, atol=1e-6)
    # test_on_batch does not train; metrics restart at each call.
    assert model.test_on_batch(X, Y)[0] == pytest.approx(loss, rel=1e-6)
    sw = np.zeros(20, "float32")
    sw[0] = 1.0
    assert model.test_on_batch(X, Y, sample_weight=sw)[0] == pytest.approx(
        float(((X[:1] @ w_ref + b_ref - Y[:1]) ** 2).mean()) / 20, rel=1e-5)


def test_loss_and_metrics_in_history_are_epoch_averages():
    model = linear_model(lr=0.0, metrics=["mae"])
    w, b = model.get_weights()
    history = model.fit(X, Y, batch_size=6, epochs=1, verbose=0)
    err = X @ w + b - Y
    # Weighted by batch size: the mean over all samples.
    assert history.history["loss"][0] == pytest.approx(float((err ** 2).mean()), rel=1e-5)
    assert history.history["mae"][0] == pytest.approx(float(np.abs(err).mean()), rel=1e-5)
