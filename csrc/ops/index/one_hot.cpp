// one_hot (out-of-range indices give an all-zero vector, as in Keras/TF) and nonzero.
#include "core/errors.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/index/index.h"
#include "ops/shape/shape.h"

namespace kn {
namespace ops {

Tensor one_hot(const Tensor& indices, int64_t num_classes, int64_t axis_arg, DType dtype) {
  const Device dev = common_device(OpId::one_hot, {&indices});
  KN_CHECK_TYPE(is_integral(indices.dtype()), "one_hot: indices must be integers, got ",
                dtype_name(indices.dtype()));
  KN_CHECK(num_classes > 0, "one_hot: `num_classes` must be positive, got ", num_classes);
  const int64_t out_nd = indices.ndim() + 1;
  KN_CHECK_INDEX(axis_arg >= -out_nd && axis_arg < out_nd, "one_hot: axis ", axis_arg,
                 " is out of bounds for the result of rank ", out_nd);
  const int64_t axis = axis_arg < 0 ? axis_arg + out_nd : axis_arg;
  const Tensor idx = contiguous(cast(indices, DType::int64));
  Shape shape = idx.shape();
  shape.insert(size_t(axis), num_classes);
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < idx.ndim(); ++i) (i < axis ? outer : inner) *= idx.shape()[i];
  Tensor out = Tensor::empty(shape, dtype, dev);
  if (out.numel() > 0) {
    run_kernel<OneHotKernelFn>(OpId::one_hot, dev, idx.data<int64_t>(), out.raw_data(), outer,
                               num_classes, inner, dtype);
  }
  return out;
}

Tensor nonzero(const Tensor& x_in) {
  const Device dev = common_device(OpId::nonzero, {&x_in});
  const Tensor x = contiguous(x_in);
  const int64_t count =
      run_kernel<NonzeroKernelFn>(OpId::nonzero, dev, x.raw_data(), x.shape(), x.dtype(), nullptr);
  Tensor out = Tensor::empty(Shape{count, int64_t(x.ndim())}, DType::int64, dev);
  if (out.numel() > 0)
    run_kernel<NonzeroKernelFn>(OpId::nonzero, dev, x.raw_data(), x.shape(), x.dtype(),
                                out.data<int64_t>());
  return out;
}

}  // namespace ops
}  // namespace kn
