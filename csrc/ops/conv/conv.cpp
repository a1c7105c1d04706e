// conv, conv_bias_act (conv + bias + ReLU in one pass, for Conv layers), conv_backprop_input,
// conv_backprop_filter: checks, geometry, dispatch, gradient rules.
#include "ops/conv/conv.h"

#include "core/errors.h"
#include "ops/creation/creation.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/record.h"
#include "ops/reduce/reduce.h"
#include "ops/shape/shape.h"

namespace kn {

void keras_padding(const std::string& padding, int64_t size, int64_t k, int64_t stride, int64_t dil,
                   int64_t* before, int64_t* after, const char* op) {
  const int64_t eff = (k - 1) * dil + 1;
  if (padding == "valid") {
    *before = *after = 0;
  } else if (padding == "same") {
    const int64_t out = (size + stride - 1) / stride;
    const int64_t total = std::max<int64_t>((out - 1) * stride + eff - size, 0);
    *before = total / 2;
    *after = total - *before;
  } else if (padding == "causal") {
    *before = eff - 1;
    *after = 0;
  } else {
    KN_FAIL(op, ": `padding` must be 'valid', 'same' or 'causal', got '", padding, "'");
  }
}

namespace {

ConvGeometry make_geometry(const char* op, const Shape& x, const Shape& w, const Dims& strides,
                           const Dims& pads, const Dims& dilation, int64_t groups) {
  ConvGeometry g;
  const int nd = int(x.size()) - 2;
  KN_CHECK(nd >= 1 && nd <= 3, op,
           ": expected an input of rank 3, 4 or 5 (N, spatial..., C), got shape ", x);
  KN_CHECK(int(w.size()) == nd + 2, op, ": the kernel must have rank ", nd + 2,
           " (kernel size..., in/groups, "
           "filters) for an input of shape ",
           x, ", got kernel shape ", w);
  KN_CHECK(int(strides.size()) == nd && int(dilation.size()) == nd && int(pads.size()) == 2 * nd,
           op, ": expected ", nd, " strides and dilations and ", nd, " (before, after) pads");
  KN_CHECK(groups >= 1, op, ": groups must be >= 1, got ", groups);
  g.nd = nd;
  g.N = x[0];
  g.C = x[nd + 1];
  g.F = w[nd + 1];
  g.G = groups;
  KN_CHECK(g.C % groups == 0 && g.F % groups == 0, op, ": input channels (", g.C, ") and filters (",
           g.F, ") must be divisible by groups (", groups, ")");
  KN_CHECK(w[nd] * groups == g.C, op, ": the kernel expects ", w[nd] * groups,
           " input channels (kernel shape ", w, ", groups ", groups, ") but the input has ", g.C,
           " (input shape ", x, ")");
  for (int d = 0; d < nd; ++d) {
    KN_CHECK(strides[d] >= 1, op, ": strides must be positive, got ", strides);
    KN_CHECK(dilation[d] >= 1, op, ": dilation_rate must be positive, got ", dilation);
    KN_CHECK(pads[2 * d] >= 0 && pads[2 * d + 1] >= 0, op, ": negative padding");
    g.in[d] = x[d + 1];
    g.k[d] = w[d];
    g.stride[d] = strides[d];
    g.dil[d] = dilation[d];
    g.pad[d] = pads[2 * d];
    g.pad_after[d] = pads[2 * d + 1];
    const int64_t eff = (g.k[d] - 1) * g.dil[d] + 1;
    const int64_t padded = g.in[d] + pads[2 * d] + pads[2 * d + 1];
    KN_CHECK(padded >= eff, op, ": the kernel (size ", g.k[d], ", dilation ", g.dil[d],
             ") is larger than the ", "padded input (", padded, ") on spatial axis ", d,
             "; input shape ", x, ", kernel shape ", w);
    g.out[d] = (padded - eff) / g.stride[d] + 1;
  }
  return g;
}

Shape out_shape(const ConvGeometry& g) {
  Shape s{g.N};
  for (int d = 0; d < g.nd; ++d) s.push_back(g.out[d]);
  s.push_back(g.F);
  return s;
}

ConvAttrs conv_attrs(const Dims& strides, const Dims& pads, const Dims& dilation, int64_t groups) {
  return ConvAttrs{strides, pads, dilation, groups};
}

TensorList conv_backward(const Node& n, const ConvAttrs& a, const GradContext& ctx) {
  const Dims &s = a.strides, &p = a.pads, &d = a.dilation;
  const int64_t g = a.groups;
  const Tensor& x = n.saved_tensor(0);
  const Tensor& w = n.saved_tensor(1);
  // Dense once for both products (the gradient of a sum arrives as a broadcast scalar).
  const Tensor dy = ops::contiguous(ctx.grad());
  return {ctx.needs(0) ? ops::conv_backprop_input(dy, w, x.shape(), s, p, d, g) : Tensor(),
          ctx.needs(1) ? ops::conv_backprop_filter(x, dy, w.shape(), s, p, d, g) : Tensor()};
}

TensorList conv_bias_act_backward(const Node& n, const ConvBiasActAttrs& a,
                                  const GradContext& ctx) {
  const Dims &s = a.conv.strides, &p = a.conv.pads, &d = a.conv.dilation;
  const int64_t g = a.conv.groups;
  const bool relu = a.activation == FusedActivation::Relu, has_bias = a.has_bias;
  const Tensor& x = n.saved_tensor(0);
  const Tensor& w = n.saved_tensor(1);
  Tensor dz = ops::contiguous(ctx.grad());  // dense once for both products
  if (relu) {
    const Tensor& y = n.saved_tensor(2);
    dz = ops::where(ops::greater(y, ops::scalar_like(0.0, y)), dz, ops::scalar_like(0.0, dz));
  }
  TensorList out{ctx.needs(0) ? ops::conv_backprop_input(dz, w, x.shape(), s, p, d, g) : Tensor(),
                 ctx.needs(1) ? ops::conv_backprop_filter(x, dz, w.shape(), s, p, d, g) : Tensor()};
  if (has_bias) {
    Dims lead;
    for (int i = 0; i + 1 < dz.ndim(); ++i) lead.push_back(i);
    out.push_back(ctx.needs(2) ? ops::sum(dz, lead) : Tensor());
  }
  return out;
}

TensorList conv_backprop_input_backward(const Node& n, const ConvAttrs& a, const GradContext& ctx) {
  const Dims &s = a.strides, &p = a.pads, &d = a.dilation;
  const int64_t g = a.groups;
  const Tensor& dy = n.saved_tensor(0);
  const Tensor& w = n.saved_tensor(1);
  const Tensor& gg = ctx.grad();  // shaped like x
  return {ctx.needs(0) ? ops::conv(gg, w, s, p, d, g) : Tensor(),
          ctx.needs(1) ? ops::conv_backprop_filter(gg, dy, w.shape(), s, p, d, g) : Tensor()};
}

TensorList conv_backprop_filter_backward(const Node& n, const ConvAttrs& a,
                                         const GradContext& ctx) {
  const Dims &s = a.strides, &p = a.pads, &d = a.dilation;
  const int64_t g = a.groups;
  const Tensor& x = n.saved_tensor(0);
  const Tensor& dy = n.saved_tensor(1);
  const Tensor& gg = ctx.grad();  // shaped like w
  return {ctx.needs(0) ? ops::conv_backprop_input(dy, gg, x.shape(), s, p, d, g) : Tensor(),
          ctx.needs(1) ? ops::conv(x, gg, s, p, d, g) : Tensor()};
}

DType conv_dtype(const char* op, const Tensor& a, const Tensor& b) {
  const DType t = promote_types(a.dtype(), b.dtype());
  KN_CHECK_TYPE(is_floating(t), op, ": expected float tensors, got ", dtype_name(a.dtype()),
                " and ", dtype_name(b.dtype()));
  return t;
}

}  // namespace

namespace ops {

Tensor conv(const Tensor& x_in, const Tensor& w_in, const Dims& strides, const Dims& pads,
            const Dims& dilation, int64_t groups) {
  const Device dev = common_device(OpId::conv, {&x_in, &w_in});
  const DType dt = conv_dtype("conv", x_in, w_in);
  const Tensor x = contiguous(cast(x_in, dt)), w = contiguous(cast(w_in, dt));
  const ConvGeometry g =
      make_geometry("conv", x.shape(), w.shape(), strides, pads, dilation, groups);
  Tensor y = Tensor::empty(out_shape(g), dt, dev);
  if (y.numel() > 0)
    run_kernel<ConvKernelFn>(OpId::conv, dev, g, x.raw_data(), w.raw_data(), y.raw_data(), dt);
  if (autograd::any_tape_recording()) {
    autograd::record(OpId::conv, {x, w}, {y}, {x, w}, conv_attrs(strides, pads, dilation, groups));
  }
  return y;
}

Tensor conv_bias_act(const Tensor& x_in, const Tensor& w_in, const Tensor& b_in,
                     FusedActivation activation, const Dims& strides, const Dims& pads,
                     const Dims& dilation, int64_t groups) {
  const bool has_bias = b_in.defined();
  const Device dev = has_bias ? common_device(OpId::conv_bias_act, {&x_in, &w_in, &b_in})
                              : common_device(OpId::conv_bias_act, {&x_in, &w_in});
  const DType dt = conv_dtype("conv_bias_act", x_in, w_in);
  const Tensor x = contiguous(cast(x_in, dt)), w = contiguous(cast(w_in, dt));
  const ConvGeometry g =
      make_geometry("conv_bias_act", x.shape(), w.shape(), strides, pads, dilation, groups);
  KN_CHECK(!has_bias || (b_in.ndim() == 1 && b_in.dim(0) == g.F),
           "conv_bias_act: the bias must have shape (", g.F, "), one value per filter, got ",
           b_in.shape());
  if (dev.is_cuda()) {  // no fused kernel there: the same result from its parts
    Tensor y = conv(x, w, strides, pads, dilation, groups);
    if (has_bias) y = add(y, b_in);
    return activation == FusedActivation::Relu ? ops::relu(y) : y;
  }
  const Tensor b = has_bias ? contiguous(cast(b_in, dt)) : Tensor();
  Tensor y = Tensor::empty(out_shape(g), dt, dev);
  if (y.numel() > 0) {
    run_kernel<ConvBiasActKernelFn>(OpId::conv_bias_act, dev, g, x.raw_data(), w.raw_data(),
                                    has_bias ? b.raw_data() : nullptr, activation, y.raw_data(),
                                    dt);
  }
  if (autograd::any_tape_recording()) {
    ConvBiasActAttrs attrs{conv_attrs(strides, pads, dilation, groups), activation, has_bias};
    if (has_bias)
      autograd::record(OpId::conv_bias_act, {x, w, b}, {y}, {x, w, y}, std::move(attrs));
    else autograd::record(OpId::conv_bias_act, {x, w}, {y}, {x, w, y}, std::move(attrs));
  }
  return y;
}

Tensor conv_backprop_input(const Tensor& dy_in, const Tensor& w_in, const Shape& x_shape,
                           const Dims& strides, const Dims& pads, const Dims& dilation,
                           int64_t groups) {
  const Device dev = common_device(OpId::conv_backprop_input, {&dy_in, &w_in});
  const DType dt = conv_dtype("conv_backprop_input", dy_in, w_in);
  const Tensor dy = contiguous(cast(dy_in, dt)), w = contiguous(cast(w_in, dt));
  const ConvGeometry g =
      make_geometry("conv_backprop_input", x_shape, w.shape(), strides, pads, dilation, groups);
  KN_CHECK(dy.shape() == out_shape(g), "conv_backprop_input: gradient of shape ", dy.shape(),
           " does not match the convolution output shape ", out_shape(g));
  Tensor dx = Tensor::empty(x_shape, dt, dev);
  if (dx.numel() > 0) {
    run_kernel<ConvBackpropInputKernelFn>(OpId::conv_backprop_input, dev, g, dy.raw_data(),
                                          w.raw_data(), dx.raw_data(), dt);
  }
  if (autograd::any_tape_recording()) {
    autograd::record(OpId::conv_backprop_input, {dy, w}, {dx}, {dy, w},
                     conv_attrs(strides, pads, dilation, groups));
  }
  return dx;
}

Tensor conv_backprop_filter(const Tensor& x_in, const Tensor& dy_in, const Shape& w_shape,
                            const Dims& strides, const Dims& pads, const Dims& dilation,
                            int64_t groups) {
  const Device dev = common_device(OpId::conv_backprop_filter, {&x_in, &dy_in});
  const DType dt = conv_dtype("conv_backprop_filter", x_in, dy_in);
  const Tensor x = contiguous(cast(x_in, dt)), dy = contiguous(cast(dy_in, dt));
  const ConvGeometry g =
      make_geometry("conv_backprop_filter", x.shape(), w_shape, strides, pads, dilation, groups);
  KN_CHECK(dy.shape() == out_shape(g), "conv_backprop_filter: gradient of shape ", dy.shape(),
           " does not match the convolution output shape ", out_shape(g));
  Tensor dw = Tensor::empty(w_shape, dt, dev);
  if (dw.numel() > 0) {
    run_kernel<ConvBackpropFilterKernelFn>(OpId::conv_backprop_filter, dev, g, x.raw_data(),
                                           dy.raw_data(), dw.raw_data(), dt);
  }
  if (autograd::any_tape_recording()) {
    autograd::record(OpId::conv_backprop_filter, {x, dy}, {dw}, {x, dy},
                     conv_attrs(strides, pads, dilation, groups));
  }
  return dw;
}

}  // namespace ops

KN_REGISTER_GRAD(conv, conv_backward);
KN_REGISTER_GRAD(conv_bias_act, conv_bias_act_backward);
KN_REGISTER_GRAD(conv_backprop_input, conv_backprop_input_backward);
KN_REGISTER_GRAD(conv_backprop_filter, conv_backprop_filter_backward);

}  // namespace kn
