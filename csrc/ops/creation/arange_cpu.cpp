// CPU kernel of arange and linspace (compiled once per ISA level).
#include "core/parallel.h"
#include "ops/creation/creation.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <class T>
void sequence_run(T* p, int64_t n, double start, double step, bool set_last, double last) {
  parallel_for(0, n, 1 << 16, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) p[i] = static_cast<T>(start + double(i) * step);
  });
  if (set_last) p[n - 1] = static_cast<T>(last);
}

void sequence_kernel(void* data, int64_t n, DType dtype, double start, double step, bool set_last,
                     double last) {
  switch (dtype) {
    case DType::float32:
      sequence_run(static_cast<float*>(data), n, start, step, set_last, last);
      break;
    case DType::float64:
      sequence_run(static_cast<double*>(data), n, start, step, set_last, last);
      break;
    case DType::int32:
      sequence_run(static_cast<int32_t*>(data), n, start, step, set_last, last);
      break;
    case DType::int64:
      sequence_run(static_cast<int64_t*>(data), n, start, step, set_last, last);
      break;
    case DType::uint8:
      sequence_run(static_cast<uint8_t*>(data), n, start, step, set_last, last);
      break;
    case DType::bool_:
      sequence_run(static_cast<bool*>(data), n, start, step, set_last, last);
      break;
  }
}

KN_REGISTER_CPU_KERNEL(arange, sequence_kernel);
KN_REGISTER_CPU_KERNEL(linspace, sequence_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
