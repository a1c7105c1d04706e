// CPU fill kernel (compiled once per ISA level).
#include "core/parallel.h"
#include "ops/creation/creation.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <class T>
void fill_run(T* p, int64_t n, T v) {
  parallel_for(0, n, 1 << 16, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) p[i] = v;
  });
}

void fill_kernel(void* data, int64_t n, DType dtype, double value) {
  switch (dtype) {
    case DType::float32: fill_run(static_cast<float*>(data), n, float(value)); break;
    case DType::float64: fill_run(static_cast<double*>(data), n, value); break;
    case DType::int32: fill_run(static_cast<int32_t*>(data), n, int32_t(value)); break;
    case DType::int64: fill_run(static_cast<int64_t*>(data), n, int64_t(value)); break;
    case DType::uint8: fill_run(static_cast<uint8_t*>(data), n, uint8_t(int64_t(value))); break;
    case DType::bool_: fill_run(static_cast<bool*>(data), n, value != 0); break;
  }
}

KN_REGISTER_CPU_KERNEL(full, fill_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
