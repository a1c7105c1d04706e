"""SpatialDropout3D: drops whole 3D feature maps during training."""

from kerasnet.layers.convolutional.base_conv import standardize_data_format
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.regularization.base_spatial_dropout import BaseSpatialDropout


class SpatialDropout3D(BaseSpatialDropout):
    """Spatial 3D version of Dropout.

    Like `Dropout`, but a dropped unit is an entire 3D feature map (one
    channel of one sample) instead of one element; kept maps are scaled by
    1 / (1 - rate). When neighbouring voxels of a map are strongly correlated
    (as in early convolution layers), element-wise dropout barely regularizes;
    dropping whole maps keeps the maps independent. Inference (training False)
    passes inputs through.

    Args:
        rate: float in [0, 1], the fraction of feature maps to drop.
        data_format: `"channels_last"` (channels at axis 4) or
            `"channels_first"` (channels at axis 1). Defaults to
            `kerasnet.config.image_data_format()` (`"channels_last"` unless set).
        seed: a Python integer used as random seed.

    Call arguments:
        inputs: a 5D tensor.
        training: whether to drop (True) or pass through (False).

    Input shape:
        5D tensor `(samples, dim1, dim2, dim3, channels)` with `"channels_last"`, or
        `(samples, channels, dim1, dim2, dim3)` with `"channels_first"`.

    Output shape:
        Same as input.

    Example:

    >>> x = np.ones((2, 3, 3, 3, 4), "float32")
    >>> y = kerasnet.layers.SpatialDropout3D(0.5, seed=1)(x, training=True)
    >>> # every channel of every sample is all 0 or all 2

    Reference:
        Tompson et al., 2014, https://arxiv.org/abs/1411.4280
    """

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=5)

    def _noise_shape(self, inputs):
        ones = (1,) * 3
        if self.data_format == "channels_first":
            return (None, None) + ones
        return (None,) + ones + (None,)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
