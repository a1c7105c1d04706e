// CPU kernel of where(cond, x, y) (compiled once per ISA level): operands out, cond, x, y.
#include "cpu/loops.h"
#include "ops/elementwise/elementwise.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <class T>
void where_run(const TensorIter& it) {
  for_each_inner(it, kElementwiseGrain, [&](char* const* p, const int64_t* s, int64_t n) {
    char* po = p[0];
    const char* pc = p[1];
    const char* px = p[2];
    const char* py = p[3];
    for (int64_t i = 0; i < n; ++i, po += s[0], pc += s[1], px += s[2], py += s[3]) {
      *reinterpret_cast<T*>(po) =
          *pc ? *reinterpret_cast<const T*>(px) : *reinterpret_cast<const T*>(py);
    }
  });
}

void where_kernel(const TensorIter& it, DType dtype) {
  switch (dtype_size(dtype)) {  // a select only moves bytes
    case 1: where_run<uint8_t>(it); break;
    case 4: where_run<uint32_t>(it); break;
    case 8: where_run<uint64_t>(it); break;
  }
}

KN_REGISTER_CPU_KERNEL(where, where_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
