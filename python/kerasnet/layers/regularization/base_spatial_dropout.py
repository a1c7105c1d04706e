"""BaseSpatialDropout: the shared parent of SpatialDropout1D/2D/3D."""

from kerasnet import ops, random
from kerasnet.layers.regularization.dropout import Dropout


class BaseSpatialDropout(Dropout):
    """Dropout of whole feature maps: the mask has size 1 on every spatial axis,
    so one draw per (sample, channel) zeroes or rescales the entire map.
    Subclasses give `_noise_shape(inputs)`.

    Args:
        rate: float in [0, 1], the fraction of channels to drop.
        seed: a Python integer used as random seed.
    """

    def __init__(self, rate, seed=None, **kwargs):
        # No `noise_shape` argument: the subclass fixes it (as in Keras).
        super().__init__(rate, noise_shape=None, seed=seed, **kwargs)

    def _noise_shape(self, inputs):
        raise NotImplementedError

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate >= 1:
            return ops.zeros_like(inputs)
        return random.dropout(inputs, self.rate, noise_shape=self._noise_shape(inputs),
                              seed=self.seed_generator)

    def get_config(self):
        config = super().get_config()
        config.pop("noise_shape", None)  # Keras' spatial dropouts have none
        return config
