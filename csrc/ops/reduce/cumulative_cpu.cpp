// CPU kernels of cumsum / cumprod over [outer, r, inner] (compiled once per ISA level).
#include <algorithm>

#include "core/parallel.h"
#include "ops/op_registry.h"
#include "ops/reduce/reduce.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <bool kProd, class T>
void scan_run(const T* in, T* out, int64_t outer, int64_t r, int64_t inner) {
  if (inner == 1) {
    parallel_for(0, outer, std::max<int64_t>(1, 16384 / r), [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) {
        const T* p = in + o * r;
        T* q = out + o * r;
        T acc = p[0];
        q[0] = acc;
        for (int64_t j = 1; j < r; ++j) {
          acc = kProd ? T(acc * p[j]) : T(acc + p[j]);
          q[j] = acc;
        }
      }
    });
    return;
  }
  parallel_for(0, outer, std::max<int64_t>(1, 16384 / (r * inner)), [&](int64_t b, int64_t e) {
    for (int64_t o = b; o < e; ++o) {
      const T* p = in + o * r * inner;
      T* q = out + o * r * inner;
      for (int64_t i = 0; i < inner; ++i) q[i] = p[i];
      for (int64_t j = 1; j < r; ++j) {
        const T* prev = q + (j - 1) * inner;
        const T* cur = p + j * inner;
        T* dst = q + j * inner;
        for (int64_t i = 0; i < inner; ++i)
          dst[i] = kProd ? T(prev[i] * cur[i]) : T(prev[i] + cur[i]);
      }
    }
  });
}

template <bool kProd>
void scan_kernel(const void* in, void* out, int64_t outer, int64_t r, int64_t inner, DType dtype) {
  switch (dtype) {
    case DType::float32:
      scan_run<kProd>(static_cast<const float*>(in), static_cast<float*>(out), outer, r, inner);
      break;
    case DType::float64:
      scan_run<kProd>(static_cast<const double*>(in), static_cast<double*>(out), outer, r, inner);
      break;
    case DType::int32:
      scan_run<kProd>(static_cast<const int32_t*>(in), static_cast<int32_t*>(out), outer, r, inner);
      break;
    case DType::int64:
      scan_run<kProd>(static_cast<const int64_t*>(in), static_cast<int64_t*>(out), outer, r, inner);
      break;
    default: break;
  }
}

KN_REGISTER_CPU_KERNEL(cumsum, scan_kernel<false>);
KN_REGISTER_CPU_KERNEL(cumprod, scan_kernel<true>);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
