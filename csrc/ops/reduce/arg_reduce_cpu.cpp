// CPU kernels of argmax / argmin over [outer, r, inner] (compiled once per ISA level). The first
// extreme wins ties; the first NaN wins over everything (numpy semantics).
#include "core/parallel.h"
#include "ops/op_registry.h"
#include "ops/reduce/reduce.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <bool kMax, class T>
void arg_run(const T* in, int32_t* out, int64_t outer, int64_t r, int64_t inner) {
  parallel_for(0, outer * inner, std::max<int64_t>(1, 16384 / r), [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) {
      const int64_t o = t / inner, i = t % inner;
      const T* p = in + o * r * inner + i;
      int64_t best = 0;
      T bv = p[0];
      if (!(bv != bv)) {
        for (int64_t j = 1; j < r; ++j) {
          const T v = p[j * inner];
          if (v != v) {
            best = j;
            break;
          }
          if (kMax ? v > bv : v < bv) {
            bv = v;
            best = j;
          }
        }
      }
      out[t] = static_cast<int32_t>(best);
    }
  });
}

template <bool kMax>
void arg_kernel(const void* in, int32_t* out, int64_t outer, int64_t r, int64_t inner,
                DType dtype) {
  switch (dtype) {
    case DType::float32: arg_run<kMax>(static_cast<const float*>(in), out, outer, r, inner); break;
    case DType::float64: arg_run<kMax>(static_cast<const double*>(in), out, outer, r, inner); break;
    case DType::int32: arg_run<kMax>(static_cast<const int32_t*>(in), out, outer, r, inner); break;
    case DType::int64: arg_run<kMax>(static_cast<const int64_t*>(in), out, outer, r, inner); break;
    case DType::uint8:
    case DType::bool_: arg_run<kMax>(static_cast<const uint8_t*>(in), out, outer, r, inner); break;
  }
}

KN_REGISTER_CPU_KERNEL(argmax, arg_kernel<true>);
KN_REGISTER_CPU_KERNEL(argmin, arg_kernel<false>);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
