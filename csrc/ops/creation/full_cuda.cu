// CUDA kernel of full (zeros, ones, *_like and scalar_like go through it). The value is converted
// to the dtype on the host, with the CPU kernel's conversions, and written as a bit pattern: one
// kernel per element size.
#include <cstdint>
#include <cstring>

#include "cuda/cuda_check.h"
#include "ops/creation/creation.h"
#include "ops/op_registry.h"

namespace kn {
namespace cuda {
namespace {

template <class U>
__global__ void fill_bits(U* p, int64_t n, U bits) {
  const int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) p[i] = bits;
}

template <class U, class T>
void fill_as(void* data, int64_t n, T value) {
  U bits;
  static_assert(sizeof(U) == sizeof(T), "fill: bit pattern of the wrong size");
  std::memcpy(&bits, &value, sizeof(U));
  set_device_for(data);
  fill_bits<U><<<grid_size(n, 256), 256>>>(static_cast<U*>(data), n, bits);
  KN_CUDA_CHECK_LAUNCH();
}

void fill_kernel(void* data, int64_t n, DType dtype, double value) {
  switch (dtype) {
    case DType::float32: fill_as<uint32_t>(data, n, float(value)); break;
    case DType::float64: fill_as<uint64_t>(data, n, value); break;
    case DType::int32: fill_as<uint32_t>(data, n, int32_t(value)); break;
    case DType::int64: fill_as<uint64_t>(data, n, int64_t(value)); break;
    case DType::uint8: fill_as<uint8_t>(data, n, uint8_t(int64_t(value))); break;
    case DType::bool_: fill_as<uint8_t>(data, n, uint8_t(value != 0)); break;
  }
}

KN_REGISTER_CUDA_KERNEL(full, fill_kernel);

}  // namespace
}  // namespace cuda
}  // namespace kn
