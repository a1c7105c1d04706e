"""Cropping2D: removes rows and columns at the borders of images."""

from kerasnet.layers.convolutional.base_conv import standardize_data_format
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer
from kerasnet.layers.reshaping.zero_padding2d import standardize_pairs


def crop_spatial(inputs, cropping, first):
    """inputs with cropping[i] = (before, after) removed from axis first + i."""
    index = [slice(None)] * len(inputs.shape)
    for i, (before, after) in enumerate(cropping):
        axis = first + i
        index[axis] = slice(before, inputs.shape[axis] - after)
    return inputs[tuple(index)]


def cropped_shape(layer_name, input_shape, cropping, first):
    out = list(input_shape)
    for i, (before, after) in enumerate(cropping):
        d = out[first + i]
        if d is not None and before + after >= d:
            raise ValueError(
                "Values in `cropping` argument should be smaller than the "
                "corresponding spatial dimension of the input. Received: "
                f"input_shape={tuple(input_shape)}, cropping={cropping} "
                f"(layer '{layer_name}')"
            )
        out[first + i] = None if d is None else d - before - after
    return tuple(out)


class Cropping2D(Layer):
    """Cropping layer for 2D input (e.g. picture).

    It crops along the spatial dimensions, i.e. height and width.

    Args:
        cropping: int, or tuple of 2 ints, or tuple of 2 tuples of 2 ints.
            - int: the same symmetric cropping for height and width.
            - tuple of 2 ints: `(symmetric_height_crop, symmetric_width_crop)`.
            - tuple of 2 tuples of 2 ints:
              `((top_crop, bottom_crop), (left_crop, right_crop))`.
        data_format: "channels_last" (default) or "channels_first".

    Input shape:
        4D tensor `(batch_size, height, width, channels)` (channels_last) or
        `(batch_size, channels, height, width)` (channels_first).

    Output shape:
        4D tensor `(batch_size, cropped_height, cropped_width, channels)`
        (channels_last) or `(batch_size, channels, cropped_height,
        cropped_width)` (channels_first).

    Example:

    >>> x = np.zeros((2, 28, 28, 3))
    >>> kerasnet.layers.Cropping2D(cropping=((2, 2), (4, 4)))(x).shape
    (2, 24, 20, 3)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.cropping = standardize_pairs(cropping, 2, "cropping")
        self.input_spec = InputSpec(ndim=4)
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
