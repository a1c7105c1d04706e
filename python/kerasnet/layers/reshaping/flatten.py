"""Flatten: collapses every axis but the batch axis."""

import numpy as np

from kerasnet import ops
from kerasnet.backend.config import image_data_format
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer


class Flatten(Layer):
    """Flattens the input (the batch axis is kept).

    Args:
        data_format: "channels_last" (default) or "channels_first"; with
            channels_first, inputs are moved to channels_last order first so
            that flattened features match Keras' ordering.

    Example: (None, 3, 4) -> (None, 12).
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or image_data_format()
        self.input_spec = InputSpec(min_ndim=1)
        self.built = True

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = ops.moveaxis(inputs, 1, -1)
        return ops.reshape(inputs, (inputs.shape[0], -1) if inputs.ndim > 1 else (inputs.shape[0], 1))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if any(d is None for d in rest):
            return (input_shape[0], None)
        return (input_shape[0], int(np.prod(rest)) if rest else 1)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
