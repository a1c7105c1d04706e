"""Dropout: randomly zeroes inputs during training."""

from kerasnet import ops, random
from kerasnet.layers.layer import Layer


class Dropout(Layer):
    """Sets input units to 0 with frequency `rate` during training; the others
    are scaled by 1 / (1 - rate) so the expected sum is unchanged. Inference
    (training False) passes inputs through.

    Args:
        rate: float in [0, 1), the fraction of units to drop.
        noise_shape: 1-D shape of the binary mask multiplied with the input
            (None entries take the input's size), e.g. (batch, 1, features)
            to drop the same features at every timestep.
        seed: a Python integer used as random seed.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(
                f"Invalid value received for argument `rate`. Expected a float "
                f"value between 0 and 1. Received: rate={rate}"
            )
        self.rate = rate
        self.seed = seed
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        self.seed_generator = random.SeedGenerator(seed) if seed is not None else None
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate >= 1:
            return ops.zeros_like(inputs)
        return random.dropout(inputs, self.rate, noise_shape=self.noise_shape, seed=self.seed_generator)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed,
                       "noise_shape": list(self.noise_shape) if self.noise_shape else None})
        return config
