"""Cropping3D: removes slices at the borders of the three spatial dimensions."""

from kerasnet.layers.convolutional.base_conv import standardize_data_format
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer
from kerasnet.layers.reshaping.cropping2d import crop_spatial, cropped_shape
from kerasnet.layers.reshaping.zero_padding2d import standardize_pairs


class Cropping3D(Layer):
    """Cropping layer for 3D data (e.g. spatial or spatio-temporal).

    Args:
        cropping: int, or tuple of 3 ints, or tuple of 3 tuples of 2 ints.
            - int: the same symmetric cropping for the three dimensions.
            - tuple of 3 ints: symmetric cropping per dimension.
            - tuple of 3 tuples of 2 ints: `((left_dim1_crop, right_dim1_crop),
              (left_dim2_crop, right_dim2_crop), (left_dim3_crop, right_dim3_crop))`.
        data_format: "channels_last" (default) or "channels_first".

    Input shape:
        5D tensor `(batch_size, dim1, dim2, dim3, channels)` (channels_last)
        or `(batch_size, channels, dim1, dim2, dim3)` (channels_first).

    Output shape:
        5D tensor with each spatial dimension shrunk by its two croppings.

    Example:

    >>> x = np.zeros((2, 28, 28, 10, 3))
    >>> kerasnet.layers.Cropping3D(cropping=(2, 4, 2))(x).shape
    (2, 24, 20, 6, 3)
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.cropping = standardize_pairs(cropping, 3, "cropping")
        self.input_spec = InputSpec(ndim=5)
        self.built = True

    def _first(self):
        return 2 if self.data_format == "channels_first" else 1

    def call(self, inputs):
        cropped_shape(self.name, inputs.shape, self.cropping, self._first())
        return crop_spatial(inputs, self.cropping, self._first())

    def compute_output_shape(self, input_shape):
        return cropped_shape(self.name, input_shape, self.cropping, self._first())

    def get_config(self):
        config = super().get_config()
        config.update({"cropping": self.cropping, "data_format": self.data_format})
        return config
