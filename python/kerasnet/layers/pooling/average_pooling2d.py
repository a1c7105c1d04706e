"""AveragePooling2D: 2D average pooling."""

from kerasnet.layers.pooling.base_pooling import BasePooling


class AveragePooling2D(BasePooling):
    """2D average pooling.

    Args:
        pool_size: int or tuple of 2 ints (default (2, 2)).
        strides: int or tuple, or None for the pool size.
        padding: "valid" or "same".
        data_format: "channels_last" (default) or "channels_first".
    """

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=2, pool_mode="average", padding=padding,
                         data_format=data_format, name=name, **kwargs)
