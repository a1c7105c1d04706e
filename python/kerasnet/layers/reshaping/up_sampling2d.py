"""UpSampling2D: enlarges images by repeating (or interpolating) rows and columns."""

import numpy as np

from kerasnet import ops
from kerasnet.layers.convolutional.base_conv import (
    standardize_data_format,
    standardize_tuple,
)
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer


def bilinear_matrix(in_size, out_size):
    """(out_size, in_size) matrix of bilinear resize weights along one axis.

    Half-pixel centers as TF's `tf.image.resize` (and `jax.image.resize`):
    output pixel i samples input coordinate (i + 0.5) * in/out - 0.5, clamped
    to [0, in_size - 1], and mixes its two neighbours linearly.
    """
    coord = (np.arange(out_size, dtype=np.float64) + 0.5) * (in_size / out_size) - 0.5
    coord = np.clip(coord, 0.0, in_size - 1)
    lower = np.floor(coord).astype(np.int64)
    upper = np.minimum(lower + 1, in_size - 1)
    frac = coord - lower
    matrix = np.zeros((out_size, in_size), dtype=np.float64)
    rows = np.arange(out_size)
    np.add.at(matrix, (rows, lower), 1.0 - frac)
    np.add.at(matrix, (rows, upper), frac)
    return matrix


def resize_bilinear(x, out_h, out_w):
    """Bilinear resize of channels_last images (batch, h, w, c) to (out_h, out_w).

    Two matmuls with the interpolation matrices: rows first, then columns.
    """
    _, h, w, _ = x.shape
    a_h = ops.convert_to_tensor(bilinear_matrix(h, out_h).T.astype(x.dtype))
    a_w = ops.convert_to_tensor(bilinear_matrix(w, out_w).T.astype(x.dtype))
    y = ops.matmul(ops.transpose(x, (0, 2, 3, 1)), a_h)  # (b, w, c, out_h)
    y = ops.matmul(ops.transpose(y, (0, 3, 2, 1)), a_w)  # (b, out_h, c, out_w)
    return ops.transpose(y, (0, 1, 3, 2))


def upsampled_shape(input_shape, size, data_format):
    """input_shape with spatial axis i multiplied by size[i] (UpSampling2D/3D)."""
    first = 2 if data_format == "channels_first" else 1
    out = list(input_shape)
    for i, factor in enumerate(size):
        d = out[first + i]
        out[first + i] = None if d is None else d * factor
    return tuple(out)


class UpSampling2D(Layer):
    """Upsampling layer for 2D inputs.

    With `interpolation="nearest"` rows and columns are repeated `size[0]` and
    `size[1]` times; with `"bilinear"` the images are resized as
    `tf.image.resize(..., method="bilinear")` does (half-pixel centers).

    Args:
        size: int, or tuple of 2 integers: the upsampling factors for rows
            and columns.
        data_format: "channels_last" (default) or "channels_first".
        interpolation: "nearest" (default) or "bilinear".

    Input shape:
        4D tensor `(batch_size, rows, cols, channels)` (channels_last) or
        `(batch_size, channels, rows, cols)` (channels_first).

    Output shape:
        4D tensor `(batch_size, upsampled_rows, upsampled_cols, channels)`
        (channels_last) or `(batch_size, channels, upsampled_rows,
        upsampled_cols)` (channels_first).

    Example:

    >>> x = np.arange(12).reshape((2, 2, 1, 3))
    >>> kerasnet.layers.UpSampling2D(size=(1, 2))(x).shape
    (2, 2, 2, 3)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 2, "size")
        self.interpolation = str(interpolation).lower()
        if self.interpolation not in ("nearest", "bilinear"):
            raise ValueError(
                "`interpolation` argument should be one of: "
                f"['nearest', 'bilinear']. Received: interpolation={interpolation}"
            )
        self.input_spec = InputSpec(ndim=4)
        self.built = True

    def call(self, inputs):
        x = inputs
        if self.data_format == "channels_first":
            x = ops.transpose(x, (0, 2, 3, 1))
        if self.interpolation == "nearest":
            x = ops.repeat(x, self.size[0], axis=1)
            x = ops.repeat(x, self.size[1], axis=2)
        else:
            x = resize_bilinear(x, x.shape[1] * self.size[0], x.shape[2] * self.size[1])
        if self.data_format == "channels_first":
            x = ops.transpose(x, (0, 3, 1, 2))
        return x

    def compute_output_shape(self, input_shape):
        return upsampled_shape(input_shape, self.size, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format,
                       "interpolation": self.interpolation})
        return config
