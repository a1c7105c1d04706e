"""UnitNormalization: scales each sample to unit L2 norm over the given axes."""

from kerasnet import ops
from kerasnet.layers.layer import Layer


class UnitNormalization(Layer):
    """Unit normalization layer.

    Scales each sample so that its L2 norm over `axis` is 1:
    y = x / max(sqrt(sum(x^2 over axis)), 1e-12). No weights.

    Args:
        axis: int or list/tuple of ints, the axes normalized over. Defaults to -1.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: a tensor of any rank.

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.

    Example:
        >>> x = np.arange(6, dtype="float32").reshape(2, 3)
        >>> y = kerasnet.layers.UnitNormalization()(x)
        >>> float(np.sum(np.asarray(y)[0] ** 2))
        1.0
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(
                "Invalid value for argument `axis`: expected an int or a list/tuple of "
                f"ints. Received: axis={axis}"
            )
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        # x * min(rsqrt(sum(x^2)), 1 / epsilon) == x / max(norm, epsilon), epsilon = 1e-12.
        square_sum = ops.sum(ops.square(inputs), axis=self.axis, keepdims=True)
        inv_norm = ops.minimum(ops.rsqrt(square_sum), 1e12)
        return ops.multiply(inputs, inv_norm)

    def compute_output_shape(self, input_shape):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        rank = len(input_shape)
        for a in axes:
            if not -rank <= a < rank:
                raise ValueError(
                    f"Argument `axis` is out of bounds for input shape {tuple(input_shape)}. "
                    f"Received: axis={self.axis}"
                )
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis})
        return config
