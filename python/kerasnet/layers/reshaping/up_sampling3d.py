"""UpSampling3D: repeats the three spatial dimensions of volumes."""

from kerasnet import ops
from kerasnet.layers.convolutional.base_conv import (
    standardize_data_format,
    standardize_tuple,
)
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer
from kerasnet.layers.reshaping.up_sampling2d import upsampled_shape


class UpSampling3D(Layer):
    """Upsampling layer for 3D inputs.

    Repeats the 1st, 2nd and 3rd spatial dimensions `size[0]`, `size[1]` and
    `size[2]` times.

    Args:
        size: int, or tuple of 3 integers: the upsampling factors for dim1,
            dim2 and dim3 (default (2, 2, 2)).
        data_format: "channels_last" (default) or "channels_first".

    Input shape:
        5D tensor `(batch_size, dim1, dim2, dim3, channels)` (channels_last)
        or `(batch_size, channels, dim1, dim2, dim3)` (channels_first).

    Output shape:
        5D tensor with every spatial dimension multiplied by its factor.

    Example:

    >>> x = np.ones((2, 1, 2, 1, 3))
    >>> kerasnet.layers.UpSampling3D(size=2)(x).shape
    (2, 2, 4, 2, 3)
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 3, "size")
        self.input_spec = InputSpec(ndim=5)
        self.built = True

    def call(self, inputs):
        first = 2 if self.data_format == "channels_first" else 1
        x = inputs
        for i, factor in enumerate(self.size):
            x = ops.repeat(x, factor, axis=first + i)
        return x

    def compute_output_shape(self, input_shape):
        return upsampled_shape(input_shape, self.size, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format})
        return config
