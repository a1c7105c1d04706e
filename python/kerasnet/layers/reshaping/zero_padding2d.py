"""ZeroPadding2D: adds rows and columns of zeros around images."""

from kerasnet import ops
from kerasnet.layers.convolutional.base_conv import (
    standardize_data_format,
    standardize_tuple,
)
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer


def standardize_pairs(value, rank, name):
    """`rank` (before, after) pairs from an int, `rank` ints (symmetric) or
    `rank` pairs, as Keras' ZeroPadding2D/3D and Cropping2D/3D read them."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"`{name}` cannot be negative. Received: {name}={value}.")
        return ((value, value),) * rank
    if not hasattr(value, "__len__") or isinstance(value, str):
        raise ValueError(
            f"`{name}` should be either an int, a tuple of {rank} ints or a "
            f"tuple of {rank} tuples of 2 ints. Received: {name}={value}."
        )
    if len(value) != rank:
        words = {2: "two", 3: "3"}
        raise ValueError(
            f"`{name}` should have {words[rank]} elements. Received: {name}={value}."
        )
    ordinals = ("1st", "2nd", "3rd")
    return tuple(standardize_tuple(v, 2, f"{ordinals[i]} entry of {name}", allow_zero=True)
                 for i, v in enumerate(value))


class ZeroPadding2D(Layer):
    """Zero-padding layer for 2D input (e.g. picture).

    Adds rows and columns of zeros at the top, bottom, left and right of an
    image tensor.

    Args:
        padding: int, or tuple of 2 ints, or tuple of 2 tuples of 2 ints.
            - int: the same symmetric padding for height and width.
            - tuple of 2 ints: `(symmetric_height_pad, symmetric_width_pad)`.
            - tuple of 2 tuples of 2 ints:
              `((top_pad, bottom_pad), (left_pad, right_pad))`.
        data_format: "channels_last" (default) or "channels_first".

    Input shape:
        4D tensor `(batch_size, height, width, channels)` (channels_last) or
        `(batch_size, channels, height, width)` (channels_first).

    Output shape:
        4D tensor `(batch_size, padded_height, padded_width, channels)`
        (channels_last) or `(batch_size, channels, padded_height,
        padded_width)` (channels_first).

    Example:

    >>> x = np.ones((1, 2, 2, 1))
    >>> kerasnet.layers.ZeroPadding2D(padding=1)(x).shape
    (1, 4, 4, 1)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.padding = standardize_pairs(padding, 2, "padding")
        self.input_spec = InputSpec(ndim=4)
        self.built = True

    def _first(self):
        return 2 if self.data_format == "channels_first" else 1

    def call(self, inputs):
        widths = [(0, 0)] * 4
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
