// eye: ones on the k-th diagonal of a rows x cols matrix.
#include "core/errors.h"
#include "ops/creation/creation.h"
#include "ops/dispatch.h"

namespace kn {
namespace ops {

Tensor eye(int64_t rows, int64_t cols, int64_t k, DType dtype, Device device) {
  KN_CHECK(rows >= 0 && cols >= 0, "eye: expected non-negative sizes, got N=", rows, ", M=", cols);
  Tensor out = Tensor::empty(Shape{rows, cols}, dtype, device);
  if (out.numel() > 0)
    run_kernel<EyeKernelFn>(OpId::eye, device, out.raw_data(), rows, cols, k, dtype);
  return out;
}

}  // namespace ops
}  // namespace kn
