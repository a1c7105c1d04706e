"""Dense: the densely connected layer, `activation(inputs @ kernel + bias)`."""

from kerasnet import activations, constraints, initializers, regularizers
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer
from kerasnet.ops.matmul import dense_forward


class Dense(Layer):
    """Just your regular densely-connected NN layer.

    `output = activation(dot(input, kernel) + bias)`; on inputs of rank > 2 the
    kernel applies to the last axis.

    Args:
        units: positive integer, dimensionality of the output space.
        activation: activation function (name or callable); None is linear.
        use_bias: whether the layer uses a bias vector.
        kernel_initializer: initializer of the `kernel` weights matrix.
        bias_initializer: initializer of the bias vector.
        kernel_regularizer, bias_regularizer: regularizers of the weights.
        activity_regularizer: regularizer of the output.
        kernel_constraint, bias_constraint: constraints of the weights.

    Input shape:
        N-D tensor `(batch_size, ..., input_dim)`.

    Output shape:
        N-D tensor `(batch_size, ..., units)`.

    Example:

    >>> layer = kerasnet.layers.Dense(4, activation="relu")
    >>> layer(np.ones((2, 3))).shape
    (2, 4)
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if quantization_config is not None:
            raise ValueError(
                "kerasnet does not support quantized layers. Received: "
                f"quantization_config={quantization_config}"
            )
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                "Received an invalid value for `units`, expected a positive "
                f"integer. Received: units={units}"
            )
        if lora_rank is not None:
            raise ValueError("kerasnet does not support LoRA (lora_rank) yet.")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"The last dimension of the inputs to a Dense layer should be "
                f"defined. Found None. Full input shape received: {input_shape}"
            )
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, self.units),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs, training=None):
        # One fused GEMM pass (bias and activation in its epilogue) or separate ops: decided there.
        return dense_forward(inputs, self.kernel, self.bias, self.activation)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        base = super().get_config()
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        }
        return {**base, **config}
