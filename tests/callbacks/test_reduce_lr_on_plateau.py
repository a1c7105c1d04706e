"""ReduceLROnPlateau: hand-computed schedules of reductions."""

import numpy as np
import pytest
from callback_helpers import dense_model
from kerasnet.callbacks import ReduceLROnPlateau


def lr_of(model):
    return float(np.asarray(model.optimizer.learning_rate))


def drive(callback, model, values, monitor="val_loss"):
    """One value per epoch; the (logged, after) learning rates per epoch."""
    callback.set_model(model)
    callback.on_train_begin()
    logged, after = [], []
    for epoch, value in enumerate(values):
        logs = {monitor: value}
        callback.on_epoch_end(epoch, logs)
        logged.append(logs["learning_rate"])
        after.append(lr_of(model))
    return logged, after


def test_patience_cooldown_and_min_lr():
    model = dense_model(learning_rate=1.0)
    rlr = ReduceLROnPlateau(
        factor=0.5, patience=2, cooldown=1, min_lr=0.2, min_delta=0.0
    )
    logged, after = drive(rlr, model, [1.0] * 9)
    # Epoch 0 sets the best; 2 flat epochs reduce; one cooldown epoch resets
    # the wait; min_lr clamps 0.25 * 0.5 to 0.2 and stops reductions.
    np.testing.assert_allclose(
        after, [1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2], rtol=1e-6
    )
    # Logs hold the rate used during the epoch (before its reduction).
    np.testing.assert_allclose(
        logged, [1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2], rtol=1e-6
    )


def test_improvements_reset_the_wait():
    model = dense_model(learning_rate=1.0)
    rlr = ReduceLROnPlateau(factor=0.1, patience=2)
    _, after = drive(rlr, model, [1.0, 1.0, 0.5, 0.5, 0.4, 0.4, 0.4])
    np.testing.assert_allclose(after, [1, 1, 1, 1, 1, 1, 0.1], rtol=1e-6)


def test_min_delta_threshold():
    model = dense_model(learning_rate=1.0)
    rlr = ReduceLROnPlateau(factor=0.5, patience=1, min_delta=0.1)
    # 1.0 -> 0.95 is not an improvement of more than 0.1.
    _, after = drive(rlr, model, [1.0, 0.95])
    np.testing.assert_allclose(after, [1.0, 0.5], rtol=1e-6)


def test_auto_mode_maximizes_acc_metrics():
    model = dense_model(learning_rate=1.0)
    rlr = ReduceLROnPlateau(monitor="val_accuracy", factor=0.5, patience=1)
    _, after = drive(rlr, model, [0.5, 0.6, 0.7, 0.6], monitor="val_accuracy")
    np.testing.assert_allclose(after, [1, 1, 1, 0.5], rtol=1e-6)
    model = dense_model(learning_rate=1.0)
    rlr = ReduceLROnPlateau(
        monitor="val_loss", mode="max", factor=0.5, patience=1
    )
    _, after = drive(rlr, model, [0.5, 0.4])
    np.testing.assert_allclose(after, [1, 0.5], rtol=1e-6)


def test_in_fit_on_a_flat_loss(flat_data):
    x, y = flat_data
    model = dense_model(use_bias=False, learning_rate=0.1)
    rlr = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[rlr])
    np.testing.assert_allclose(
        history.history["learning_rate"], [0.1, 0.1, 0.05], rtol=1e-6
    )
    assert lr_of(model) == pytest.approx(0.025)


def test_missing_monitor_warns():
    model = dense_model()
    rlr = ReduceLROnPlateau(monitor="val_loss")
    rlr.set_model(model)
    rlr.on_train_begin()
    with pytest.warns(UserWarning, match="`val_loss` which is not available"):
        rlr.on_epoch_end(0, {"loss": 1.0})


def test_verbose_message(capsys):
    model = dense_model(learning_rate=1.0)
    drive(
        ReduceLROnPlateau(factor=0.5, patience=0, verbose=1), model, [1.0, 1.0]
    )
    assert "Epoch 2: ReduceLROnPlateau reducing learning rate to 0.5" in (
        capsys.readouterr().out
    )


def test_unknown_mode_warns():
    with pytest.warns(UserWarning, match="unknown, fallback to auto"):
        assert ReduceLROnPlateau(mode="up").mode == "auto"


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"factor": 1.0}, ValueError, "factor >= 1.0"),
        ({"factor": -0.5}, ValueError, "factor"),
        ({"min_lr": -1.0}, ValueError, "min_lr"),
        ({"patience": -1}, ValueError, "patience"),
        ({"cooldown": 0.5}, ValueError, "cooldown"),
        ({"monitor": None}, TypeError, "monitor"),
        ({"bogus": 1}, TypeError, "bogus"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        ReduceLROnPlateau(**kwargs)


def test_keras2_epsilon_is_min_delta():
    assert ReduceLROnPlateau(epsilon=0.5).min_delta == 0.5
