"""Pooling layer bases: windowed (max/average) and global pooling."""

from kerasnet import ops
from kerasnet.layers.convolutional.base_conv import (
    conv_output_length,
    standardize_data_format,
    standardize_padding,
    standardize_tuple,
)
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer


class BasePooling(Layer):
    """Max or average pooling over windows of `pool_size` moved by `strides`
    (default: the pool size); padding "valid" or "same" (padded cells are
    ignored by max and not counted by average, as in Keras)."""

    def __init__(self, pool_size, strides, pool_dimensions, pool_mode="max", padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = standardize_tuple(pool_size, pool_dimensions, "pool_size")
        strides = pool_size if strides is None else strides
        self.strides = standardize_tuple(strides, pool_dimensions, "strides")
        self.pool_mode = pool_mode
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def call(self, inputs):
        fn = ops.max_pool if self.pool_mode == "max" else ops.average_pool
        return fn(inputs, pool_size=self.pool_size, strides=self.strides, padding=self.padding,
                  data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        last = self.data_format == "channels_last"
        spatial = input_shape[1:-1] if last else input_shape[2:]
        out = tuple(conv_output_length(l, k, self.padding, s, 1, self.name, input_shape)
                    for l, k, s in zip(spatial, self.pool_size, self.strides))
        if last:
            return (input_shape[0],) + out + (input_shape[-1],)
        return (input_shape[0], input_shape[1]) + out

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "padding": self.padding, "strides": self.strides,
                       "data_format": self.data_format})
        return config


class BaseGlobalPooling(Layer):
    """Max or average over every spatial axis; `keepdims` keeps them as size 1."""

    def __init__(self, pool_dimensions, pool_mode, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.keepdims = keepdims
        self.pool_mode = pool_mode
        self.pool_dimensions = pool_dimensions
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def _axes(self):
        if self.data_format == "channels_last":
            return list(range(1, self.pool_dimensions + 1))
        return list(range(2, self.pool_dimensions + 2))

    def call(self, inputs, mask=None):
        axes = self._axes()
        if self.pool_mode == "max":
            return ops.max(inputs, axis=axes, keepdims=self.keepdims)
        if mask is not None and self.pool_dimensions == 1:
            w = ops.cast(mask, inputs.dtype)
            w = ops.expand_dims(w, -1 if self.data_format == "channels_last" else 1)
            total = ops.sum(ops.multiply(inputs, w), axis=axes, keepdims=self.keepdims)
            return ops.divide(total, ops.maximum(ops.sum(w, axis=axes, keepdims=self.keepdims), 1e-12))
        return ops.mean(inputs, axis=axes, keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        axes = self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config
