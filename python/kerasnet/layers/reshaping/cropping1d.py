"""Cropping1D: removes steps at the start and end of the time axis."""

from kerasnet.layers.convolutional.base_conv import standardize_tuple
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer


class Cropping1D(Layer):
    """Cropping layer for 1D input (e.g. temporal sequence).

    Crops along the time dimension (axis 1).

    Args:
        cropping: int, or tuple of 2 ints: how many units to trim off at the
            beginning and end of the cropping dimension (an int crops both
            ends equally).

    Input shape:
        3D tensor `(batch_size, axis_to_crop, features)`.

    Output shape:
        3D tensor `(batch_size, cropped_axis, features)`.

    Example:

    >>> x = np.arange(24).reshape((2, 3, 4))
    >>> kerasnet.layers.Cropping1D(cropping=1)(x).shape
    (2, 1, 4)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = standardize_tuple(cropping, 2, "cropping", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)
        self.built = True

    def _check(self, input_shape):
        length = input_shape[1]
        if length is not None and sum(self.cropping) >= length:
            raise ValueError(
                "`cropping` parameter of `Cropping1D` layer must be smaller "
                f"than the input length. Received: input_shape={tuple(input_shape)}, "
                f"cropping={self.cropping}"
            )

    def call(self, inputs):
        self._check(inputs.shape)
        start, end = self.cropping
        return inputs[:, start:inputs.shape[1] - end, :]

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        length = input_shape[1]
        if length is not None:
            length -= sum(self.cropping)
        return (input_shape[0], length, input_shape[2])

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        return config
