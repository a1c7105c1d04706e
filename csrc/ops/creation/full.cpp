// full and the fills built on it (zeros, ones, *_like, scalar_like). Not differentiable: a
// constant has no inputs.
#include "core/errors.h"
#include "ops/creation/creation.h"
#include "ops/dispatch.h"

namespace kn {
namespace ops {

Tensor full(const Shape& shape, double value, DType dtype, Device device) {
  Tensor out = Tensor::empty(shape, dtype, device);
  if (out.numel() > 0) run_kernel<FillKernelFn>(OpId::full, device, out.raw_data(), out.numel(), dtype, value);
  return out;
}

Tensor zeros(const Shape& shape, DType dtype, Device device) { return full(shape, 0.0, dtype, device); }
Tensor ones(const Shape& shape, DType dtype, Device device) { return full(shape, 1.0, dtype, device); }
Tensor zeros_like(const Tensor& x) { return full(x.shape(), 0.0, x.dtype(), x.device()); }
Tensor ones_like(const Tensor& x) { return full(x.shape(), 1.0, x.dtype(), x.device()); }
Tensor full_like(const Tensor& x, double value) { return full(x.shape(), value, x.dtype(), x.device()); }
Tensor scalar_like(double value, const Tensor& x) { return full(Shape{}, value, x.dtype(), x.device()); }

}  // namespace ops
}  // namespace kn
