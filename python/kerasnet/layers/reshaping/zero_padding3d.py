"""ZeroPadding3D: adds zeros around the three spatial dimensions of volumes."""

from kerasnet import ops
from kerasnet.layers.convolutional.base_conv import standardize_data_format
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer
from kerasnet.layers.reshaping.zero_padding2d import standardize_pairs


class ZeroPadding3D(Layer):
    """Zero-padding layer for 3D data (spatial or spatio-temporal).

    Args:
        padding: int, or tuple of 3 ints, or tuple of 3 tuples of 2 ints.
            - int: the same symmetric padding for all three dimensions.
            - tuple of 3 ints: symmetric padding per dimension.
            - tuple of 3 tuples of 2 ints: `((left_dim1_pad, right_dim1_pad),
              (left_dim2_pad, right_dim2_pad), (left_dim3_pad, right_dim3_pad))`.
        data_format: "channels_last" (default) or "channels_first".

    Input shape:
        5D tensor `(batch_size, dim1, dim2, dim3, channels)` (channels_last)
        or `(batch_size, channels, dim1, dim2, dim3)` (channels_first).

    Output shape:
        5D tensor with each spatial dimension grown by its two paddings.

    Example:

    >>> x = np.ones((1, 1, 2, 2, 3))
    >>> kerasnet.layers.ZeroPadding3D(padding=2)(x).shape
    (1, 5, 6, 6, 3)
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.padding = standardize_pairs(padding, 3, "padding")
        self.input_spec = InputSpec(ndim=5)
        self.built = True

    def _first(self):
        return 2 if self.data_format == "channels_first" else 1

    def call(self, inputs):
        widths = [(0, 0)] * 5
        for i, pair in enumerate(self.padding):
            widths[self._first() + i] = pair
        return ops.pad(inputs, widths)

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        for i, (before, after) in enumerate(self.padding):
            axis = self._first() + i
            if out[axis] is not None:
                out[axis] += before + after
        return tuple(out)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config
