"""Conv3D: 3D convolution layer."""

from kerasnet.layers.convolutional.base_conv import BaseConv


class Conv3D(BaseConv):
    """3D convolution layer.

    Convolves a kernel over the 3 spatial dimension(s) of the input, adds a
    bias and applies the activation.

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 3 ints.
        strides: int or tuple of 3 ints (default 1).
        padding: "valid" (default), "same".
        data_format: "channels_last" (default) or "channels_first".
        dilation_rate: int or tuple of 3 ints (default 1).
        groups: number of channel groups (default 1).
        activation, use_bias, kernel_initializer, bias_initializer,
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: as in Dense.

    Input shape: (batch, spatial..., channels) with channels_last.
    Output shape: (batch, new_spatial..., filters).
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1, groups=1,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(rank=3, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups, activation=activation,
                         use_bias=use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)
