"""ELU layer."""

from kerasnet import ops
from kerasnet.layers.layer import Layer


class ELU(Layer):
    """Exponential Linear Unit: x for x > 0, alpha * (exp(x) - 1) otherwise.

    Args:
        alpha: float, the slope of the negative section (default 1.0).
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return ops.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["alpha"] = self.alpha
        return config
