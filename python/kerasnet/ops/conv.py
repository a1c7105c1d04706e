"""Convolutions with Keras' signatures: conv, depthwise_conv, separable_conv, conv_transpose.

Kernels use Keras' layouts: conv (k..., in/groups, filters), depthwise
(k..., in, depth_multiplier), conv_transpose (k..., filters, in). Padding
"valid", "same" (the extra cell at the end) or "causal" (1D) is turned into
explicit pads here; the engine runs channels_last, channels_first inputs are
transposed in and out.
"""

from kerasnet import _C
from kerasnet.backend.config import image_data_format
from kerasnet.backend.tensor import Tensor
from kerasnet.backend.tensor import as_tensor as _as_tensor
from kerasnet.ops.fused_activation import fused_activation

# activation(conv(x, kernel) + bias) in one pass, channels_last, explicit pads; activation is a
# FusedActivation (csrc/ops/conv/conv.cpp). conv_forward below decides when it runs.
conv_bias_act = _C.conv_bias_act


def _tuple(value, n, name):
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise ValueError(f"`{name}` must be an int or a tuple of {n} ints, got {value}")
    return value


def _to_last(x, data_format):
    data_format = data_format or image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "The `data_format` argument must be one of "
            f"{{'channels_first', 'channels_last'}}. Received: data_format={data_format}"
        )
    if data_format == "channels_first":
        return _C.moveaxis(x, 1, -1), True
    return x, False


def _from_last(y, moved):
    return _C.moveaxis(y, -1, 1) if moved else y


def _pads(padding, spatial, kernel, strides, dilation, op):
    padding = padding.lower()
    if padding == "causal" and len(spatial) != 1:
        raise ValueError(f"{op}: padding='causal' is only supported for 1D convolutions.")
    pads = []
    for size, k, s, d in zip(spatial, kernel, strides, dilation):
        pads.extend(_C.keras_padding(padding, int(size), int(k), int(s), int(d)))
    return pads


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (N = 1, 2, 3); kernel (k..., in_channels / groups, filters)."""
    x, moved = _to_last(_as_tensor(inputs), data_format)
    kernel = _as_tensor(kernel)
    nd = x.ndim - 2
    if nd < 1 or nd > 3:
        raise ValueError(
            f"Inputs to conv must have rank 3, 4 or 5. Received input shape {x.shape}"
        )
    strides = _tuple(strides, nd, "strides")
    dilation = _tuple(dilation_rate, nd, "dilation_rate")
    if kernel.ndim != nd + 2:
        raise ValueError(
            f"The kernel must have rank {nd + 2} for inputs of shape {tuple(inputs.shape)}; "
            f"received kernel shape {kernel.shape}"
        )
    in_ch = x.shape[-1]
    if kernel.shape[-2] == 0 or in_ch % kernel.shape[-2] != 0:
        raise ValueError(
            f"The number of input channels ({in_ch}) must be a multiple of the "
            f"kernel's input channels ({kernel.shape[-2]}); kernel shape {kernel.shape}"
        )
    groups = in_ch // kernel.shape[-2]
    pads = _pads(padding, x.shape[1:-1], kernel.shape[:nd], strides, dilation, "conv")
    return _from_last(_C.conv(x, kernel, strides, pads, dilation, groups), moved)


def conv_forward(inputs, kernel, bias=None, activation=None, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, convolution=None):
    """`activation(conv(inputs, kernel) + bias)` for the Conv layers (bias None: none, one value per
    filter; activation None: linear).

    The one place that decides how it runs: as the fused conv_bias_act (the bias and activation
    applied to each output tile as it is written) when the engine's epilogue computes `activation`
    (fused_activation.py) on channels_last engine tensors of the kernel's dtype, else as separate
    ops. `convolution(inputs, kernel)`, when given, replaces `conv` (a layer's own
    `convolution_op`) and always runs with separate ops.
    """
    data_format = data_format or image_data_format()
    nd = kernel.ndim - 2
    fused = fused_activation(activation)
    if (fused is not None and convolution is None and data_format == "channels_last"
            and isinstance(inputs, Tensor) and inputs.dtype == kernel.dtype and inputs.ndim == nd + 2):
        strides = _tuple(strides, nd, "strides")
        dilation = _tuple(dilation_rate, nd, "dilation_rate")
        groups = inputs.shape[-1] // kernel.shape[-2]
        pads = _pads(padding, inputs.shape[1:-1], kernel.shape[:nd], strides, dilation, "conv")
        return conv_bias_act(inputs, kernel, bias, fused, strides, pads, dilation, groups)
    if convolution is None:
        outputs = conv(inputs, kernel, strides=strides, padding=padding, data_format=data_format,
                       dilation_rate=dilation_rate)
    else:
        outputs = convolution(inputs, kernel)
    if bias is not None:
        if data_format == "channels_last":
            outputs = _C.add(outputs, bias)
        else:
            outputs = _C.add(outputs, _C.reshape(bias, (bias.shape[0],) + (1,) * nd))
    if activation is not None:
        outputs = activation(outputs)
    return outputs


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution; kernel (k..., in_channels, depth_multiplier)."""
    x, moved = _to_last(_as_tensor(inputs), data_format)
    kernel = _as_tensor(kernel)
    nd = x.ndim - 2
    strides = _tuple(strides, nd, "strides")
    dilation = _tuple(dilation_rate, nd, "dilation_rate")
    pads = _pads(padding, x.shape[1:-1], kernel.shape[:nd], strides, dilation, "depthwise_conv")
    return _from_last(_C.depthwise_conv(x, kernel, strides, pads, dilation), moved)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """Depthwise convolution followed by a 1x1 (pointwise) convolution."""
    data_format = data_format or image_data_format()
    y = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(y, pointwise_kernel, 1, "valid", data_format, 1)


def _deconv_length(length, k, padding, output_padding, stride, dilation):
    k = k + (k - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(k - stride, 0)
        return length * stride
    pad = k // 2 if padding == "same" else 0
    return (length - 1) * stride + k - 2 * pad + output_padding


def conv_transpose(inputs, kernel, strides, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """Transposed convolution; kernel (k..., filters, in_channels), Keras' output-shape rules."""
    x, moved = _to_last(_as_tensor(inputs), data_format)
    kernel = _as_tensor(kernel)
    nd = x.ndim - 2
    strides = _tuple(strides, nd, "strides")
    dilation = _tuple(dilation_rate, nd, "dilation_rate")
    padding = padding.lower()
    if output_padding is not None:
        output_padding = _tuple(output_padding, nd, "output_padding")
        for op_, s in zip(output_padding, strides):
            if op_ >= s:
                raise ValueError(
                    f"`output_padding` ({output_padding}) must be smaller than `strides` ({strides})."
                )
    ks = kernel.shape[:nd]
    out_spatial = [
        _deconv_length(int(x.shape[1 + d]), int(ks[d]), padding,
                       None if output_padding is None else output_padding[d], strides[d], dilation[d])
        for d in range(nd)
    ]
    filters = kernel.shape[-2]
    out_shape = (x.shape[0],) + tuple(out_spatial) + (filters,)
    # The forward convolution that maps out_shape to the input: its pads.
    pads = []
    for d in range(nd):
        eff = (ks[d] - 1) * dilation[d] + 1
        if padding == "same":
            total = max((int(x.shape[1 + d]) - 1) * strides[d] + eff - out_spatial[d], 0)
            pads.extend((total // 2, total - total // 2))
        else:
            pads.extend((0, 0))
    # conv_backprop_input wants the forward kernel (k..., in=filters, out=in_channels).
    y = _C.conv_backprop_input(x, kernel, out_shape, strides, pads, dilation, 1)
    return _from_last(y, moved)
