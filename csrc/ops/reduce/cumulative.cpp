// cumsum / cumprod along one axis (or the flattened tensor when axis is None).
// Gradients: cumsum -> reversed cumsum of g; cumprod -> reversed cumsum(g * y) / x, made exact
// where x has zeros (see cumprod_backward).
#include "ops/creation/creation.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/record.h"
#include "ops/reduce/reduce.h"
#include "ops/shape/shape.h"

namespace kn {
namespace ops {
namespace {

Tensor cumulative(OpId op, const Tensor& x_in, std::optional<int64_t> axis_arg) {
  const Device dev = common_device(op, {&x_in});
  DType dtype = x_in.dtype();
  if (dtype == DType::bool_ || dtype == DType::uint8) dtype = DType::int32;
  Tensor x = cast(x_in, dtype);
  if (!axis_arg) x = reshape(x, Shape{x.numel()});
  const int64_t axis =
      x.ndim() == 0 ? 0 : normalize_axis(op_name(op), axis_arg ? *axis_arg : 0, x.shape());
  int64_t outer = 1, r = 1, inner = 1;
  for (int i = 0; i < x.ndim(); ++i) (i < axis ? outer : (i == axis ? r : inner)) *= x.shape()[i];
  const Tensor src = contiguous(x);
  Tensor out = Tensor::empty(x.shape(), dtype, dev);
  if (out.numel() > 0)
    run_kernel<CumulativeKernelFn>(op, dev, src.raw_data(), out.raw_data(), outer, r, inner, dtype);
  if (autograd::any_tape_recording() && is_floating(dtype)) {
    autograd::record(op, {x}, {out}, op == OpId::cumprod ? TensorList{x, out} : TensorList{},
                     AxisAttrs{axis});
  }
  return out;
}

Tensor reverse_cumsum(const Tensor& g, int64_t axis) {
  return flip(cumsum(flip(g, Dims{axis}), axis), Dims{axis});
}

TensorList cumsum_backward(const Node& n, const AxisAttrs& a, const GradContext& ctx) {
  if (n.input_shapes[0].size() == 0) return {ctx.grad()};
  return {reverse_cumsum(ctx.grad(), a.axis)};
}

// dx_j = sum_{i >= j} g_i prod_{k <= i, k != j} x_k. Along each row, with z its first zero:
//   j < z:  reversed cumsum(g * y)_j / x_j (no zero up to j, so the division is exact);
//   j = z:  reversed cumsum(g * y')_z, y' the cumprod of x with x_z replaced by 1;
//   j > z:  0 (every product holds x_z).
TensorList cumprod_backward(const Node& n, const AxisAttrs& a, const GradContext& ctx) {
  const Tensor& x = n.saved_tensor(0);
  const Tensor& y = n.saved_tensor(1);
  const Tensor& g = ctx.grad();
  if (x.ndim() == 0) return {g};
  const int64_t axis = a.axis;
  const Tensor zero = scalar_like(0, x), one = scalar_like(1, x);
  const Tensor is_zero = equal(x, zero);
  const Tensor zeros_upto = cumsum(cast(is_zero, x.dtype()), axis);  // zeros in x[..., :j+1]
  const Tensor first_zero = logical_and(is_zero, equal(zeros_upto, one));
  const Tensor before_zero = equal(zeros_upto, zero);
  const Tensor plain = divide(reverse_cumsum(multiply(g, y), axis), where(is_zero, one, x));
  const Tensor at_zero =
      reverse_cumsum(multiply(g, cumprod(where(first_zero, one, x), axis)), axis);
  return {where(first_zero, at_zero, where(before_zero, plain, zero))};
}

}  // namespace

Tensor cumsum(const Tensor& x, std::optional<int64_t> axis) {
  return cumulative(OpId::cumsum, x, axis);
}
Tensor cumprod(const Tensor& x, std::optional<int64_t> axis) {
  return cumulative(OpId::cumprod, x, axis);
}

}  // namespace ops

KN_REGISTER_GRAD(cumsum, ops::cumsum_backward);
KN_REGISTER_GRAD(cumprod, ops::cumprod_backward);

}  // namespace kn
