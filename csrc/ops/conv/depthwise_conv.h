// Depthwise convolution, channels_last: each input channel c is convolved with its own
// depth_multiplier (M) filters.  x [N, S..., C], w [K..., C, M] -> y [N, O..., C*M],
//   y[n, o, c*M + m] = sum_q x[n, i(o, q), c] * w[q, c, m]
// Direct kernels (no im2col): the channel axis is the vector axis. Gradients close over the
// three ops, as for conv.
#pragma once

#include "ops/conv/conv.h"

namespace kn {

using DepthwiseKernelFn = void (*)(const ConvGeometry& g, int64_t multiplier, const void* a,
                                   const void* b, void* out, DType dtype);

// The tape attributes of the three depthwise ops: per spatial axis strides, dilation and
// (before, after) pads.
struct DepthwiseConvAttrs {
  Dims strides, pads, dilation;
};

namespace ops {

Tensor depthwise_conv(const Tensor& x, const Tensor& w, const Dims& strides, const Dims& pads,
                      const Dims& dilation);
Tensor depthwise_conv_backprop_input(const Tensor& dy, const Tensor& w, const Shape& x_shape,
                                     const Dims& strides, const Dims& pads, const Dims& dilation);
Tensor depthwise_conv_backprop_filter(const Tensor& x, const Tensor& dy, const Shape& w_shape,
                                      const Dims& strides, const Dims& pads, const Dims& dilation);

}  // namespace ops
}  // namespace kn
