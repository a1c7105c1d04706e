"""CSVLogger: the file it writes, row by row."""

import csv

import numpy as np
import pytest
from callback_helpers import FakeModel, dense_model
from kerasnet.callbacks import CSVLogger


def rows(path, sep=","):
    with open(path, newline="") as f:
        return list(csv.reader(f, delimiter=sep))


def test_epoch_rows_match_history(tmp_path, regression_data):
    x, y = regression_data
    path = tmp_path / "log.csv"
    model = dense_model(metrics=["mae"])
    history = model.fit(
        x[:24],
        y[:24],
        validation_data=(x[24:], y[24:]),
        epochs=3,
        verbose=0,
        callbacks=[CSVLogger(str(path))],
    )
    table = rows(path)
    assert table[0] == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert len(table) == 4
    for epoch, row in enumerate(table[1:]):
        assert int(row[0]) == epoch
        for key, cell in zip(table[0][1:], row[1:]):
            # Written with repr(float): the exact value comes back.
            assert float(cell) == history.history[key][epoch]


def test_separator_and_pathlike(tmp_path, regression_data):
    x, y = regression_data
    path = tmp_path / "log.tsv"
    dense_model().fit(
        x, y, epochs=2, verbose=0, callbacks=[CSVLogger(path, separator="\t")]
    )
    table = rows(path, "\t")
    assert table[0] == ["epoch", "loss"] and len(table) == 3


def test_append_keeps_rows_and_writes_one_header(tmp_path, regression_data):
    x, y = regression_data
    path = tmp_path / "log.csv"
    model = dense_model()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[CSVLogger(path)])
    model.fit(
        x, y, epochs=2, verbose=0, callbacks=[CSVLogger(path, append=True)]
    )
    table = rows(path)
    assert [r[0] for r in table] == ["epoch", "0", "1", "0", "1"]


def test_overwrite_by_default(tmp_path, regression_data):
    x, y = regression_data
    path = tmp_path / "log.csv"
    path.write_text("old content\nmore\n")
    dense_model().fit(x, y, epochs=1, verbose=0, callbacks=[CSVLogger(path)])
    assert rows(path)[0] == ["epoch", "loss"] and len(rows(path)) == 2


def test_append_to_empty_file_writes_header(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("")
    logger = CSVLogger(path, append=True)
    logger.set_model(FakeModel())
    logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 0.5})
    logger.on_train_end()
    assert rows(path) == [["epoch", "loss"], ["0", "0.5"]]


def test_keys_fixed_at_first_epoch_and_special_values(tmp_path):
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    logger.set_model(FakeModel())
    logger.on_train_begin()
    logger.on_epoch_end(
        0, {"b": np.float32(2.5), "a": np.array([1, 2]), "c": "text"}
    )
    logger.on_epoch_end(1, {"a": np.array(3.0), "d": 9.0})
    logger.on_train_end()
    assert logger.csv_file.closed
    assert rows(path) == [
        ["epoch", "a", "b", "c"],
        ["0", '"[1, 2]"', "2.5", "text"],
        ["1", "3.0", "NA", "NA"],
    ]


def test_bad_arguments():
    with pytest.raises(TypeError, match="filename"):
        CSVLogger(None)
    with pytest.raises(ValueError, match="separator"):
        CSVLogger("x.csv", separator=",,")
