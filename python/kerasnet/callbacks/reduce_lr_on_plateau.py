"""ReduceLROnPlateau: lower the learning rate when a metric stops improving."""

import math
import warnings

import numpy as np

from kerasnet.callbacks.callback import Callback
from kerasnet.callbacks.early_stopping import _check_count, _check_mode


class ReduceLROnPlateau(Callback):
    """Reduce the learning rate when a metric has stopped improving.

    Models often benefit from reducing the learning rate by a factor of 2-10
    once learning stagnates. This callback monitors a quantity and, if no
    improvement is seen for `patience` epochs, multiplies the learning rate
    by `factor` (never going below `min_lr`). The current learning rate is
    added to the epoch logs as `"learning_rate"` (the rate used during
    that epoch, before any reduction at its end).

    Args:
        monitor: quantity to be monitored. Defaults to `"val_loss"`.
        factor: factor by which the learning rate is reduced:
            `new_lr = lr * factor`. Must be smaller than 1.
        patience: number of epochs with no improvement after which the
            learning rate is reduced. Defaults to `10`.
        verbose: 0 is quiet, 1 prints a message at each reduction.
        mode: one of `"auto"`, `"min"`, `"max"`. In `"min"` mode the learning
            rate is reduced when the quantity has stopped decreasing, in
            `"max"` mode when it has stopped increasing; in `"auto"` mode a
            monitor whose name contains `"acc"` is maximized and any other is
            minimized (Keras' rule).
        min_delta: threshold for measuring the new optimum, to only focus on
            significant changes. Defaults to `1e-4`.
        cooldown: number of epochs to wait before resuming normal operation
            after the learning rate has been reduced.
        min_lr: lower bound on the learning rate.

    Example:

    ```python
    reduce_lr = ReduceLROnPlateau(monitor="val_loss", factor=0.2,
                                  patience=5, min_lr=0.001)
    model.fit(x_train, y_train, callbacks=[reduce_lr])
    ```
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
        **kwargs,
    ):
        super().__init__()
        if "epsilon" in kwargs:  # Keras 2 name of `min_delta`
            min_delta = kwargs.pop("epsilon")
        if kwargs:
            raise TypeError(
                "ReduceLROnPlateau got unexpected keyword argument(s): "
                f"{sorted(kwargs)}"
            )
        if not isinstance(monitor, str):
            raise TypeError(
                "ReduceLROnPlateau: `monitor` must be the name of a logged "
                f"quantity (a string). Received: monitor={monitor!r}"
            )
        if not 0.0 <= float(factor) < 1.0:
            raise ValueError(
                "ReduceLROnPlateau does not support a factor >= 1.0 (or a "
                f"negative factor). Received factor={factor}"
            )
        if float(min_lr) < 0:
            raise ValueError(
                "ReduceLROnPlateau: `min_lr` must be >= 0. "
                f"Received: min_lr={min_lr}"
            )
        self.monitor = monitor
        self.factor = float(factor)
        self.min_lr = float(min_lr)
        self.min_delta = float(min_delta)
        self.patience = _check_count("ReduceLROnPlateau", "patience", patience)
        self.verbose = verbose
        self.cooldown = _check_count("ReduceLROnPlateau", "cooldown", cooldown)
        self.mode = _check_mode("Learning rate reduction", mode)
        self.cooldown_counter = 0
        self.wait = 0
        self.best = 0.0
        self._reset()

    def _reset(self):
        """Resets the wait and cooldown counters and the best value."""
        self._maximize = self.mode == "max" or (
            self.mode == "auto" and "acc" in self.monitor
        )
        self.best = -math.inf if self._maximize else math.inf
        self.cooldown_counter = 0
        self.wait = 0

    def monitor_op(self, current, best):
        if self._maximize:
            return current > best + self.min_delta
        return current < best - self.min_delta

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(np.asarray(optimizer.learning_rate))
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                "Learning rate reduction is conditioned on metric "
                f"`{self.monitor}` which is not available. Available metrics "
                f"are: {','.join(logs.keys())}.",
                stacklevel=2,
            )
            return
        current = float(np.asarray(current))
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        old_lr = float(np.asarray(optimizer.learning_rate))
        # Compare in float32, the precision the optimizer stores.
        if old_lr > np.float32(self.min_lr):
            new_lr = max(old_lr * self.factor, self.min_lr)
            optimizer.learning_rate = new_lr
            if self.verbose > 0:
                print(
                    f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing "
                    f"learning rate to {new_lr}.",
                    flush=True,
                )
            self.cooldown_counter = self.cooldown
            self.wait = 0
