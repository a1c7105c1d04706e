"""ZeroPadding3D: adds zeros around the three spatial dimensions of volumes."""

from kerasnet.layers.reshaping.spatial_pairs import SpatialPadding


class ZeroPadding3D(SpatialPadding):
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
        super().__init__(3, padding, data_format, **kwargs)
