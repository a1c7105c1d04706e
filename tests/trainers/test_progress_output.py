"""What fit/evaluate/predict print: nothing with verbose=0; with stdout not a
terminal, one plain line per epoch for verbose 1 and 2."""

import re

import numpy as np
from trainer_helpers import linear_model

X = np.random.default_rng(61).standard_normal((40, 3)).astype("float32")
Y = np.zeros((40, 1), "float32")


def test_verbose_0_prints_nothing(capsys):
    model = linear_model(metrics=["mae"])
    model.fit(X, Y, epochs=2, batch_size=10, verbose=0, validation_split=0.25)
    model.evaluate(X, Y, verbose=0)
    model.predict(X, verbose=0)
    assert capsys.readouterr().out == ""


def test_verbose_1_prints_one_line_per_epoch_when_not_a_terminal(capsys):
    model = linear_model(metrics=["mae"])
    history = model.fit(X, Y, epochs=3, batch_size=10, verbose=1, validation_data=(X, Y))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6
    assert lines[0::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    for epoch, line in enumerate(lines[1::2]):
        assert "\r" not in line and "\x1b" not in line and "\b" not in line
        assert line.startswith("4/4 ")
        assert re.search(r"\d+(us|ms|s)/step", line)
        for key in ("loss", "mae", "val_loss", "val_mae"):
            value = history.history[key][epoch]
            assert re.search(rf"(?<![_a-z]){key}: {value:.4f}", line), (key, line)


def test_verbose_2_prints_one_line_per_epoch_without_a_bar(capsys):
    model = linear_model()
    model.fit(X, Y, epochs=2, batch_size=10, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert "━" not in lines[1] and lines[1].startswith("4/4")
    assert "loss: " in lines[1]


def test_evaluate_and_predict_progress(capsys):
    model = linear_model()
    model.evaluate(X, Y, batch_size=10, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("4/4 ") and "loss: " in lines[0]
    model.predict(X, batch_size=20, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("2/2 ")
