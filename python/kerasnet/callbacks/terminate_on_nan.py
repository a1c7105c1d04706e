"""TerminateOnNaN: stop training when the loss becomes NaN or infinite."""

import math

import numpy as np

from kerasnet.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Terminates training when a NaN or infinite loss is encountered.

    The loss of each training batch is checked. By default training stops
    gracefully: `model.stop_training` is set, the current epoch ends and every
    callback's `on_train_end` runs. With `raise_error=True` a RuntimeError is
    raised at once instead, skipping the other callbacks' clean-up (useful to
    keep a backup intact when training fails).

    Args:
        raise_error: if `True`, raise RuntimeError on a NaN/Inf loss instead
            of stopping gracefully. Defaults to `False`.

    Example:

    ```python
    model.fit(x, y, callbacks=[keras.callbacks.TerminateOnNaN()])
    ```
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = bool(raise_error)

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        value = float(np.asarray(loss))
        if math.isfinite(value):
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. "
                f"Loss value: {value}. Terminating training immediately."
            )
        print(f"Batch {batch}: Invalid loss, terminating training", flush=True)
        self.model.stop_training = True
