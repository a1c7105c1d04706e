"""Cropping3D: removes slices at the borders of the three spatial dimensions."""

from kerasnet.layers.reshaping.spatial_pairs import SpatialCropping


class Cropping3D(SpatialCropping):
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
        super().__init__(3, cropping, data_format, **kwargs)
