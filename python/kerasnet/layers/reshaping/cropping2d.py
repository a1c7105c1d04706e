"""Cropping2D: removes rows and columns at the borders of images."""

from kerasnet.layers.reshaping.spatial_pairs import SpatialCropping


class Cropping2D(SpatialCropping):
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
        super().__init__(2, cropping, data_format, **kwargs)
