// CPU kernel of eye (compiled once per ISA level).
#include "ops/creation/creation.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <class T>
void eye_run(T* p, int64_t rows, int64_t cols, int64_t k) {
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) p[r * cols + c] = static_cast<T>(c - r == k ? 1 : 0);
  }
}

void eye_kernel(void* data, int64_t rows, int64_t cols, int64_t k, DType dtype) {
  switch (dtype) {
    case DType::float32: eye_run(static_cast<float*>(data), rows, cols, k); break;
    case DType::float64: eye_run(static_cast<double*>(data), rows, cols, k); break;
    case DType::int32: eye_run(static_cast<int32_t*>(data), rows, cols, k); break;
    case DType::int64: eye_run(static_cast<int64_t*>(data), rows, cols, k); break;
    case DType::uint8: eye_run(static_cast<uint8_t*>(data), rows, cols, k); break;
    case DType::bool_: eye_run(static_cast<bool*>(data), rows, cols, k); break;
  }
}

KN_REGISTER_CPU_KERNEL(eye, eye_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
