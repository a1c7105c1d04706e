"""ModelCheckpoint: saves the model or its weights during fit (Keras 3)."""

import os
import warnings

import numpy as np

from kerasnet.callbacks.callback import Callback
from kerasnet.callbacks.early_stopping import monitor_direction


class ModelCheckpoint(Callback):
    """Saves the model (`.keras`) or its weights (`.weights.h5`) during `fit`.

    Saves are atomic: a crash during a save leaves the previous file intact.

    Args:
        filepath: where to save; may hold `str.format` fields filled from the
            epoch (1-based), the batch (with an integer `save_freq`) and the
            logs, e.g. "w.{epoch:02d}-{val_loss:.2f}.weights.h5".
        monitor: the log to watch for `save_best_only` (default "val_loss").
        verbose: 1 prints a line for each save decision.
        save_best_only: save only when `monitor` improves on the best so far.
        save_weights_only: save weights (`.weights.h5`) instead of the model
            (`.keras`).
        mode: "auto", "min" or "max": the direction of improvement ("auto":
            losses decrease; metrics use their own direction).
        save_freq: "epoch", or save every this many batches.
        initial_value_threshold: the "best" value to beat at the start.

    Example:

    >>> cb = kerasnet.callbacks.ModelCheckpoint(
    ...     "best.keras", monitor="val_loss", save_best_only=True)
    >>> model.fit(x, y, validation_split=0.2, callbacks=[cb])
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"ModelCheckpoint mode '{mode}' is unknown, fallback to auto mode.",
                stacklevel=2,
            )
            mode = "auto"
        self.mode = mode
        self.best = initial_value_threshold
        self.save_freq = save_freq
        self._direction = None
        self._current_epoch = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool)
                                     or save_freq <= 0):
            raise ValueError(
                f"Unrecognized save_freq: {save_freq}. Expected save_freq are "
                "'epoch' or positive integer values"
            )
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError(
                    "When using `save_weights_only=True` in `ModelCheckpoint`, "
                    "the filepath provided must end in `.weights.h5` (Keras "
                    f"weights format). Received: filepath={self.filepath}"
                )
        elif not self.filepath.endswith(".keras"):
            raise ValueError(
                "The filepath provided must end in `.keras` (Keras model "
                f"format). Received: filepath={self.filepath}"
            )

    # -- hooks ---------------------------------------------------------------------
    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    # -- decisions -------------------------------------------------------------------
    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1  # a new epoch started
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _is_improvement(self, current):
        if self._direction is None:
            self._direction = monitor_direction("ModelCheckpoint", self.model, self.monitor,
                                                self.mode)
        if self.best is None:
            return True
        if self._direction == "max":
            return current > self.best
        return current < self.best

    def _should_save(self, epoch, logs, filepath):
        if not self.save_best_only:
            self._say(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(
                f"Can save best model only with {self.monitor} available.",
                stacklevel=3,
            )
            return True
        if np.ndim(current) > 0:
            warnings.warn(
                "Can save best model only when `monitor` is a scalar value. "
                f"Received: {current}. Falling back to `save_best_only=False`.",
                stacklevel=3,
            )
            return True
        current = float(current)
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current):
            self._say(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                      f"{current:.5f}, saving model to {filepath}")
            self.best = current
            return True
        self._say(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _say(self, message):
        if self.verbose > 0:
            print(message, flush=True)

    def _file_path(self, epoch, batch, logs):
        logs = dict(logs or {})
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {e}'
            ) from None

    def _save_model(self, epoch, batch, logs):
        logs = {k: (float(np.asarray(v)) if np.ndim(v) == 0 else v) for k, v in (logs or {}).items()}
        filepath = self._file_path(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. "
                f"Filepath used is an existing directory: {filepath}"
            )
        dirname = os.path.dirname(filepath)
        if dirname and not os.path.exists(dirname):
            os.makedirs(dirname, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        self._say(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")
