// argmax / argmin over one axis (or the flattened tensor), int32 indices like Keras. Not
// differentiable.
#include "core/errors.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/reduce/reduce.h"
#include "ops/shape/shape.h"

namespace kn {
namespace ops {
namespace {

Tensor arg_reduce(OpId op, const Tensor& x_in, std::optional<int64_t> axis_arg, bool keepdims) {
  const Device dev = common_device(op, {&x_in});
  Tensor x = x_in.dtype() == DType::bool_ ? cast(x_in, DType::uint8) : x_in;
  Shape out_shape, keep_shape;
  int64_t outer = 1, r = 1, inner = 1;
  if (!axis_arg) {
    x = reshape(x, Shape{x.numel()});
    r = x.numel();
    for (int i = 0; i < x_in.ndim(); ++i) keep_shape.push_back(1);
  } else {
    const int64_t axis = normalize_axis(op_name(op), *axis_arg, x.shape());
    for (int i = 0; i < x.ndim(); ++i) {
      if (i < axis) outer *= x.shape()[i];
      else if (i == axis) r = x.shape()[i];
      else inner *= x.shape()[i];
      keep_shape.push_back(i == axis ? 1 : x.shape()[i]);
      if (i != axis) out_shape.push_back(x.shape()[i]);
    }
    if (x.ndim() == 0) r = 1;
  }
  KN_CHECK(r > 0, op_name(op), ": attempt to get ", op_name(op), " of an empty sequence (shape ",
           x_in.shape(), ")");
  const Tensor src = contiguous(x);
  Tensor out = Tensor::empty(keepdims ? keep_shape : out_shape, DType::int32, dev);
  if (out.numel() > 0) {
    run_kernel<ArgReduceKernelFn>(op, dev, src.raw_data(), out.data<int32_t>(), outer, r, inner,
                                  src.dtype());
  }
  return out;
}

}  // namespace

Tensor argmax(const Tensor& x, std::optional<int64_t> axis, bool keepdims) {
  return arg_reduce(OpId::argmax, x, axis, keepdims);
}
Tensor argmin(const Tensor& x, std::optional<int64_t> axis, bool keepdims) {
  return arg_reduce(OpId::argmin, x, axis, keepdims);
}

}  // namespace ops
}  // namespace kn
