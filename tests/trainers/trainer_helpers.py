"""Small models and recorders shared by the trainer tests."""

import numpy as np

import kerasnet
from kerasnet import layers


def linear_model(w=((1.0,), (-2.0,), (0.5,)), b=(0.25,), lr=0.1, loss="mse", metrics=None):
    """Dense(1) on 3 features with known weights, compiled with SGD."""
    model = kerasnet.Sequential([kerasnet.Input((3,)), layers.Dense(1)])
    model.set_weights([np.array(w, "float32"), np.array(b, "float32")])
    model.compile(kerasnet.optimizers.SGD(lr), loss, metrics=metrics)
    return model


def sgd_mse_step(w, b, x, y, lr, sample_weight=None):
    """One SGD step on Keras' mse (mean over units, sum_over_batch_size)."""
    err = x @ w + b - y
    weights = np.ones(len(x)) if sample_weight is None else sample_weight
    g = 2.0 * err * weights[:, None] / (len(x) * y.shape[1])
    return w - lr * x.T @ g, b - lr * g.sum(0)


class BatchRecorder(kerasnet.callbacks.Callback):
    """Records batch indices, epochs and the logs the callbacks receive."""

    def __init__(self):
        super().__init__()
        self.batches, self.epochs, self.epoch_logs = [], [], []

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append(batch)

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append(epoch)

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_logs.append(dict(logs or {}))


class SeenInputs(layers.Layer):
    """Identity that records the first feature of every training batch it sees."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []

    def call(self, x, training=None):
        if training:
            self.seen.append(np.asarray(x)[:, 0].copy())
        return x
