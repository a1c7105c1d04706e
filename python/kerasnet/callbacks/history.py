"""History: the per-epoch logs of fit (returned by fit as `history`)."""

from kerasnet.callbacks.callback import Callback


class History(Callback):
    """Records `history.history[metric] = [value per epoch]` and `history.epoch`."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epoch.append(epoch)
        for k, v in logs.items():
            self.history.setdefault(k, []).append(v)
        self.model.history = self
