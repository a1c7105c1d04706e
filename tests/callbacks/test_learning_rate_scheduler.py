"""LearningRateScheduler: the rate of each epoch comes from the schedule."""

import math

import kerasnet as keras
import numpy as np
import pytest
from callback_helpers import dense_model
from kerasnet.callbacks import LambdaCallback, LearningRateScheduler


def lr_of(model):
    return float(np.asarray(model.optimizer.learning_rate))


def test_keras_docstring_example():
    def scheduler(epoch, lr):
        return lr if epoch < 10 else lr * math.exp(-0.1)

    model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(10)])
    model.compile(keras.optimizers.SGD(), loss="mse")
    assert round(lr_of(model), 5) == 0.01
    x = np.arange(100, dtype="float32").reshape(5, 20) / 100.0
    model.fit(
        x,
        np.zeros((5, 10)),
        epochs=15,
        verbose=0,
        callbacks=[LearningRateScheduler(scheduler)],
    )
    assert round(lr_of(model), 5) == 0.00607


def test_rate_is_set_before_each_epoch_and_logged(regression_data):
    x, y = regression_data
    model = dense_model()
    seen = []
    spy = LambdaCallback(
        on_train_batch_begin=lambda batch, logs: (
            seen.append(lr_of(model)) if batch == 0 else None
        )
    )
    sched = LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    history = model.fit(
        x, y, epochs=3, batch_size=16, verbose=0, callbacks=[sched, spy]
    )
    np.testing.assert_allclose(seen, [0.1, 0.05, 0.1 / 3], rtol=1e-6)
    np.testing.assert_allclose(
        history.history["learning_rate"], [0.1, 0.05, 0.1 / 3], rtol=1e-6
    )


def test_one_argument_schedule_and_initial_epoch(regression_data):
    x, y = regression_data
    model = dense_model()
    epochs = []

    def schedule(epoch):
        epochs.append(epoch)
        return 0.001 * (epoch + 1)

    model.fit(
        x,
        y,
        epochs=4,
        initial_epoch=2,
        verbose=0,
        callbacks=[LearningRateScheduler(schedule)],
    )
    assert epochs == [2, 3]
    assert lr_of(model) == pytest.approx(0.004)


def test_schedule_receives_the_current_rate():
    model = dense_model(learning_rate=0.5)
    received = []

    def schedule(epoch, lr):
        received.append(lr)
        return lr / 2

    sched = LearningRateScheduler(schedule)
    sched.set_model(model)
    for epoch in range(3):
        sched.on_epoch_begin(epoch)
    np.testing.assert_allclose(received, [0.5, 0.25, 0.125])


def test_zero_rate_freezes_the_weights(regression_data):
    x, y = regression_data
    model = dense_model()
    model.build((None, 3))
    before = model.get_weights()
    model.fit(
        x,
        y,
        epochs=2,
        verbose=0,
        callbacks=[LearningRateScheduler(lambda e, lr: 0.0)],
    )
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_numpy_and_tensor_scalars_are_accepted():
    model = dense_model()
    for value in (
        np.float32(0.25),
        np.float64(0.5),
        1,
        keras.ops.convert_to_tensor(np.float32(0.125)),
    ):
        sched = LearningRateScheduler(lambda e, lr, v=value: v)
        sched.set_model(model)
        sched.on_epoch_begin(0)
        assert lr_of(model) == pytest.approx(float(np.asarray(value)))


@pytest.mark.parametrize("bad", ["0.1", None, [0.1], True])
def test_non_float_output_raises(bad):
    model = dense_model()
    sched = LearningRateScheduler(lambda e, lr: bad)
    sched.set_model(model)
    with pytest.raises(ValueError, match="should be a float"):
        sched.on_epoch_begin(0)


def test_non_callable_schedule():
    with pytest.raises(TypeError, match="schedule"):
        LearningRateScheduler(0.1)


def test_optimizer_with_a_schedule_cannot_take_a_float():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    decay = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9)
    model.compile(keras.optimizers.SGD(learning_rate=decay), loss="mse")
    sched = LearningRateScheduler(lambda e, lr: 0.01)
    sched.set_model(model)
    with pytest.raises(TypeError, match="learning_rate"):
        sched.on_epoch_begin(0)


def test_verbose_message(capsys):
    model = dense_model()
    sched = LearningRateScheduler(lambda e, lr: 0.5, verbose=1)
    sched.set_model(model)
    sched.on_epoch_begin(0)
    assert "Epoch 1: LearningRateScheduler setting learning rate to 0.5." in (
        capsys.readouterr().out
    )
