// CPU kernel of where(cond, x, y) (compiled once per ISA level): operands out, cond, x, y.
#include "cpu/loops.h"
#include "ops/elementwise/elementwise.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

// The select as arithmetic on a 0/1 condition, with the strides (0 or 1 elements) known at
// compile time: no branch to mispredict on a random mask, and the compiler vectorises it.
template <class T, int SC, int SX, int SY>
void where_dense(T* __restrict out, const uint8_t* __restrict c, const T* __restrict x,
                 const T* __restrict y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const T xv = x[i * SX], yv = y[i * SY];  // both loaded: a blend, not a branch
    out[i] = c[i * SC] ? xv : yv;
  }
}

template <class T>
void where_run(const TensorIter& it) {
  for_each_inner(it, kElementwiseGrain, [&](char* const* p, const int64_t* s, int64_t n) {
    constexpr int64_t sz = sizeof(T);
    T* out = reinterpret_cast<T*>(p[0]);
    const uint8_t* c = reinterpret_cast<const uint8_t*>(p[1]);
    const T* x = reinterpret_cast<const T*>(p[2]);
    const T* y = reinterpret_cast<const T*>(p[3]);
    if (s[0] == sz && s[1] == 1) {
      if (s[2] == sz && s[3] == sz) return where_dense<T, 1, 1, 1>(out, c, x, y, n);
      if (s[2] == sz && s[3] == 0) return where_dense<T, 1, 1, 0>(out, c, x, y, n);
      if (s[2] == 0 && s[3] == sz) return where_dense<T, 1, 0, 1>(out, c, x, y, n);
      if (s[2] == 0 && s[3] == 0) return where_dense<T, 1, 0, 0>(out, c, x, y, n);
    }
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
