// take_along_axis (numpy semantics: indices and x broadcast on every axis but `axis`) and
// scatter_add_along_axis, its gradient.
#include <algorithm>

#include "core/allocator.h"
#include "core/errors.h"
#include "ops/creation/creation.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/index/index.h"
#include "ops/record.h"
#include "ops/reduce/reduce.h"
#include "ops/shape/shape.h"

namespace kn {
namespace ops {
namespace {

void raise_bad(int64_t bad, const Tensor& idx, int64_t n, int64_t axis, const char* op) {
  if (bad < 0) return;
  int64_t value = 0;  // read through copy_bytes: idx may live on a GPU
  copy_bytes(&value, Device{}, idx.data<int64_t>() + bad, idx.device(), sizeof(value));
  KN_CHECK_INDEX(false, op, ": index ", value, " is out of bounds for axis ", axis, " with size ",
                 n);
}

TensorList take_along_axis_backward(const Node& n, const AxisAttrs& a, const GradContext& ctx) {
  return {scatter_add_along_axis(n.input_shapes[0], n.saved_tensor(0), ctx.grad(), a.axis),
          Tensor()};
}
TensorList scatter_add_along_axis_backward(const Node& n, const AxisAttrs& a,
                                           const GradContext& ctx) {
  return {Tensor(), take_along_axis(ctx.grad(), n.saved_tensor(0), a.axis)};
}

void geometry(const Shape& shape, int64_t axis, int64_t& outer, int64_t& inner) {
  outer = inner = 1;
  for (int i = 0; i < int(shape.size()); ++i) {
    if (i < axis) outer *= shape[i];
    if (i > axis) inner *= shape[i];
  }
}

}  // namespace

Tensor take_along_axis(const Tensor& x, const Tensor& indices, int64_t axis_arg) {
  const Device dev = common_device(OpId::take_along_axis, {&x, &indices});
  KN_CHECK_TYPE(is_integral(indices.dtype()), "take_along_axis: indices must be integers, got ",
                dtype_name(indices.dtype()));
  KN_CHECK(x.ndim() == indices.ndim(), "take_along_axis: x of shape ", x.shape(),
           " and indices of shape ", indices.shape(), " must have the same rank");
  const int64_t axis = normalize_axis("take_along_axis", axis_arg, x.shape());
  // Broadcast every axis but `axis`.
  Shape xb = x.shape(), ib = indices.shape();
  for (int i = 0; i < x.ndim(); ++i) {
    if (i == axis) continue;
    const int64_t a = x.shape()[i], b = indices.shape()[i];
    KN_CHECK(a == b || a == 1 || b == 1, "take_along_axis: x of shape ", x.shape(),
             " and indices of shape ", indices.shape(), " do not broadcast");
    xb[i] = ib[i] = std::max(a, b);
    if (a == 0 || b == 0) xb[i] = ib[i] = 0;
  }
  const Tensor xs = contiguous(broadcast_to(x, xb));
  const Tensor idx = contiguous(cast(broadcast_to(indices, ib), DType::int64));
  int64_t outer, inner;
  geometry(xb, axis, outer, inner);
  Tensor out = Tensor::empty(ib, x.dtype(), dev);
  if (out.numel() > 0) {
    const int64_t bad =
        run_kernel<GatherKernelFn>(OpId::take_along_axis, dev, xs.raw_data(), idx.data<int64_t>(),
                                   out.raw_data(), outer, xb[axis], ib[axis], inner, x.dtype());
    raise_bad(bad, idx, xb[axis], axis, "take_along_axis");
  }
  if (autograd::any_tape_recording() && is_floating(x.dtype())) {
    autograd::record(OpId::take_along_axis, {xs, idx}, {out}, {idx}, AxisAttrs{axis});
  }
  return out;
}

Tensor scatter_add_along_axis(const Shape& shape, const Tensor& indices, const Tensor& updates,
                              int64_t axis_arg) {
  const Device dev = common_device(OpId::scatter_add_along_axis, {&indices, &updates});
  const int64_t axis = normalize_axis("scatter_add_along_axis", axis_arg, shape);
  KN_CHECK_TYPE(is_integral(indices.dtype()),
                "scatter_add_along_axis: indices must be integers, got ",
                dtype_name(indices.dtype()));
  KN_CHECK(indices.shape() == updates.shape() && int(shape.size()) == updates.ndim(),
           "scatter_add_along_axis: indices ", indices.shape(), " and updates ", updates.shape(),
           " must have the same shape, of the rank of ", shape);
  const Tensor idx = contiguous(cast(indices, DType::int64));
  const Tensor upd = contiguous(updates);
  int64_t outer, inner;
  geometry(shape, axis, outer, inner);
  Tensor out = zeros(shape, updates.dtype(), dev);
  if (upd.numel() > 0) {
    const int64_t bad = run_kernel<ScatterKernelFn>(
        OpId::scatter_add_along_axis, dev, upd.raw_data(), idx.data<int64_t>(), out.raw_data(),
        outer, shape[axis], upd.shape()[axis], inner, upd.dtype());
    raise_bad(bad, idx, shape[axis], axis, "scatter_add_along_axis");
  }
  if (autograd::any_tape_recording() && is_floating(upd.dtype())) {
    autograd::record(OpId::scatter_add_along_axis, {idx, upd}, {out}, {idx}, AxisAttrs{axis});
  }
  return out;
}

}  // namespace ops

KN_REGISTER_GRAD(take_along_axis, ops::take_along_axis_backward);
KN_REGISTER_GRAD(scatter_add_along_axis, ops::scatter_add_along_axis_backward);

}  // namespace kn
