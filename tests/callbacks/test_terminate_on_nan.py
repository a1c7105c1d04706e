"""TerminateOnNaN: a NaN or Inf loss ends training (gracefully or not)."""

import numpy as np
import pytest
from callback_helpers import dense_model
from kerasnet.callbacks import LambdaCallback, TerminateOnNaN


def counting():
    state = {"batches": 0, "train_end": 0}
    cb = LambdaCallback(
        on_train_batch_end=lambda b, logs: state.__setitem__(
            "batches", state["batches"] + 1
        ),
        on_train_end=lambda logs: state.__setitem__(
            "train_end", state["train_end"] + 1
        ),
    )
    return state, cb


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_stops_after_the_bad_batch(regression_data, bad, capsys):
    x, y = regression_data
    y = y.copy()
    y[0] = bad
    state, spy = counting()
    model = dense_model()
    history = model.fit(
        x,
        y,
        epochs=5,
        batch_size=8,
        verbose=0,
        shuffle=False,
        callbacks=[TerminateOnNaN(), spy],
    )
    assert state["batches"] == 1 and state["train_end"] == 1
    assert len(history.history["loss"]) == 1
    assert not np.isfinite(history.history["loss"][0])
    assert "Batch 0: Invalid loss, terminating training" in (
        capsys.readouterr().out
    )


def test_finite_losses_train_to_the_end(regression_data):
    x, y = regression_data
    state, spy = counting()
    history = dense_model().fit(
        x,
        y,
        epochs=2,
        batch_size=8,
        verbose=0,
        callbacks=[TerminateOnNaN(), spy],
    )
    assert state["batches"] == 8 and len(history.history["loss"]) == 2


def test_raise_error_skips_cleanup(regression_data):
    x, y = regression_data
    y = y.copy()
    y[9] = np.nan
    state, spy = counting()
    with pytest.raises(
        RuntimeError, match="NaN or Inf loss encountered at batch 1"
    ):
        dense_model().fit(
            x,
            y,
            epochs=2,
            batch_size=8,
            verbose=0,
            shuffle=False,
            callbacks=[TerminateOnNaN(raise_error=True), spy],
        )
    assert state["train_end"] == 0


def test_logs_without_loss_are_ignored(fake_model):
    cb = TerminateOnNaN()
    cb.set_model(fake_model)
    cb.on_train_batch_end(0, {"accuracy": np.nan})
    cb.on_train_batch_end(0, None)
    assert not fake_model.stop_training
