"""CSVLogger: stream the epoch logs to a CSV file."""

import collections.abc
import csv
import os

import numpy as np

from kerasnet.callbacks.callback import Callback


def _cell(value):
    """A log value as written in a CSV cell."""
    if isinstance(value, str):
        return value
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    if isinstance(value, collections.abc.Iterable):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Callback that streams epoch results to a CSV file.

    The first row holds the column names: `epoch`, then the log keys in sorted
    order (fixed at the first epoch; a key missing later is written as `NA`).
    Values that are 1-D iterables, such as numpy arrays, are written as a
    quoted list.

    Args:
        filename: name of the CSV file, e.g. `"run/log.csv"` (a string or a
            path-like object).
        separator: string used to separate the cells. Defaults to `","`.
        append: if `True`, append to the file when it exists (useful to
            continue a training run; no second header is written); if
            `False`, overwrite it.

    Example:

    ```python
    csv_logger = CSVLogger("training.log")
    model.fit(x_train, y_train, callbacks=[csv_logger])
    ```
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        if isinstance(filename, os.PathLike):
            filename = os.fspath(filename)
        if not isinstance(filename, str) or not filename:
            raise TypeError(
                "CSVLogger: `filename` must be a non-empty string or path. "
                f"Received: filename={filename!r}"
            )
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(
                "CSVLogger: `separator` must be a one-character string. "
                f"Received: separator={separator!r}"
            )
        self.filename = filename
        self.sep = separator
        self.append = bool(append)
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        self.append_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, "r", newline="") as f:
                self.append_header = not bool(f.readline())
        mode = "a" if self.append else "w"
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, mode, newline="")
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs.keys())
        if self.writer is None:
            self.writer = csv.DictWriter(
                self.csv_file,
                fieldnames=["epoch"] + self.keys,
                delimiter=self.sep,
                lineterminator="\n",
            )
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((k, _cell(logs.get(k, "NA"))) for k in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
