"""ZeroPadding1D: adds zeros at the start and end of the time axis."""

from kerasnet import ops
from kerasnet.layers.convolutional.base_conv import (
    standardize_data_format,
    standardize_tuple,
)
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer


class ZeroPadding1D(Layer):
    """Zero-padding layer for 1D input (e.g. temporal sequence).

    Args:
        padding: int, or tuple of 2 ints.
            - int: how many zeros to add at the beginning and end of the
              padding dimension (axis 1).
            - tuple of 2 ints: `(left_pad, right_pad)`.
        data_format: "channels_last" (default, `(batch, steps, features)`)
            or "channels_first" (`(batch, features, steps)`).

    Input shape:
        3D tensor `(batch_size, axis_to_pad, features)` (channels_last).

    Output shape:
        3D tensor `(batch_size, padded_axis, features)` (channels_last).

    Example:

    >>> x = np.arange(12).reshape((2, 2, 3))
    >>> kerasnet.layers.ZeroPadding1D(padding=2)(x).shape
    (2, 6, 3)
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.padding = standardize_tuple(padding, 2, "padding", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)
        self.built = True

    def _axis(self):
        return 2 if self.data_format == "channels_first" else 1

    def call(self, inputs):
        widths = [(0, 0)] * 3
        widths[self._axis()] = self.padding
        return ops.pad(inputs, widths)

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        axis = self._axis()
        if out[axis] is not None:
            out[axis] += self.padding[0] + self.padding[1]
        return tuple(out)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config
