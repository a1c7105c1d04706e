"""LambdaCallback: a callback made of plain functions."""

from kerasnet.callbacks.callback import Callback

_HOOKS = tuple(
    name
    for name in dir(Callback)
    if name.startswith("on_") and callable(getattr(Callback, name))
)


class LambdaCallback(Callback):
    """Callback for creating simple, custom callbacks on the fly.

    Each function replaces the hook of the same name and is called with the
    hook's positional arguments:

    - `on_epoch_begin` and `on_epoch_end`: `(epoch, logs)`
    - `on_train_begin` and `on_train_end`: `(logs)`
    - `on_train_batch_begin` and `on_train_batch_end`: `(batch, logs)`
    - any other hook of `Callback` (`on_test_begin`, `on_predict_batch_end`,
      ...) may be passed as a keyword argument with the same arguments.

    Args:
        on_epoch_begin: called at the beginning of every epoch.
        on_epoch_end: called at the end of every epoch.
        on_train_begin: called at the beginning of model training.
        on_train_end: called at the end of model training.
        on_train_batch_begin: called at the beginning of every train batch.
        on_train_batch_end: called at the end of every train batch.
        **kwargs: other `Callback` hooks, as `hook_name=function`.

    Example:

    ```python
    batch_print_callback = LambdaCallback(
        on_train_batch_begin=lambda batch, logs: print(batch))
    json_log = open("loss_log.json", mode="wt", buffering=1)
    json_logging_callback = LambdaCallback(
        on_epoch_end=lambda epoch, logs: json_log.write(
            json.dumps({"epoch": epoch, "loss": logs["loss"]}) + "\\n"),
        on_train_end=lambda logs: json_log.close())
    model.fit(x, y, callbacks=[batch_print_callback, json_logging_callback])
    ```
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        unknown = sorted(k for k in kwargs if k not in _HOOKS)
        if unknown:
            raise TypeError(
                f"LambdaCallback got unexpected keyword argument(s) {unknown}; "
                f"expected callback hooks such as {', '.join(_HOOKS)}"
            )
        hooks = dict(kwargs)
        hooks.update(
            on_epoch_begin=on_epoch_begin,
            on_epoch_end=on_epoch_end,
            on_train_begin=on_train_begin,
            on_train_end=on_train_end,
            on_train_batch_begin=on_train_batch_begin,
            on_train_batch_end=on_train_batch_end,
        )
        for name, fn in hooks.items():
            if fn is None:
                continue
            if not callable(fn):
                raise TypeError(
                    f"LambdaCallback: `{name}` must be callable. "
                    f"Received: {name}={fn!r}"
                )
            setattr(self, name, fn)
