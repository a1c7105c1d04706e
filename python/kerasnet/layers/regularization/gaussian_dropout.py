"""GaussianDropout: multiplies inputs by 1-centered Gaussian noise in training."""

import math

from kerasnet import ops, random
from kerasnet.layers.layer import Layer


class GaussianDropout(Layer):
    """Multiplies the inputs by Gaussian noise of mean 1 and standard deviation
    sqrt(rate / (1 - rate)) during training (the variance of `Dropout(rate)`'s
    rescaled Bernoulli mask). Inference (training False) passes inputs through.

    Args:
        rate: float in [0, 1), drop probability as with `Dropout`.
        seed: a Python integer used as random seed.

    Call arguments:
        inputs: a tensor of any rank.
        training: whether to apply the noise (True) or pass through (False).

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:

    >>> layer = kerasnet.layers.GaussianDropout(0.2, seed=0)
    >>> layer(np.ones((2, 3)), training=True).shape
    (2, 3)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(
                "Invalid value received for argument `rate`. Expected a float "
                f"value between 0 and 1. Received: rate={rate}"
            )
        self.rate = rate
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed) if seed is not None else None
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate >= 1:
            # Keras accepts rate=1 at construction; the noise would be infinite.
            raise ValueError(
                "GaussianDropout with argument `rate`=1 has noise of infinite "
                "standard deviation sqrt(rate / (1 - rate)) and cannot run in "
                f"training. Expected rate < 1. Received: rate={self.rate}"
            )
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = random.normal(ops.shape(inputs), mean=1.0, stddev=stddev,
                              dtype=self.compute_dtype, seed=self.seed_generator)
        return ops.multiply(inputs, noise)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
