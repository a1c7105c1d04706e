"""EarlyStopping: stop training when a monitored quantity stops improving."""

import math
import warnings

import numpy as np

from kerasnet.callbacks.callback import Callback


def _log_value(value):
    """A float from a logs entry (float, numpy scalar or 0-d tensor)."""
    return float(np.asarray(value))


def _check_mode(owner, mode):
    if mode not in ("auto", "min", "max"):
        warnings.warn(
            f"{owner} mode '{mode}' is unknown, fallback to auto mode.",
            stacklevel=3,
        )
        return "auto"
    return mode


def _check_count(owner, name, value):
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or value < 0
    ):
        raise ValueError(
            f"{owner}: `{name}` must be a non-negative integer. "
            f"Received: {name}={value!r}"
        )
    return int(value)


def monitor_direction(owner, model, monitor, mode):
    """ "min" or "max": from `mode`, else from the monitored metric.

    In "auto" mode a name ending in "loss" (after an optional "val_" prefix) is
    minimized; any other name is looked up among the model's metrics, whose
    `_direction` ("up" / "down") decides. Unknown names raise ValueError, as in
    Keras, since guessing the direction wrong silently would stop training at
    the wrong time.
    """
    if mode in ("min", "max"):
        return mode
    name = monitor.removeprefix("val_")
    if name == "loss" or name.endswith("_loss"):
        return "min"
    for metric in getattr(model, "metrics", None) or []:
        if getattr(metric, "name", None) == name:
            direction = getattr(metric, "_direction", None)
            if direction == "up":
                return "max"
            if direction == "down":
                return "min"
    raise ValueError(
        f"{owner} callback received monitor={monitor}, but kerasnet isn't able "
        "to automatically determine whether that metric should be maximized "
        "or minimized. Pass `mode='max'` in order to monitor based on the "
        "highest metric value, or pass `mode='min'` in order to use the "
        "lowest value."
    )


class EarlyStopping(Callback):
    """Stop training when a monitored metric has stopped improving.

    At the end of every epoch the monitored value (from the epoch logs) is
    compared with the best value so far. After `patience` epochs without an
    improvement larger than `min_delta`, `model.stop_training` is set and
    `fit` ends after that epoch.

    Args:
        monitor: quantity to be monitored. Defaults to `"val_loss"`.
        min_delta: minimum change in the monitored quantity to count as an
            improvement (an absolute change smaller than `min_delta` counts as
            no improvement). Defaults to `0`.
        patience: number of epochs with no improvement after which training
            is stopped. Defaults to `0`.
        verbose: 0 is silent, 1 prints a message when the callback acts.
        mode: one of `"auto"`, `"min"`, `"max"`. In `"min"` mode training
            stops when the quantity has stopped decreasing, in `"max"` mode
            when it has stopped increasing; `"auto"` infers the direction from
            the name of the monitored quantity (losses are minimized, metrics
            follow their own direction). Defaults to `"auto"`.
        baseline: baseline value for the monitored quantity. If not `None`,
            the patience counter only restarts on epochs that improve on both
            the best value so far and the baseline: once `patience` epochs
            have passed without beating the baseline, the first epoch that
            does not improve stops training.
        restore_best_weights: whether to restore the model weights from the
            epoch with the best value of the monitored quantity when training
            ends. If `False`, the weights of the last epoch are kept. The best
            epoch is restored even if it did not beat the `baseline`.
        start_from_epoch: number of epochs to wait before starting to monitor
            improvement (a warm-up period). Defaults to `0`.

    Example:

    ```python
    callback = keras.callbacks.EarlyStopping(monitor="loss", patience=3)
    model.fit(x, y, epochs=10, callbacks=[callback])
    ```
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__()
        if not isinstance(monitor, str):
            raise TypeError(
                "EarlyStopping: `monitor` must be the name of a logged "
                f"quantity (a string). Received: monitor={monitor!r}"
            )
        self.monitor = monitor
        self.min_delta = abs(float(min_delta))
        self.patience = _check_count("EarlyStopping", "patience", patience)
        self.verbose = verbose
        self.mode = _check_mode("EarlyStopping", mode)
        self.baseline = None if baseline is None else float(baseline)
        self.restore_best_weights = bool(restore_best_weights)
        self.start_from_epoch = _check_count(
            "EarlyStopping", "start_from_epoch", start_from_epoch
        )
        self.direction = None  # "min" or "max", fixed at the first epoch end
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def _is_improvement(self, value, reference):
        if self.direction == "min":
            return value + self.min_delta < reference
        return value - self.min_delta > reference

    def on_train_begin(self, logs=None):
        # Reset so that one instance can serve several calls to fit().
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.direction is None:
            # Decided late: compiled metrics exist only after the first batch.
            self.direction = monitor_direction(
                "EarlyStopping", self.model, self.monitor, self.mode
            )
        if self.best is None:
            self.best = math.inf if self.direction == "min" else -math.inf
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # The first monitored epoch is the best one seen so far.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(
                current, self.baseline
            ):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping", flush=True)
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}.",
                    flush=True,
                )
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which "
                f"is not available. Available metrics are: "
                f"{','.join(logs.keys())}",
                stacklevel=2,
            )
            return None
        return _log_value(value)
