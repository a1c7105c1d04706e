"""Small models and a stand-in model for driving callbacks by hand."""

import kerasnet as keras
import numpy as np


class FakeModel:
    """What a monitoring callback touches: stop_training, weights, metrics."""

    def __init__(self, weights=None, metrics=()):
        self.stop_training = False
        self._weights = [
            np.array(w, dtype="float32") for w in (weights or [[0.0]])
        ]
        self.metrics = list(metrics)

    def get_weights(self):
        return [w.copy() for w in self._weights]

    def set_weights(self, weights):
        self._weights = [np.array(w) for w in weights]


def dense_model(
    units=1,
    input_dim=3,
    use_bias=True,
    learning_rate=0.01,
    metrics=None,
    loss="mse",
):
    model = keras.Sequential(
        [
            keras.Input((input_dim,)),
            keras.layers.Dense(units, use_bias=use_bias),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
        loss=loss,
        metrics=metrics,
    )
    return model
