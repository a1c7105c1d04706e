"""ActivityRegularization: adds an L1/L2 penalty on its inputs to the losses."""

from kerasnet import regularizers
from kerasnet.layers.layer import Layer


class ActivityRegularization(Layer):
    """Passes inputs through and adds `l1 * sum(|x|) + l2 * sum(x^2)` of them to
    `layer.losses` (an `L1L2` activity regularizer), in training and inference.

    Args:
        l1: non-negative float, the L1 factor.
        l2: non-negative float, the L2 factor.

    Call arguments:
        inputs: a tensor of any rank.

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:

    >>> layer = kerasnet.layers.ActivityRegularization(l1=0.1)
    >>> _ = layer(np.array([[1.0, -2.0]]))
    >>> float(layer.losses[0])
    0.30000001192092896
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)  # rebuilt from l1 and l2
        config.update({"l1": self.l1, "l2": self.l2})
        return config
