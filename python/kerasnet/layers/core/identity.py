"""Identity: returns its input unchanged."""

from kerasnet.layers.layer import Layer
from kerasnet.backend.keras_tensor import KerasTensor
from kerasnet.backend import tree


class Identity(Layer):
    """A placeholder layer that returns its input (supports masking)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, inputs):
        return tree.map_structure(lambda x: KerasTensor(x.shape, x.dtype), inputs) if tree.is_nested(
            inputs) else KerasTensor(inputs.shape, inputs.dtype)
