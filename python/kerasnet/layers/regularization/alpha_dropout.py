"""AlphaDropout: dropout that keeps the self-normalizing property of SELU."""

from kerasnet import ops, random
from kerasnet.layers.layer import Layer

# SELU's constants; a dropped unit takes SELU's negative saturation value.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """Dropout that keeps the mean and variance of its inputs: during training
    each unit is, with probability `rate`, set to SELU's negative saturation
    value alpha' = -scale * alpha, and the result goes through the affine map
    a * x + b with a = ((1 - rate) * (1 + rate * alpha'^2))^-1/2 and
    b = -a * alpha' * rate, so zero-mean unit-variance inputs stay so. It suits
    `selu` activations. Inference (training False) passes inputs through.

    Args:
        rate: float in [0, 1), the fraction of units to drop.
        noise_shape: 1-D shape of the binary mask applied to the input (None
            entries take the input's size), e.g. (batch, 1, features) to drop
            the same features at every timestep.
        seed: a Python integer used as random seed.

    Call arguments:
        inputs: a tensor of any rank.
        training: whether to drop (True) or pass through (False).

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:

    >>> layer = kerasnet.layers.AlphaDropout(0.1, seed=0)
    >>> layer(np.ones((2, 3)), training=True).shape
    (2, 3)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(
                "Invalid value received for argument `rate`. Expected a float "
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
            # Keras accepts rate=1 at construction; the scale `a` is infinite.
            raise ValueError(
                "AlphaDropout with argument `rate`=1 drops every unit and its "
                "rescaling factor ((1 - rate) * (1 + rate * alpha'^2))^-1/2 is "
                f"infinite. Expected rate < 1 in training. Received: rate={self.rate}"
            )
        shape = tuple(ops.shape(inputs))
        if self.noise_shape is not None:
            shape = tuple(shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        keep = ops.greater_equal(random.uniform(shape, seed=self.seed_generator), self.rate)
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        x = ops.where(keep, inputs, ops.cast(alpha_p, inputs.dtype))
        return ops.add(ops.multiply(x, ops.cast(a, inputs.dtype)), ops.cast(b, inputs.dtype))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed,
                       "noise_shape": list(self.noise_shape) if self.noise_shape else None})
        return config
