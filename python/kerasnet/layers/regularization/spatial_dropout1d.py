"""SpatialDropout1D: drops whole 1D feature maps during training."""

from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.regularization.base_spatial_dropout import BaseSpatialDropout


class SpatialDropout1D(BaseSpatialDropout):
    """Spatial 1D version of Dropout.

    Like `Dropout`, but a dropped unit is an entire 1D feature map (one channel
    of one sample, at every timestep) instead of one element; kept maps are
    scaled by 1 / (1 - rate). When neighbouring frames of a map are strongly
    correlated (as in early convolution layers), element-wise dropout barely
    regularizes; dropping whole maps keeps the maps independent. Inference
    (training False) passes inputs through. Channels are the last axis (Keras'
    SpatialDropout1D has no `data_format`).

    Args:
        rate: float in [0, 1], the fraction of feature maps to drop.
        seed: a Python integer used as random seed.

    Call arguments:
        inputs: a 3D tensor.
        training: whether to drop (True) or pass through (False).

    Input shape:
        3D tensor `(samples, timesteps, channels)`.

    Output shape:
        Same as input.

    Example:

    >>> x = np.ones((2, 5, 3), "float32")
    >>> y = kerasnet.layers.SpatialDropout1D(0.5, seed=1)(x, training=True)
    >>> # every channel of every sample is all 0 or all 2

    Reference:
        Tompson et al., 2014, https://arxiv.org/abs/1411.4280
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _noise_shape(self, inputs):
        return (None, 1, None)
