"""RMSNormalization: divides each sample by its root mean square over the given axes."""

from kerasnet import ops
from kerasnet.layers.layer import Layer


class RMSNormalization(Layer):
    """Root Mean Square normalization layer (Zhang & Sennrich, 2019).

    y = x * rsqrt(mean(x^2 over axis) + epsilon) * scale, with the learned
    `scale` shaped like the normalized axes. Unlike LayerNormalization there is
    no centering and no offset.

    Args:
        axis: int or list/tuple of ints, the axes normalized over. Defaults to -1.
        epsilon: small float added to the mean square. Defaults to 1e-6.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: a tensor whose normalized axes have known sizes.

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.

    Example:
        >>> layer = kerasnet.layers.RMSNormalization()
        >>> layer.build((5, 20, 30, 10))
        >>> layer.scale.shape
        (10,)

    Weights: scale (the sizes of `axis`), initialized to ones.
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            if not all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
                raise TypeError(f"Argument `axis` must be an int or a list of ints. Received: axis={axis}")
        elif not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(f"Argument `axis` must be an int or a list of ints. Received: axis={axis}")
        self.axis = axis
        self.epsilon = epsilon
        self.scale = None

    def build(self, input_shape):
        rank = len(input_shape)
        axes = list(self.axis) if isinstance(self.axis, (list, tuple)) else [self.axis]
        for a in axes:
            if not -rank <= a < rank:
                raise ValueError(
                    f"Argument `axis` is out of bounds for input shape {tuple(input_shape)}. "
                    f"Received: axis={self.axis}"
                )
        self._axes = sorted(a % rank for a in axes)
        self.scale = self.add_weight(name="scale", shape=tuple(input_shape[a] for a in self._axes),
                                     initializer="ones")
        self._param_shape = [input_shape[i] if i in self._axes else 1 for i in range(rank)]
        self.built = True

    def call(self, inputs):
        mean_square = ops.mean(ops.square(inputs), axis=self._axes, keepdims=True)
        out = ops.multiply(inputs, ops.rsqrt(ops.add(mean_square, self.epsilon)))
        return ops.multiply(out, ops.reshape(self.scale, self._param_shape))

    def compute_output_shape(self, input_shape):
        axes = self.axis if isinstance(self.axis, (list, tuple)) else [self.axis]
        rank = len(input_shape)
        for a in axes:
            if not -rank <= a < rank:
                raise ValueError(
                    f"Axis {a} is out of bounds for input shape {tuple(input_shape)}. "
                    f"Received: axis={self.axis}"
                )
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "epsilon": self.epsilon})
        return config
