"""Softmax layer (with mask support)."""

from kerasnet import ops
from kerasnet.layers.layer import Layer


class Softmax(Layer):
    """Softmax activation along `axis`; masked positions get zero probability.

    Args:
        axis: integer or tuple of integers, the axes of normalization.

    Call arguments:
        inputs: the logits.
        mask: boolean tensor broadcastable to inputs (True = keep).
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs, mask=None):
        if mask is not None:
            adder = ops.multiply(ops.subtract(1.0, ops.cast(mask, inputs.dtype)), -1e9)
            inputs = ops.add(inputs, adder)
        if isinstance(self.axis, (tuple, list)):
            if len(self.axis) > 1:
                outputs = ops.exp(ops.subtract(inputs, ops.logsumexp(inputs, axis=self.axis, keepdims=True)))
            else:
                outputs = ops.softmax(inputs, axis=self.axis[0])
        else:
            outputs = ops.softmax(inputs, axis=self.axis)
        if mask is not None:
            # As Keras: masked positions are exactly 0, also where a whole axis is masked.
            outputs = ops.multiply(outputs, ops.cast(mask, outputs.dtype))
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
