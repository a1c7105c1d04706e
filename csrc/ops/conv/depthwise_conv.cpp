// depthwise_conv and its two gradient ops: checks, geometry, dispatch, gradient rules.
#include "ops/conv/depthwise_conv.h"

#include "core/errors.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/record.h"
#include "ops/shape/shape.h"

namespace kn {
namespace {

ConvGeometry dw_geometry(const char* op, const Shape& x, const Shape& w, const Dims& strides,
                         const Dims& pads, const Dims& dilation) {
  const int nd = int(x.size()) - 2;
  KN_CHECK(nd >= 1 && nd <= 3, op,
           ": expected an input of rank 3, 4 or 5 (N, spatial..., C), got shape ", x);
  KN_CHECK(int(w.size()) == nd + 2, op, ": the kernel must have rank ", nd + 2,
           " (kernel size..., channels, depth_multiplier), got shape ", w, " for input shape ", x);
  KN_CHECK(w[nd] == x[nd + 1], op, ": the kernel has ", w[nd], " input channels (shape ", w,
           ") but the input has ", x[nd + 1], " (shape ", x, ")");
  KN_CHECK(int(strides.size()) == nd && int(dilation.size()) == nd && int(pads.size()) == 2 * nd,
           op, ": expected ", nd, " strides and dilations and ", nd, " (before, after) pads");
  ConvGeometry g;
  g.nd = nd;
  g.N = x[0];
  g.C = x[nd + 1];
  g.G = g.C;
  g.F = g.C * w[nd + 1];
  for (int d = 0; d < nd; ++d) {
    KN_CHECK(strides[d] >= 1 && dilation[d] >= 1, op, ": strides and dilation must be positive");
    g.in[d] = x[d + 1];
    g.k[d] = w[d];
    g.stride[d] = strides[d];
    g.dil[d] = dilation[d];
    g.pad[d] = pads[2 * d];
    g.pad_after[d] = pads[2 * d + 1];
    const int64_t eff = (g.k[d] - 1) * g.dil[d] + 1,
                  padded = g.in[d] + pads[2 * d] + pads[2 * d + 1];
    KN_CHECK(padded >= eff, op, ": the kernel (size ", g.k[d], ", dilation ", g.dil[d],
             ") is larger than the padded input (", padded, ") on spatial axis ", d,
             "; input shape ", x);
    g.out[d] = (padded - eff) / g.stride[d] + 1;
  }
  return g;
}

Shape dw_out_shape(const ConvGeometry& g) {
  Shape s{g.N};
  for (int d = 0; d < g.nd; ++d) s.push_back(g.out[d]);
  s.push_back(g.F);
  return s;
}

DepthwiseConvAttrs attrs(const Dims& strides, const Dims& pads, const Dims& dilation) {
  return DepthwiseConvAttrs{strides, pads, dilation};
}

TensorList dw_backward(const Node& n, const DepthwiseConvAttrs& a, const GradContext& ctx) {
  const Dims &s = a.strides, &p = a.pads, &d = a.dilation;
  const Tensor& x = n.saved_tensor(0);
  const Tensor& w = n.saved_tensor(1);
  const Tensor dy = ops::contiguous(ctx.grad());  // dense once for both (a broadcast sum gradient)
  return {ctx.needs(0) ? ops::depthwise_conv_backprop_input(dy, w, x.shape(), s, p, d) : Tensor(),
          ctx.needs(1) ? ops::depthwise_conv_backprop_filter(x, dy, w.shape(), s, p, d) : Tensor()};
}

TensorList dw_input_backward(const Node& n, const DepthwiseConvAttrs& a, const GradContext& ctx) {
  const Dims &s = a.strides, &p = a.pads, &d = a.dilation;
  const Tensor& dy = n.saved_tensor(0);
  const Tensor& w = n.saved_tensor(1);
  return {ctx.needs(0) ? ops::depthwise_conv(ctx.grad(), w, s, p, d) : Tensor(),
          ctx.needs(1) ? ops::depthwise_conv_backprop_filter(ctx.grad(), dy, w.shape(), s, p, d)
                       : Tensor()};
}

TensorList dw_filter_backward(const Node& n, const DepthwiseConvAttrs& a, const GradContext& ctx) {
  const Dims &s = a.strides, &p = a.pads, &d = a.dilation;
  const Tensor& x = n.saved_tensor(0);
  const Tensor& dy = n.saved_tensor(1);
  return {ctx.needs(0) ? ops::depthwise_conv_backprop_input(dy, ctx.grad(), x.shape(), s, p, d)
                       : Tensor(),
          ctx.needs(1) ? ops::depthwise_conv(x, ctx.grad(), s, p, d) : Tensor()};
}

DType float_of(const char* op, const Tensor& a, const Tensor& b) {
  const DType t = promote_types(a.dtype(), b.dtype());
  KN_CHECK_TYPE(is_floating(t), op, ": expected float tensors, got ", dtype_name(a.dtype()),
                " and ", dtype_name(b.dtype()));
  return t;
}

}  // namespace

namespace ops {

Tensor depthwise_conv(const Tensor& x_in, const Tensor& w_in, const Dims& strides, const Dims& pads,
                      const Dims& dilation) {
  const Device dev = common_device(OpId::depthwise_conv, {&x_in, &w_in});
  const DType dt = float_of("depthwise_conv", x_in, w_in);
  const Tensor x = contiguous(cast(x_in, dt)), w = contiguous(cast(w_in, dt));
  const ConvGeometry g =
      dw_geometry("depthwise_conv", x.shape(), w.shape(), strides, pads, dilation);
  Tensor y = Tensor::empty(dw_out_shape(g), dt, dev);
  if (y.numel() > 0) {
    run_kernel<DepthwiseKernelFn>(OpId::depthwise_conv, dev, g, w.dim(-1), x.raw_data(),
                                  w.raw_data(), y.raw_data(), dt);
  }
  if (autograd::any_tape_recording())
    autograd::record(OpId::depthwise_conv, {x, w}, {y}, {x, w}, attrs(strides, pads, dilation));
  return y;
}

Tensor depthwise_conv_backprop_input(const Tensor& dy_in, const Tensor& w_in, const Shape& x_shape,
                                     const Dims& strides, const Dims& pads, const Dims& dilation) {
  const Device dev = common_device(OpId::depthwise_conv_backprop_input, {&dy_in, &w_in});
  const DType dt = float_of("depthwise_conv_backprop_input", dy_in, w_in);
  const Tensor dy = contiguous(cast(dy_in, dt)), w = contiguous(cast(w_in, dt));
  const ConvGeometry g =
      dw_geometry("depthwise_conv_backprop_input", x_shape, w.shape(), strides, pads, dilation);
  KN_CHECK(dy.shape() == dw_out_shape(g), "depthwise_conv_backprop_input: gradient of shape ",
           dy.shape(), " does not match the output shape ", dw_out_shape(g));
  Tensor dx = Tensor::empty(x_shape, dt, dev);
  if (dx.numel() > 0) {
    run_kernel<DepthwiseKernelFn>(OpId::depthwise_conv_backprop_input, dev, g, w.dim(-1),
                                  dy.raw_data(), w.raw_data(), dx.raw_data(), dt);
  }
  if (autograd::any_tape_recording()) {
    autograd::record(OpId::depthwise_conv_backprop_input, {dy, w}, {dx}, {dy, w},
                     attrs(strides, pads, dilation));
  }
  return dx;
}

Tensor depthwise_conv_backprop_filter(const Tensor& x_in, const Tensor& dy_in, const Shape& w_shape,
                                      const Dims& strides, const Dims& pads, const Dims& dilation) {
  const Device dev = common_device(OpId::depthwise_conv_backprop_filter, {&x_in, &dy_in});
  const DType dt = float_of("depthwise_conv_backprop_filter", x_in, dy_in);
  const Tensor x = contiguous(cast(x_in, dt)), dy = contiguous(cast(dy_in, dt));
  const ConvGeometry g =
      dw_geometry("depthwise_conv_backprop_filter", x.shape(), w_shape, strides, pads, dilation);
  KN_CHECK(dy.shape() == dw_out_shape(g), "depthwise_conv_backprop_filter: gradient of shape ",
           dy.shape(), " does not match the output shape ", dw_out_shape(g));
  Tensor dw = Tensor::empty(w_shape, dt, dev);
  if (dw.numel() > 0) {
    run_kernel<DepthwiseKernelFn>(OpId::depthwise_conv_backprop_filter, dev, g, w_shape.back(),
                                  x.raw_data(), dy.raw_data(), dw.raw_data(), dt);
  }
  if (autograd::any_tape_recording()) {
    autograd::record(OpId::depthwise_conv_backprop_filter, {x, dy}, {dw}, {x, dy},
                     attrs(strides, pads, dilation));
  }
  return dw;
}

}  // namespace ops

KN_REGISTER_GRAD(depthwise_conv, dw_backward);
KN_REGISTER_GRAD(depthwise_conv_backprop_input, dw_input_backward);
KN_REGISTER_GRAD(depthwise_conv_backprop_filter, dw_filter_backward);

}  // namespace kn
