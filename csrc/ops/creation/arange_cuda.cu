// CUDA kernel of arange and linspace: out[i] = start + i * step (out[n-1] = last for linspace's
// exact endpoint). The multiply and add are rounded separately (__dmul_rn, __dadd_rn), as on the
// CPU, so the device never fuses them into an FMA and both give the same sequence.
#include <cstdint>
#include <type_traits>

#include "cuda/cuda_check.h"
#include "ops/creation/creation.h"
#include "ops/op_registry.h"

namespace kn {
namespace cuda {
namespace {

// double -> T as the CPU kernel's static_cast does for in-range values; uint8 wraps (through an
// integer) instead of saturating, like the host conversion.
template <class T>
__device__ __forceinline__ T from_double(double v) {
  if constexpr (std::is_same<T, bool>::value) return v != 0;
  else if constexpr (std::is_same<T, uint8_t>::value)
    return static_cast<uint8_t>(static_cast<int64_t>(v));
  else return static_cast<T>(v);
}

template <class T>
__global__ void sequence_run(T* p, int64_t n, double start, double step, bool set_last,
                             double last) {
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const double v = (set_last && i == n - 1) ? last : __dadd_rn(start, __dmul_rn(double(i), step));
    p[i] = from_double<T>(v);
  }
}

template <class T>
void launch(void* data, int64_t n, double start, double step, bool set_last, double last) {
  set_device_for(data);
  sequence_run<T>
      <<<grid_size(n, 256), 256>>>(static_cast<T*>(data), n, start, step, set_last, last);
  KN_CUDA_CHECK_LAUNCH();
}

void sequence_kernel(void* data, int64_t n, DType dtype, double start, double step, bool set_last,
                     double last) {
  switch (dtype) {
    case DType::float32: launch<float>(data, n, start, step, set_last, last); break;
    case DType::float64: launch<double>(data, n, start, step, set_last, last); break;
    case DType::int32: launch<int32_t>(data, n, start, step, set_last, last); break;
    case DType::int64: launch<int64_t>(data, n, start, step, set_last, last); break;
    case DType::uint8: launch<uint8_t>(data, n, start, step, set_last, last); break;
    case DType::bool_: launch<bool>(data, n, start, step, set_last, last); break;
  }
}

KN_REGISTER_CUDA_KERNEL(arange, sequence_kernel);
KN_REGISTER_CUDA_KERNEL(linspace, sequence_kernel);

}  // namespace
}  // namespace cuda
}  // namespace kn
