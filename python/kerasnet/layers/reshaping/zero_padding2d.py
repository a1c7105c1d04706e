"""ZeroPadding2D: adds rows and columns of zeros around images."""

from kerasnet.layers.reshaping.spatial_pairs import SpatialPadding


class ZeroPadding2D(SpatialPadding):
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
        super().__init__(2, padding, data_format, **kwargs)
