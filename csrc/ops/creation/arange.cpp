// arange and linspace: affine sequences (one kernel, creation/arange_cpu.cpp).
#include <cmath>

#include "core/errors.h"
#include "ops/creation/creation.h"
#include "ops/dispatch.h"

namespace kn {
namespace ops {

Tensor arange(double start, double stop, double step, DType dtype, Device device) {
  KN_CHECK(step != 0, "arange: `step` must not be zero");
  KN_CHECK(std::isfinite(start) && std::isfinite(stop) && std::isfinite(step),
           "arange: start, stop and step must be finite, got ", start, ", ", stop, ", ", step);
  const double count = std::ceil((stop - start) / step);
  const int64_t n = count > 0 ? static_cast<int64_t>(count) : 0;
  Tensor out = Tensor::empty(Shape{n}, dtype, device);
  if (n > 0) {
    run_kernel<SequenceKernelFn>(OpId::arange, device, out.raw_data(), n, dtype, start, step, false,
                                 0.0);
  }
  return out;
}

Tensor linspace(double start, double stop, int64_t num, bool endpoint, DType dtype, Device device) {
  KN_CHECK(num >= 0, "linspace: `num` must be non-negative, got ", num);
  Tensor out = Tensor::empty(Shape{num}, dtype, device);
  if (num == 0) return out;
  const int64_t div = endpoint ? num - 1 : num;
  const double step = div > 0 ? (stop - start) / double(div) : 0.0;
  run_kernel<SequenceKernelFn>(OpId::linspace, device, out.raw_data(), num, dtype, start, step,
                               endpoint && num > 1, stop);
  return out;
}

}  // namespace ops
}  // namespace kn
