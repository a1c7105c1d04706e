"""GlobalAveragePooling2D: average over the spatial axes of 2D inputs."""

from kerasnet.layers.pooling.base_pooling import BaseGlobalPooling


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Global average pooling for 2D inputs: (batch, spatial..., channels) -> (batch, channels).

    Args:
        data_format: "channels_last" (default) or "channels_first".
        keepdims: keep the spatial axes with size 1.
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=2, pool_mode="average", data_format=data_format, keepdims=keepdims,
                         **kwargs)
