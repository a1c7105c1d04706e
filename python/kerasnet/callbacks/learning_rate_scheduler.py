"""LearningRateScheduler: set the learning rate from `schedule(epoch, lr)`."""

import inspect
import numbers

import numpy as np

from kerasnet.callbacks.callback import Callback


def _positional_arity(fn):
    """How many positional arguments `fn` takes (None if unknown or *args)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    count = 0
    for p in params:
        if p.kind == p.VAR_POSITIONAL:
            return None
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            count += 1
    return count


class LearningRateScheduler(Callback):
    """Learning rate scheduler.

    At the beginning of every epoch this callback calls
    `schedule(epoch, lr)` with the epoch index (from 0) and the current
    learning rate (a float), and sets the optimizer's learning rate to the
    result. A `schedule(epoch)` of one argument is accepted too (the older
    API). The rate is also added to the epoch logs as `"learning_rate"`.

    Args:
        schedule: a function of `(epoch, lr)` returning the new learning rate
            as a float.
        verbose: 0 is quiet, 1 prints a message at each update.

    Example:

    ```python
    def scheduler(epoch, lr):
        return lr if epoch < 10 else lr * math.exp(-0.1)

    callback = keras.callbacks.LearningRateScheduler(scheduler)
    model.fit(x, y, epochs=15, callbacks=[callback])
    ```
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                "LearningRateScheduler: `schedule` must be a function of "
                f"(epoch, lr). Received: schedule={schedule!r}"
            )
        self.schedule = schedule
        self.verbose = verbose

    def _call_schedule(self, epoch, lr):
        arity = _positional_arity(self.schedule)
        if arity == 1:
            return self.schedule(epoch)
        if arity is not None:
            return self.schedule(epoch, lr)
        try:
            return self.schedule(epoch, lr)
        except TypeError:  # a one-argument schedule we could not inspect
            return self.schedule(epoch)

    def _update_optimizer_lr(self, optimizer, epoch):
        if optimizer is None or not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        lr = float(np.asarray(optimizer.learning_rate))
        new_lr = self._call_schedule(epoch, lr)
        if hasattr(new_lr, "shape") and len(new_lr.shape) == 0:
            new_lr = np.asarray(new_lr)[()]
        if isinstance(new_lr, bool) or not isinstance(new_lr, numbers.Real):
            raise ValueError(
                "The output of the `schedule` function should be a float. "
                f"Got: {new_lr!r}"
            )
        optimizer.learning_rate = float(new_lr)
        return float(new_lr)

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        inner = getattr(optimizer, "optimizers", None)
        for idx, opt in enumerate(inner or [optimizer]):
            lr = self._update_optimizer_lr(opt, epoch)
            if self.verbose > 0:
                which = f"{opt.name}_{idx} " if inner else ""
                print(
                    f"\nEpoch {epoch + 1}: LearningRateScheduler setting "
                    f"{which}learning rate to {lr}.",
                    flush=True,
                )

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        optimizer = self.model.optimizer
        inner = getattr(optimizer, "optimizers", None)
        if inner:
            for idx, opt in enumerate(inner):
                key = f"learning_rate_{opt.name}_{idx}"
                logs[key] = float(np.asarray(opt.learning_rate))
        else:
            logs["learning_rate"] = float(np.asarray(optimizer.learning_rate))
