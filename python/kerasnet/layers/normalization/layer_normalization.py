"""LayerNormalization: normalizes each sample over the given axes."""

import warnings

from kerasnet import constraints, initializers, ops, regularizers
from kerasnet.layers.layer import Layer


class LayerNormalization(Layer):
    """Normalizes the activations of each sample independently.

    y = gamma * (x - mean) / sqrt(var + epsilon) + beta, with mean and variance
    over `axis` of each sample. With `rms_scaling` (deprecated in Keras 3, kept for its
    saved models), y = gamma * x / sqrt(var + epsilon): Keras divides by the standard
    deviation, not the root mean square; `RMSNormalization` is the RMS layer.

    Args:
        axis: int or list of ints: the axes normalized (default -1).
        epsilon: added to the variance (1e-3).
        center: learn `beta`; scale: learn `gamma`.
        rms_scaling: deprecated (warns, as Keras): x * rsqrt(var + epsilon) * gamma, no beta.
        beta_initializer, gamma_initializer, *_regularizer, *_constraint.

    Weights, in order: gamma, beta.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        if rms_scaling:
            warnings.warn(
                "You passed `rms_scaling=True`, which is deprecated (as in Keras 3): it scales "
                "the input by the inverse standard deviation, not the root mean square. For RMS "
                "normalization use `kerasnet.layers.RMSNormalization` instead.",
                stacklevel=2,
            )
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                "Expected an int or a list/tuple of ints for the argument "
                f"'axis', but received: {axis}"
            )
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = None
        self.beta = None

    def build(self, input_shape):
        rank = len(input_shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        self._axes = sorted(a % rank for a in axes)
        shape = tuple(input_shape[a] for a in self._axes)
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)
        self._param_shape = [input_shape[i] if i in self._axes else 1 for i in range(rank)]
        self.built = True

    def call(self, inputs):
        axes = self._axes
        if self.rms_scaling:
            # As Keras 3.15: the variance (centered), not the mean square.
            mean = ops.mean(inputs, axis=axes, keepdims=True)
            var = ops.mean(ops.square(ops.subtract(inputs, mean)), axis=axes, keepdims=True)
            out = ops.multiply(inputs, ops.rsqrt(ops.add(var, self.epsilon)))
            if self.gamma is not None:
                out = ops.multiply(out, ops.reshape(self.gamma, self._param_shape))
            return out
        mean = ops.mean(inputs, axis=axes, keepdims=True)
        centered = ops.subtract(inputs, mean)
        var = ops.mean(ops.square(centered), axis=axes, keepdims=True)
        inv = ops.rsqrt(ops.add(var, self.epsilon))
        if self.gamma is not None:
            inv = ops.multiply(inv, ops.reshape(self.gamma, self._param_shape))
        out = ops.multiply(centered, inv)
        if self.beta is not None:
            out = ops.add(out, ops.reshape(self.beta, self._param_shape))
        return out

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config
