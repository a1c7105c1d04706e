"""GaussianNoise: adds zero-centered Gaussian noise during training."""

from kerasnet import ops, random
from kerasnet.layers.layer import Layer


class GaussianNoise(Layer):
    """Adds zero-centered Gaussian noise to the inputs during training, a form
    of random data augmentation against overfitting. Inference (training False)
    passes inputs through.

    Args:
        stddev: float in [0, 1], standard deviation of the noise.
        seed: a Python integer used as random seed.

    Call arguments:
        inputs: a tensor of any rank.
        training: whether to add noise (True) or pass through (False).

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:

    >>> layer = kerasnet.layers.GaussianNoise(0.1, seed=0)
    >>> layer(np.zeros((2, 3)), training=True).shape
    (2, 3)
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= stddev <= 1:
            raise ValueError(
                "Invalid value received for argument `stddev`. Expected a float "
                f"value between 0 and 1. Received: stddev={stddev}"
            )
        self.stddev = stddev
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed) if seed is not None else None
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        noise = random.normal(ops.shape(inputs), mean=0.0, stddev=self.stddev,
                              dtype=self.compute_dtype, seed=self.seed_generator)
        return ops.add(inputs, noise)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config
