"""ModelCheckpoint and BackupAndRestore."""

import os

import kerasnet as keras
import numpy as np
import pytest

RNG = np.random.default_rng(3)
X = RNG.normal(size=(32, 5)).astype("float32")
Y = (X @ RNG.normal(size=(5, 1))).astype("float32")


def _model(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.01), "mse", metrics=["mae"])
    return model


def test_checkpoint_every_epoch_with_templates(tmp_path):
    pattern = str(tmp_path / "w.{epoch:02d}-{val_loss:.2f}.weights.h5")
    cb = keras.callbacks.ModelCheckpoint(pattern, save_weights_only=True)
    model = _model()
    history = model.fit(X, Y, epochs=3, batch_size=8, validation_split=0.25, verbose=0,
                        callbacks=[cb])
    names = sorted(os.listdir(tmp_path))
    expected = [f"w.{e + 1:02d}-{v:.2f}.weights.h5"
                for e, v in enumerate(history.history["val_loss"])]
    assert names == sorted(expected)
    fresh = _model(seed=1)
    # As in Keras, an optimizer that was never built skips its saved state.
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        fresh.load_weights(tmp_path / expected[-1])
    np.testing.assert_array_equal(fresh.predict(X, verbose=0), model.predict(X, verbose=0))


def test_checkpoint_save_best_only_min_and_max(tmp_path):
    model = _model()
    path = tmp_path / "best.keras"
    cb = keras.callbacks.ModelCheckpoint(path, monitor="loss", save_best_only=True)
    saved = []

    class Spy(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            saved.append(os.path.getmtime(path) if path.exists() else None)

    model.fit(X, Y, epochs=3, batch_size=8, verbose=0, callbacks=[cb, Spy()])
    assert path.exists() and cb.best is not None
    loaded = keras.models.load_model(path)
    assert loaded.compiled
    # "max" on a decreasing loss: only the first epoch is saved.
    path2 = tmp_path / "first.weights.h5"
    cb2 = keras.callbacks.ModelCheckpoint(path2, monitor="loss", mode="max",
                                          save_best_only=True, save_weights_only=True)
    model = _model()
    history = model.fit(X, Y, epochs=3, batch_size=8, verbose=0, callbacks=[cb2])
    assert cb2.best == pytest.approx(max(history.history["loss"]))
    # A threshold no epoch beats: nothing is written.
    path3 = tmp_path / "never.keras"
    cb3 = keras.callbacks.ModelCheckpoint(path3, monitor="loss", save_best_only=True,
                                          initial_value_threshold=-1.0)
    _model().fit(X, Y, epochs=2, verbose=0, callbacks=[cb3])
    assert not path3.exists()


def test_checkpoint_auto_mode_uses_the_metric_direction(tmp_path):
    model = _model()
    cb = keras.callbacks.ModelCheckpoint(tmp_path / "m.keras", monitor="mae",
                                         save_best_only=True)
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[cb])
    assert cb._direction == "min"
    bad = keras.callbacks.ModelCheckpoint(tmp_path / "m.keras", monitor="mystery",
                                          save_best_only=True)
    with pytest.warns(UserWarning, match="mystery"):  # not in the logs: saves anyway
        _model().fit(X, Y, epochs=1, verbose=0, callbacks=[bad])
    with pytest.raises(ValueError, match="mode="):
        bad._is_improvement(1.0)


def test_checkpoint_save_freq_in_batches(tmp_path):
    pattern = str(tmp_path / "b{epoch}-{batch}.weights.h5")
    cb = keras.callbacks.ModelCheckpoint(pattern, save_weights_only=True, save_freq=3)
    _model().fit(X, Y, epochs=2, batch_size=8, verbose=0, callbacks=[cb])  # 4 batches/epoch
    assert sorted(os.listdir(tmp_path)) == ["b1-3.weights.h5", "b2-2.weights.h5"]


@pytest.mark.parametrize("kwargs, match", [
    ({"filepath": "m.h5", "save_weights_only": True}, r"must end in `\.weights\.h5`"),
    ({"filepath": "m.weights.h5"}, r"must end in `\.keras`"),
    ({"filepath": "m.keras", "save_freq": "often"}, "save_freq"),
])
def test_checkpoint_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        keras.callbacks.ModelCheckpoint(**kwargs)


class _Interrupt(keras.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("interrupted")


# With a batch frequency the last backup of an epoch is taken before the
# epoch ends, so that epoch runs again (as in Keras).
@pytest.mark.parametrize("save_freq, rerun", [("epoch", [3, 4]), (2, [2, 3, 4])])
def test_backup_and_restore_resumes_at_the_right_epoch(tmp_path, save_freq, rerun):
    backup = tmp_path / "backup"
    reference = _model()
    reference.fit(X, Y, epochs=5, batch_size=8, shuffle=False, verbose=0)

    model = _model()
    cb = keras.callbacks.BackupAndRestore(backup, save_freq=save_freq)
    with pytest.raises(RuntimeError, match="interrupted"):
        model.fit(X, Y, epochs=5, batch_size=8, shuffle=False, verbose=0,
                  callbacks=[cb, _Interrupt(3)])
    assert (backup / "latest.weights.h5").exists()

    resumed = _model(seed=7)  # a new process would start from fresh weights
    epochs_run = []

    class Spy(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            epochs_run.append(epoch)

    resumed.fit(X, Y, epochs=5, batch_size=8, shuffle=False, verbose=0,
                callbacks=[keras.callbacks.BackupAndRestore(backup, save_freq=save_freq), Spy()])
    assert epochs_run == rerun
    if save_freq == "epoch":  # weights and optimizer state resumed exactly
        np.testing.assert_allclose(resumed.predict(X, verbose=0),
                                   reference.predict(X, verbose=0), rtol=0, atol=1e-6)
    assert not backup.exists()  # deleted once training finished
    # The next fit starts from epoch 0 again.
    epochs_run.clear()
    resumed.fit(X, Y, epochs=2, verbose=0, callbacks=[Spy()])
    assert epochs_run == [0, 1]


def test_backup_keeps_checkpoint_and_double_checkpoint(tmp_path):
    backup = tmp_path / "b"
    cb = keras.callbacks.BackupAndRestore(backup, double_checkpoint=True, delete_checkpoint=False)
    _model().fit(X, Y, epochs=2, verbose=0, callbacks=[cb])
    assert sorted(os.listdir(backup)) == ["latest.weights.h5", "latest.weights.h5.bkp",
                                          "training_metadata.json", "training_metadata.json.bkp"]
    # A corrupted latest backup falls back to the previous one.
    (backup / "latest.weights.h5").write_bytes(b"broken")
    model = _model()
    model.fit(X, Y, epochs=3, verbose=0,
              callbacks=[keras.callbacks.BackupAndRestore(backup, double_checkpoint=True)])
    with pytest.raises(ValueError, match="backup_dir"):
        keras.callbacks.BackupAndRestore("")
