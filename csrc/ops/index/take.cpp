// take (gather along an axis) and scatter_add (its gradient and transpose).
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

void check_index_result(int64_t bad, const Tensor& idx, int64_t n, int64_t axis, const Shape& shape,
                        const char* op) {
  if (bad < 0) return;
  int64_t value = 0;  // read through copy_bytes: idx may live on a GPU
  copy_bytes(&value, Device{}, idx.data<int64_t>() + bad, idx.device(), sizeof(value));
  KN_CHECK_INDEX(false, op, ": index ", value, " is out of bounds for axis ", axis, " with size ",
                 n, " (shape ", shape, ")");
}

Tensor int64_indices(const Tensor& indices, const char* op) {
  KN_CHECK_TYPE(is_integral(indices.dtype()), op, ": indices must be integers, got ",
                dtype_name(indices.dtype()));
  return contiguous(cast(indices, DType::int64));
}

TensorList take_backward(const Node& n, const AxisAttrs& a, const GradContext& ctx) {
  // Saved: the int64 indices. Input 0 is x viewed as [outer, n, inner] -> axis a.axis.
  const Tensor& idx = n.saved_tensor(0);
  const Shape& x_shape = n.input_shapes[0];
  return {scatter_add(x_shape, idx, ctx.grad(), a.axis), Tensor()};
}

TensorList scatter_add_backward(const Node& n, const AxisAttrs& a, const GradContext& ctx) {
  return {Tensor(), take(ctx.grad(), n.saved_tensor(0), a.axis)};
}

}  // namespace

Tensor take(const Tensor& x_in, const Tensor& indices, std::optional<int64_t> axis_arg) {
  const Device dev = common_device(OpId::take, {&x_in, &indices});
  const Tensor idx = int64_indices(indices, "take");
  const Tensor x = axis_arg ? x_in : reshape(x_in, Shape{x_in.numel()});
  KN_CHECK(x.ndim() > 0, "take: cannot index a zero-dimensional tensor along an axis");
  const int64_t axis = normalize_axis("take", axis_arg ? *axis_arg : 0, x.shape());
  int64_t outer = 1, inner = 1;
  Shape out_shape;
  for (int i = 0; i < x.ndim(); ++i) {
    if (i < axis) {
      outer *= x.shape()[i];
      out_shape.push_back(x.shape()[i]);
    }
    if (i == axis)
      for (int64_t d : idx.shape()) out_shape.push_back(d);
    if (i > axis) {
      inner *= x.shape()[i];
      out_shape.push_back(x.shape()[i]);
    }
  }
  const int64_t n = x.shape()[axis], m = idx.numel();
  const Tensor src = contiguous(x);
  Tensor out = Tensor::empty(out_shape, x.dtype(), dev);
  if (out.numel() > 0 || (m > 0 && n == 0)) {
    const int64_t bad =
        run_kernel<GatherKernelFn>(OpId::take, dev, src.raw_data(), idx.data<int64_t>(),
                                   out.raw_data(), outer, n, m, inner, x.dtype());
    check_index_result(bad, idx, n, axis, x.shape(), "take");
  }
  if (autograd::any_tape_recording() && is_floating(x.dtype())) {
    autograd::record(OpId::take, {src, idx}, {out}, {idx}, AxisAttrs{axis});
  }
  return out;
}

Tensor scatter_add(const Shape& shape, const Tensor& indices, const Tensor& updates,
                   int64_t axis_arg) {
  const Device dev = common_device(OpId::scatter_add, {&indices, &updates});
  const Tensor idx = int64_indices(indices, "scatter_add");
  const int64_t axis = normalize_axis("scatter_add", axis_arg, shape);
  int64_t outer = 1, inner = 1;
  Shape expected;
  for (int i = 0; i < int(shape.size()); ++i) {
    if (i < axis) {
      outer *= shape[i];
      expected.push_back(shape[i]);
    }
    if (i == axis)
      for (int64_t d : idx.shape()) expected.push_back(d);
    if (i > axis) {
      inner *= shape[i];
      expected.push_back(shape[i]);
    }
  }
  KN_CHECK(updates.shape() == expected, "scatter_add: updates of shape ", updates.shape(),
           " do not match indices of shape ", idx.shape(), " into shape ", shape, " along axis ",
           axis, " (expected ", expected, ")");
  const Tensor upd = contiguous(updates);
  Tensor out = zeros(shape, updates.dtype(), dev);
  if (upd.numel() > 0) {
    const int64_t bad = run_kernel<ScatterKernelFn>(OpId::scatter_add, dev, upd.raw_data(),
                                                    idx.data<int64_t>(), out.raw_data(), outer,
                                                    shape[axis], idx.numel(), inner, upd.dtype());
    check_index_result(bad, idx, shape[axis], axis, shape, "scatter_add");
  }
  if (autograd::any_tape_recording() && is_floating(upd.dtype())) {
    autograd::record(OpId::scatter_add, {idx, upd}, {out}, {idx}, AxisAttrs{axis});
  }
  return out;
}

}  // namespace ops

KN_REGISTER_GRAD(take, ops::take_backward);
KN_REGISTER_GRAD(scatter_add, ops::scatter_add_backward);

}  // namespace kn
