"""BaseConv: the shared parent of Conv1D, Conv2D and Conv3D."""

from kerasnet import activations, constraints, initializers, ops, regularizers
from kerasnet.backend.config import image_data_format
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer
from kerasnet.ops.conv import conv_forward


def standardize_tuple(value, n, name, allow_zero=False):
    if isinstance(value, int):
        value = (value,) * n
    else:
        try:
            value = tuple(int(v) for v in value)
        except (TypeError, ValueError):
            raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}")
        if len(value) != n:
            raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}")
    for v in value:
        if v < 0 or (v == 0 and not allow_zero):
            req = "non-negative" if allow_zero else "positive"
            raise ValueError(
                f"The `{name}` argument must be a tuple of {n} {req} integers. Received {name}={value}"
            )
    return value


def standardize_padding(value, allow_causal=False):
    padding = str(value).lower()
    allowed = {"valid", "same", "causal"} if allow_causal else {"valid", "same"}
    if padding not in allowed:
        raise ValueError(
            f"The `padding` argument must be a string, one of {sorted(allowed)}. Received: {value}"
        )
    return padding


def standardize_data_format(value):
    value = value or image_data_format()
    value = str(value).lower()
    if value not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of "
            f"{{'channels_first', 'channels_last'}}. Received: data_format={value}"
        )
    return value


def conv_output_length(length, k, padding, stride, dilation, layer_name=None, input_shape=None):
    if length is None:
        return None
    eff = (k - 1) * dilation + 1
    if padding == "same":
        return (length + stride - 1) // stride
    if padding == "causal":
        return (length - 1) // stride + 1
    out = (length - eff) // stride + 1
    if out <= 0:
        where = f' Layer "{layer_name}" received input_shape={input_shape}.' if layer_name else ""
        raise ValueError(
            f"Computed output size would be negative: the kernel ({k}, dilation {dilation}) "
            f"is larger than the input length {length}.{where}"
        )
    return out


class BaseConv(Layer):
    """N-D convolution layer base.

    Args:
        rank: spatial rank (1, 2 or 3).
        filters: number of output channels (> 0).
        kernel_size: int or tuple of `rank` ints.
        strides: int or tuple (default 1).
        padding: "valid", "same" (or "causal" for Conv1D).
        data_format: "channels_last" (default) or "channels_first".
        dilation_rate: int or tuple (default 1).
        groups: number of channel groups (input channels and filters divisible by it).
        activation, use_bias, kernel_initializer ("glorot_uniform"), bias_initializer
        ("zeros"), kernel/bias regularizer and constraint, activity_regularizer.

    Weights: kernel (kernel_size..., in_channels // groups, filters), bias (filters,).
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        if filters is not None and (not isinstance(filters, int) or filters <= 0):
            raise ValueError(
                "Invalid value for argument `filters`. Expected a strictly "
                f"positive value. Received filters={filters}."
            )
        self.filters = filters
        self.groups = groups or 1
        if self.groups <= 0:
            raise ValueError(f"The number of groups must be a positive integer. Received: groups={groups}.")
        if filters is not None and filters % self.groups != 0:
            raise ValueError(
                "The number of filters must be evenly divisible by the number "
                f"of groups. Received: groups={groups}, filters={filters}."
            )
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding, allow_causal=rank == 1)
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        if any(s > 1 for s in self.strides) and any(d > 1 for d in self.dilation_rate):
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )

    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def build(self, input_shape):
        channels = input_shape[self._channel_axis()]
        if channels is None:
            raise ValueError(
                f"The channel dimension of the inputs to {self.__class__.__name__} should be defined. "
                f"Found input shape {input_shape}"
            )
        if channels % self.groups != 0:
            raise ValueError(
                "The number of input channels must be evenly divisible by the number "
                f"of groups. Received groups={self.groups}, but the input has {channels} channels "
                f"(full input shape is {input_shape})."
            )
        kernel_shape = self.kernel_size + (channels // self.groups, self.filters)
        self.kernel = self.add_weight(name="kernel", shape=kernel_shape, initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis(): channels})
        self.built = True

    def convolution_op(self, inputs, kernel):
        return ops.conv(inputs, kernel, strides=self.strides, padding=self.padding, dilation_rate=self.dilation_rate,
                        data_format=self.data_format)

    def call(self, inputs):
        # One fused pass (bias and activation applied per output tile) or separate ops: decided
        # there. A subclass's own convolution_op (Keras' hook) runs as it is.
        own_op = type(self).convolution_op is not BaseConv.convolution_op
        return conv_forward(inputs, self.kernel, self.bias, self.activation, strides=self.strides,
                            padding=self.padding, data_format=self.data_format,
                            dilation_rate=self.dilation_rate,
                            convolution=self.convolution_op if own_op else None)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"Input 0 of layer \"{self.name}\" is incompatible with the layer: expected "
                f"ndim={self.rank + 2}, found ndim={len(input_shape)}. Full shape received: {input_shape}"
            )
        spatial = input_shape[1:-1] if self.data_format == "channels_last" else input_shape[2:]
        out = tuple(conv_output_length(l, k, self.padding, s, d, self.name, input_shape)
                    for l, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate))
        if self.data_format == "channels_last":
            return (input_shape[0],) + out + (self.filters,)
        return (input_shape[0], self.filters) + out

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config
