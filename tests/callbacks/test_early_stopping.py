"""EarlyStopping against Keras' documented semantics."""

import kerasnet as keras
import numpy as np
import pytest
from callback_helpers import FakeModel, dense_model
from kerasnet.callbacks import EarlyStopping


def drive(callback, values, monitor="val_loss", model=None, weights=None):
    """Feeds one monitored value per epoch; returns the epochs that ran."""
    model = model or FakeModel()
    callback.set_model(model)
    callback.on_train_begin()
    ran = []
    for epoch, value in enumerate(values):
        if weights is not None:
            model.set_weights([weights[epoch]])
        ran.append(epoch)
        callback.on_epoch_end(epoch, {monitor: value})
        if model.stop_training:
            break
    callback.on_train_end()
    return ran


def test_patience_counts_epochs_without_improvement():
    es = EarlyStopping(patience=2)
    ran = drive(es, [1.0, 0.9, 0.95, 0.91, 0.5])
    # Best 0.9 at epoch 1; epochs 2 and 3 do not improve: stop at 3.
    assert ran == [0, 1, 2, 3]
    assert es.stopped_epoch == 3 and es.best == 0.9 and es.best_epoch == 1


def test_patience_zero_stops_at_first_non_improvement():
    assert drive(EarlyStopping(), [3.0, 2.0, 2.0, 1.0]) == [0, 1, 2]


def test_min_delta_small_improvements_do_not_count():
    es = EarlyStopping(min_delta=0.1, patience=1)
    assert drive(es, [1.0, 0.95, 0.92, 0.5]) == [0, 1]
    es = EarlyStopping(min_delta=-0.1, patience=1)  # sign is ignored
    assert es.min_delta == 0.1


def test_max_mode_and_auto_for_loss():
    es = EarlyStopping(monitor="acc", mode="max", patience=1)
    assert drive(es, [0.5, 0.6, 0.55, 0.7], monitor="acc") == [0, 1, 2]
    es = EarlyStopping(monitor="loss")
    drive(es, [1.0], monitor="loss")
    assert es.direction == "min"
    es = EarlyStopping(monitor="val_dense_loss")
    drive(es, [1.0], monitor="val_dense_loss")
    assert es.direction == "min"


def test_auto_mode_uses_the_metric_direction(regression_data):
    x, y = regression_data
    model = dense_model(metrics=["mae"])
    model.fit(x, y, epochs=1, verbose=0)
    es = EarlyStopping(monitor="val_mae")
    es.set_model(model)
    es.on_train_begin()
    es.on_epoch_end(0, {"val_mae": 1.0})
    assert es.direction == "min"
    acc_model = dense_model(metrics=["accuracy"], loss="binary_crossentropy")
    acc_model.fit(x, (y > 0).astype("float32"), epochs=1, verbose=0)
    es = EarlyStopping(monitor="val_accuracy", patience=0)
    ran = drive(es, [0.5, 0.7, 0.6], monitor="val_accuracy", model=acc_model)
    assert es.direction == "max" and ran == [0, 1, 2]


def test_auto_mode_unknown_metric_raises(fake_model):
    es = EarlyStopping(monitor="val_mystery")
    es.set_model(fake_model)
    es.on_train_begin()
    with pytest.raises(ValueError, match="mode='max'"):
        es.on_epoch_end(0, {"val_mystery": 1.0})


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(UserWarning, match="mode 'sideways' is unknown"):
        es = EarlyStopping(mode="sideways")
    assert es.mode == "auto"


def test_missing_monitor_warns_and_never_stops():
    es = EarlyStopping(monitor="val_loss")
    with pytest.warns(
        UserWarning, match="not available. Available metrics are: loss"
    ):
        ran = drive(es, [1.0, 1.0, 1.0], monitor="loss")
    assert ran == [0, 1, 2]


def test_baseline_stops_when_never_beaten():
    # Never below the baseline 0.5: epochs count against patience even when
    # they improve, and the first one that does not improve stops training.
    es = EarlyStopping(baseline=0.5, patience=2)
    assert drive(es, [0.9, 0.8, 0.85, 0.7]) == [0, 1, 2]
    # Without a baseline the same run goes on.
    assert drive(EarlyStopping(patience=2), [0.9, 0.8, 0.85, 0.7]) == [
        0,
        1,
        2,
        3,
    ]
    # An improving epoch is never the one that stops training.
    es = EarlyStopping(baseline=0.5, patience=1)
    assert drive(es, [0.9, 0.8, 0.7, 0.6]) == [0, 1, 2, 3]
    # Beating the baseline restarts patience.
    es = EarlyStopping(baseline=0.5, patience=2)
    assert drive(es, [0.9, 0.4, 0.45, 0.45, 0.45]) == [0, 1, 2, 3]


def test_start_from_epoch_is_a_warm_up():
    es = EarlyStopping(start_from_epoch=3)
    assert drive(es, [1.0] * 10) == [0, 1, 2, 3, 4]


def test_restore_best_weights_with_stand_in_model():
    model = FakeModel()
    es = EarlyStopping(patience=2, restore_best_weights=True)
    ran = drive(
        es,
        [1.0, 0.5, 0.7, 0.8, 0.1],
        model=model,
        weights=[[float(i)] for i in range(5)],
    )
    assert ran == [0, 1, 2, 3]
    np.testing.assert_array_equal(model.get_weights()[0], [1.0])


def test_restore_best_weights_even_if_baseline_never_beaten():
    model = FakeModel()
    es = EarlyStopping(patience=2, baseline=0.1, restore_best_weights=True)
    drive(
        es,
        [1.0, 0.5, 0.7, 0.8],
        model=model,
        weights=[[float(i)] for i in range(4)],
    )
    np.testing.assert_array_equal(model.get_weights()[0], [1.0])


def test_restore_best_weights_in_fit(regression_data):
    x, y = regression_data
    keras.utils.set_random_seed(1)
    model = dense_model(learning_rate=0.3)
    snapshots = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights())
    )
    es = EarlyStopping(
        monitor="val_loss", patience=2, restore_best_weights=True
    )
    # A large learning rate makes the validation loss bounce.
    history = model.fit(
        x[:24],
        y[:24],
        validation_data=(x[24:], y[24:]),
        epochs=12,
        batch_size=4,
        verbose=0,
        callbacks=[record, es],
    )
    best = int(np.argmin(history.history["val_loss"]))
    assert es.best_epoch == best
    for got, want in zip(model.get_weights(), snapshots[best]):
        np.testing.assert_array_equal(got, want)


def test_fit_stops_on_a_flat_loss(flat_data):
    x, y = flat_data
    model = dense_model(use_bias=False)
    es = EarlyStopping(monitor="loss", patience=2)
    history = model.fit(x, y, epochs=10, verbose=0, callbacks=[es])
    # Epoch 0 sets the best; epochs 1 and 2 do not improve.
    assert len(history.history["loss"]) == 3
    assert es.stopped_epoch == 2 and model.stop_training


def test_instance_can_be_reused(flat_data):
    x, y = flat_data
    model = dense_model(use_bias=False)
    es = EarlyStopping(monitor="loss", patience=1)
    assert (
        len(
            model.fit(x, y, epochs=5, verbose=0, callbacks=[es]).history["loss"]
        )
        == 2
    )
    assert (
        len(
            model.fit(x, y, epochs=5, verbose=0, callbacks=[es]).history["loss"]
        )
        == 2
    )


def test_verbose_messages(capsys):
    es = EarlyStopping(patience=0, verbose=1, restore_best_weights=True)
    drive(es, [1.0, 2.0])
    out = capsys.readouterr().out
    assert "Epoch 2: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 1." in out


@pytest.mark.parametrize(
    "kwargs", [{"patience": -1}, {"patience": 1.5}, {"start_from_epoch": -2}]
)
def test_bad_counts(kwargs):
    with pytest.raises(ValueError, match="non-negative integer"):
        EarlyStopping(**kwargs)


def test_bad_monitor_type():
    with pytest.raises(TypeError, match="monitor"):
        EarlyStopping(monitor=3)
