"""GlobalMaxPooling3D: max over the spatial axes of 3D inputs."""

from kerasnet.layers.pooling.base_pooling import BaseGlobalPooling


class GlobalMaxPooling3D(BaseGlobalPooling):
    """Global max pooling for 3D inputs: (batch, spatial..., channels) -> (batch, channels).

    Args:
        data_format: "channels_last" (default) or "channels_first".
        keepdims: keep the spatial axes with size 1.
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=3, pool_mode="max", data_format=data_format, keepdims=keepdims,
                         **kwargs)
