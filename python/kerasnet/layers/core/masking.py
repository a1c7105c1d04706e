"""Masking: marks the time steps whose features all equal a value as skipped."""

from kerasnet import ops
from kerasnet.layers.layer import Layer
from kerasnet.saving.serialization_lib import deserialize_keras_object


class Masking(Layer):
    """Masks a sequence by using a mask value to skip timesteps.

    A time step (axis 1) whose features all equal `mask_value` is masked: its
    output is zeros and the mask (batch, timesteps), False there, goes to the
    layers downstream (an RNN then carries its state over that step).

    Args:
        mask_value: the value marking a padded feature (default 0.0).

    Example:

    >>> x = np.ones((2, 4, 3), "float32"); x[:, 1] = 0.0
    >>> masked = kerasnet.layers.Masking(0.0)(x)
    >>> np.asarray(masked._keras_mask)
    array([[ True, False,  True,  True],
           [ True, False,  True,  True]])
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(mask_value, dict) and mask_value.get("config") is not None:
            mask_value = deserialize_keras_object(mask_value)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs, mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return ops.where(keep, inputs, ops.zeros_like(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
