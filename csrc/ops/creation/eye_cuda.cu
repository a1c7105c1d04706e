// CUDA kernel of eye: ones on the k-th diagonal of a dense rows x cols matrix, zeros elsewhere.
// "One" is written as the dtype's bit pattern, so one kernel per element size.
#include <cstdint>
#include <cstring>

#include "cuda/cuda_check.h"
#include "ops/creation/creation.h"
#include "ops/op_registry.h"

namespace kn {
namespace cuda {
namespace {

template <class U>
__global__ void eye_run(U* p, int64_t rows, int64_t cols, int64_t k, U one) {
  const int64_t n = rows * cols;
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const int64_t r = i / cols, c = i - r * cols;
    p[i] = c - r == k ? one : U(0);
  }
}

template <class U, class T>
void launch(void* data, int64_t rows, int64_t cols, int64_t k, T one_value) {
  U one;
  std::memcpy(&one, &one_value, sizeof(U));
  set_device_for(data);
  eye_run<U><<<grid_size(rows * cols, 256), 256>>>(static_cast<U*>(data), rows, cols, k, one);
  KN_CUDA_CHECK_LAUNCH();
}

void eye_kernel(void* data, int64_t rows, int64_t cols, int64_t k, DType dtype) {
  switch (dtype) {
    case DType::float32: launch<uint32_t>(data, rows, cols, k, 1.0f); break;
    case DType::float64: launch<uint64_t>(data, rows, cols, k, 1.0); break;
    case DType::int32: launch<uint32_t>(data, rows, cols, k, int32_t(1)); break;
    case DType::int64: launch<uint64_t>(data, rows, cols, k, int64_t(1)); break;
    case DType::uint8:
    case DType::bool_: launch<uint8_t>(data, rows, cols, k, uint8_t(1)); break;
  }
}

KN_REGISTER_CUDA_KERNEL(eye, eye_kernel);

}  // namespace
}  // namespace cuda
}  // namespace kn
