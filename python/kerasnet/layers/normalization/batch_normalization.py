"""BatchNormalization: normalizes with batch statistics in training, moving ones in inference."""

from kerasnet import constraints, initializers, ops, regularizers
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer


class BatchNormalization(Layer):
    """Normalizes its inputs to zero mean and unit variance per feature.

    Training (`training=True`): uses the mean and (biased) variance of the
    batch over every axis but `axis`, and updates the moving statistics:
    moving = moving * momentum + batch * (1 - momentum). Inference: uses the
    moving statistics. Output: gamma * (x - mean) / sqrt(var + epsilon) + beta.
    A frozen layer (`trainable=False`) always runs in inference mode, as in
    Keras 3.

    Args:
        axis: the feature axis (default -1).
        momentum: momentum of the moving averages (0.99).
        epsilon: added to the variance (1e-3).
        center: learn an offset `beta`; scale: learn a factor `gamma`.
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer: initializers ("zeros", "ones", "zeros", "ones").
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint.
        synchronized: accepted for compatibility (single process).

    Weights, in order: gamma, beta, moving_mean, moving_variance.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, synchronized=False, **kwargs):
        kwargs.pop("renorm", None), kwargs.pop("renorm_clipping", None), kwargs.pop("renorm_momentum", None)
        kwargs.pop("fused", None), kwargs.pop("virtual_batch_size", None), kwargs.pop("adjustment", None)
        super().__init__(**kwargs)
        self.axis = int(axis) if not isinstance(axis, (list, tuple)) else int(axis[0])
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.synchronized = synchronized
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = None
        self.beta = None

    def build(self, input_shape):
        rank = len(input_shape)
        axis = self.axis % rank if rank else 0
        dim = input_shape[axis]
        if dim is None:
            raise ValueError(
                f"Axis {self.axis} of input tensor should have a defined "
                f"dimension but the layer received an input with shape {input_shape}."
            )
        shape = (dim,)
        if self.scale:
            self.gamma = self.add_weight(shape=shape, name="gamma", initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(shape=shape, name="beta", initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean",
                                           initializer=self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance",
                                               initializer=self.moving_variance_initializer, trainable=False)
        self.input_spec = InputSpec(ndim=rank, axes={self.axis: dim})
        self._reduction_axes = [i for i in range(rank) if i != axis]
        self._broadcast_shape = [1] * rank
        self._broadcast_shape[axis] = dim
        self.built = True

    def _b(self, v):
        return ops.reshape(v, self._broadcast_shape)

    def call(self, inputs, training=None, mask=None):
        axes = self._reduction_axes
        if training and self.trainable:
            if mask is not None:
                w = ops.cast(mask, inputs.dtype)
                while w.ndim < inputs.ndim:
                    w = ops.expand_dims(w, -1)
                total = ops.sum(ops.broadcast_to(w, inputs.shape), axis=axes, keepdims=True)
                mean = ops.divide(ops.sum(ops.multiply(inputs, w), axis=axes, keepdims=True), total)
                var = ops.divide(ops.sum(ops.multiply(ops.square(ops.subtract(inputs, mean)), w), axis=axes,
                                         keepdims=True), total)
            else:
                mean = ops.mean(inputs, axis=axes, keepdims=True)
                var = ops.var(inputs, axis=axes, keepdims=True)
            flat_mean = ops.stop_gradient(ops.reshape(mean, (-1,)))
            flat_var = ops.stop_gradient(ops.reshape(var, (-1,)))
            m = self.momentum
            self.moving_mean.assign(ops.add(ops.multiply(self.moving_mean, m), ops.multiply(flat_mean, 1.0 - m)))
            self.moving_variance.assign(
                ops.add(ops.multiply(self.moving_variance, m), ops.multiply(flat_var, 1.0 - m)))
        else:
            mean = self._b(self.moving_mean)
            var = self._b(self.moving_variance)
        inv = ops.rsqrt(ops.add(var, self.epsilon))
        if self.gamma is not None:
            inv = ops.multiply(inv, self._b(self.gamma))
        out = ops.multiply(ops.subtract(inputs, mean), inv)
        if self.beta is not None:
            out = ops.add(out, self._b(self.beta))
        return out

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": False,
            "renorm_clipping": None,
            "renorm_momentum": 0.99,
        })
        return config
