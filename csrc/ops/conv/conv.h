// Convolutions, channels_last, 1 to 3 spatial dimensions, with strides, dilation, explicit
// (asymmetric) padding and groups.
//
// Shape glossary: N batch, S... spatial (up to 3), C input channels, F output channels (filters),
// G groups, K... kernel size, Cg = C / G, Fg = F / G.
//   input  x: [N, S..., C]      kernel w: [K..., Cg, F]      output y: [N, O..., F]
// O_d = floor((S_d + pad_before_d + pad_after_d - ((K_d - 1) dil_d + 1)) / stride_d) + 1.
//
// conv is a GEMM whose A matrix is the im2col of x, read through per-position row pointers
// (never materialised): rows (n, o...) x columns (k..., c). Its gradients are conv_backprop_input
// and conv_backprop_filter; the three ops' gradients close over each other (all bilinear).
// CPU kernels: conv_cpu.cpp (conv, conv_bias_act), conv_backprop_input_cpu.cpp,
// conv_backprop_filter_cpu.cpp, their shared pieces in conv_cpu.h.
#pragma once

#include <string>

#include "core/tensor.h"
#include "ops/op_table.h"

namespace kn {

struct ConvGeometry {
  int nd = 2;  // spatial dimensions
  int64_t N = 0, C = 0, F = 0, G = 1;
  int64_t in[3] = {1, 1, 1};  // spatial sizes padded with 1 to three dims
  int64_t out[3] = {1, 1, 1};
  int64_t k[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1};
  int64_t dil[3] = {1, 1, 1};
  int64_t pad[3] = {0, 0, 0};  // before; the after-padding only shapes `out`
  int64_t pad_after[3] = {0, 0, 0};

  int64_t in_spatial() const { return in[0] * in[1] * in[2]; }
  int64_t out_spatial() const { return out[0] * out[1] * out[2]; }
  int64_t kvol() const { return k[0] * k[1] * k[2]; }
};

// The same geometry with the spatial axes moved to the end (1-D and 2-D geometries keep their
// size-1 axes last): the same memory layout, with the innermost real axis at index 2, for
// kernels that walk output rows along that axis.
inline ConvGeometry right_aligned(const ConvGeometry& g) {
  ConvGeometry r = g;
  const int shift = 3 - g.nd;
  for (int d = 2; d >= 0; --d) {
    const int src = d - shift;
    const bool real = src >= 0;
    r.in[d] = real ? g.in[src] : 1;
    r.out[d] = real ? g.out[src] : 1;
    r.k[d] = real ? g.k[src] : 1;
    r.stride[d] = real ? g.stride[src] : 1;
    r.dil[d] = real ? g.dil[src] : 1;
    r.pad[d] = real ? g.pad[src] : 0;
    r.pad_after[d] = real ? g.pad_after[src] : 0;
  }
  r.nd = 3;
  return r;
}

// x [N, S..., C] * w [K..., Cg, F] -> y [N, O..., F]
using ConvKernelFn = void (*)(const ConvGeometry& geo, const void* x, const void* w, void* y,
                              DType dtype);
// conv_bias_act: the same, then + bias[F] (nullptr: none) and the activation in one pass.
using ConvBiasActKernelFn = void (*)(const ConvGeometry& geo, const void* x, const void* w,
                                     const void* bias, FusedActivation activation, void* y,
                                     DType dtype);
// dy [N, O..., F], w -> dx [N, S..., C]
using ConvBackpropInputKernelFn = void (*)(const ConvGeometry& geo, const void* dy, const void* w,
                                           void* dx, DType dtype);
// x, dy -> dw [K..., Cg, F]
using ConvBackpropFilterKernelFn = void (*)(const ConvGeometry& geo, const void* x, const void* dy,
                                            void* dw, DType dtype);

// The tape attributes of conv, conv_backprop_input and conv_backprop_filter: per spatial axis
// strides, (before, after) pads and dilation, and the group count.
struct ConvAttrs {
  Dims strides, pads, dilation;
  int64_t groups = 1;
};
// conv_bias_act: conv's, the fused activation and whether a bias was added.
struct ConvBiasActAttrs {
  ConvAttrs conv;
  FusedActivation activation = FusedActivation::Linear;
  bool has_bias = false;
};

namespace ops {

// padding: explicit (before, after) per spatial axis.
Tensor conv(const Tensor& x, const Tensor& w, const Dims& strides, const Dims& pads,
            const Dims& dilation, int64_t groups);
// activation(conv(x, w) + b): the bias add and the activation run on each output tile as it is
// written (Conv layers). b may be undefined.
Tensor conv_bias_act(const Tensor& x, const Tensor& w, const Tensor& b, FusedActivation activation,
                     const Dims& strides, const Dims& pads, const Dims& dilation, int64_t groups);
Tensor conv_backprop_input(const Tensor& dy, const Tensor& w, const Shape& x_shape,
                           const Dims& strides, const Dims& pads, const Dims& dilation,
                           int64_t groups);
Tensor conv_backprop_filter(const Tensor& x, const Tensor& dy, const Shape& w_shape,
                            const Dims& strides, const Dims& pads, const Dims& dilation,
                            int64_t groups);

}  // namespace ops

// Keras padding rules: the (before, after) pads of one axis for "valid", "same" (the extra cell
// at the end) or "causal" (everything before).
void keras_padding(const std::string& padding, int64_t size, int64_t k, int64_t stride, int64_t dil,
                   int64_t* before, int64_t* after, const char* op);

}  // namespace kn
