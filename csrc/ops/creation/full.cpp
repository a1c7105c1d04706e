// full and the fills built on it (zeros, ones, *_like, scalar_like). Not differentiable: a
// constant has no inputs.
#include "core/errors.h"
#include "ops/creation/creation.h"
#include "ops/dispatch.h"

namespace kn {
namespace ops {

namespace {
// Whether an integer dtype holds `value` (its integer part): converting one it cannot hold, or NaN,
// is undefined in C++ and would wrap silently.
bool fits(double value, DType dtype) {
  switch (dtype) {
    case DType::int32: return value > -2147483649.0 && value < 2147483648.0;
    case DType::int64: return value >= -9223372036854775808.0 && value < 9223372036854775808.0;
    case DType::uint8: return value > -1.0 && value < 256.0;
    default: return true;  // float and bool take any value
  }
}
}  // namespace

Tensor full(const Shape& shape, double value, DType dtype, Device device) {
  KN_CHECK(fits(value, dtype), "full: the fill value ", value, " does not fit dtype ",
           dtype_name(dtype));
  Tensor out = Tensor::empty(shape, dtype, device);
  if (out.numel() > 0)
    run_kernel<FillKernelFn>(OpId::full, device, out.raw_data(), out.numel(), dtype, value);
  return out;
}

Tensor zeros(const Shape& shape, DType dtype, Device device) {
  return full(shape, 0.0, dtype, device);
}
Tensor ones(const Shape& shape, DType dtype, Device device) {
  return full(shape, 1.0, dtype, device);
}
Tensor zeros_like(const Tensor& x) { return full(x.shape(), 0.0, x.dtype(), x.device()); }
Tensor ones_like(const Tensor& x) { return full(x.shape(), 1.0, x.dtype(), x.device()); }
Tensor full_like(const Tensor& x, double value) {
  return full(x.shape(), value, x.dtype(), x.device());
}
Tensor scalar_like(double value, const Tensor& x) {
  return full(Shape{}, value, x.dtype(), x.device());
}

}  // namespace ops
}  // namespace kn
