"""GroupNormalization: normalizes each group of channels of each sample."""

from kerasnet import constraints, initializers, ops, regularizers
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer


class GroupNormalization(Layer):
    """Group normalization layer (Wu & He, 2018).

    The channels of `axis` are split into `groups` groups of equal size; each
    sample is normalized with the mean and variance of each group, taken over
    the group's channels and every non-batch axis. `groups=1` is close to
    LayerNormalization over all non-batch axes; `groups=-1` (one group per
    channel) is instance normalization.

    y = gamma * (x - mean_group) / sqrt(var_group + epsilon) + beta, with
    `gamma` and `beta` one value per channel.

    Args:
        groups: int, the number of groups; it must divide the size of `axis`
            (`-1`: as many groups as channels). Defaults to 32.
        axis: int, the channels axis. Defaults to -1.
        epsilon: small float added to the variance. Defaults to 1e-3.
        center: whether to add the learned offset `beta`. Defaults to True.
        scale: whether to multiply by the learned `gamma`. Defaults to True.
        beta_initializer: initializer of `beta` ("zeros").
        gamma_initializer: initializer of `gamma` ("ones").
        beta_regularizer, gamma_regularizer: optional regularizers.
        beta_constraint, gamma_constraint: optional constraints.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: a tensor of any rank >= 2 whose `axis` has a known size.

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.

    Example:
        >>> x = np.random.rand(2, 8, 8, 64).astype("float32")
        >>> y = kerasnet.layers.GroupNormalization(groups=8)(x)
        >>> y.shape
        (2, 8, 8, 64)

    Weights, in order: gamma (channels,), beta (channels,).
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        if isinstance(groups, bool) or not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(
                "Received an invalid value for argument `groups`: expected a positive "
                f"integer, or -1 for one group per channel. Received: groups={groups}"
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = None
        self.beta = None

    def build(self, input_shape):
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"Argument `axis` is out of bounds for an input of shape {tuple(input_shape)}: "
                f"expected an int in [{-rank}, {rank - 1}]. Received: axis={self.axis}"
            )
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(
                f"Axis {self.axis} (argument `axis`) of the input must have a known size, but "
                f"the layer received an input of shape {tuple(input_shape)}."
            )
        # groups=-1 is resolved here but not written back: the config stays as given.
        self._groups = dim if self.groups == -1 else self.groups
        if dim < self._groups:
            raise ValueError(
                f"Argument `groups` ({self.groups}) cannot be more than the number of "
                f"channels ({dim}, axis {self.axis} of input shape {tuple(input_shape)}). "
                f"Received: groups={self.groups}"
            )
        if dim % self._groups != 0:
            raise ValueError(
                f"Argument `groups` must divide the number of channels ({dim}, axis "
                f"{self.axis} of input shape {tuple(input_shape)}); pick a divisor of {dim}. "
                f"Received: groups={self.groups}"
            )
        self.input_spec = InputSpec(ndim=rank, axes={self.axis: dim})
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=(dim,), initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint, autocast=False)
        if self.center:
            self.beta = self.add_weight(name="beta", shape=(dim,), initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, autocast=False)
        self.built = True

    def call(self, inputs):
        rank = len(inputs.shape)
        a = self.axis % rank
        dim = inputs.shape[a]
        # (..., C, ...) -> (..., groups, C // groups, ...): the statistics are over
        # every axis but the batch and the group axes.
        dynamic = ops.shape(inputs)
        group_shape = [-1] + [dynamic[i] if inputs.shape[i] is None else inputs.shape[i]
                              for i in range(1, rank)]
        group_shape[a:a + 1] = [self._groups, dim // self._groups]
        grouped = ops.reshape(inputs, group_shape)
        reduction_axes = [i for i in range(1, rank + 1) if i != a]
        mean = ops.mean(grouped, axis=reduction_axes, keepdims=True)
        centered = ops.subtract(grouped, mean)
        variance = ops.mean(ops.square(centered), axis=reduction_axes, keepdims=True)
        inv = ops.rsqrt(ops.add(variance, self.epsilon))
        param_shape = [1] * (rank + 1)
        param_shape[a:a + 2] = [self._groups, dim // self._groups]
        if self.gamma is not None:
            inv = ops.multiply(inv, ops.reshape(self.gamma, param_shape))
        out = ops.multiply(centered, inv)
        if self.beta is not None:
            out = ops.add(out, ops.reshape(self.beta, param_shape))
        return ops.reshape(out, dynamic)

    def compute_output_shape(self, input_shape):
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"Axis {self.axis} is out of bounds for input shape {tuple(input_shape)}. "
                f"Received: axis={self.axis}"
            )
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config
