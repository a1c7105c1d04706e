// CPU kernels of softmax / log_softmax along the last axis of a dense [rows, n] block (compiled
// once per ISA level): max, exp(x - max) and sum, then scale (or subtract the log of the sum).
#include <cmath>

#include "core/parallel.h"
#include "cpu/vec/vec_math.h"
#include "ops/norm/norm.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <bool kLog>
void softmax_row(const float* x, float* y, int64_t n) {
  using V = Vec<float>;
  V vm = V::broadcast(-INFINITY);
  int64_t i = 0;
  for (; i + V::size <= n; i += V::size) vm = V::max(V::loadu(x + i), vm);
  float m = vm.reduce_max();
  for (; i < n; ++i) m = x[i] > m ? x[i] : m;
  if (!std::isfinite(m)) m = std::isnan(m) ? m : (m > 0 ? m : 0.0f);
  const V mv = V::broadcast(m);
  V vs = V::broadcast(0.0f);
  for (i = 0; i + V::size <= n; i += V::size) {
    const V e = vexp(V::loadu(x + i) - mv);
    if (!kLog) e.storeu(y + i);
    vs = vs + e;
  }
  float s = vs.reduce_add();
  for (; i < n; ++i) {
    const float e = std::exp(x[i] - m);
    if (!kLog) y[i] = e;
    s += e;
  }
  if (kLog) {
    const V sub = V::broadcast(m + std::log(s));
    for (i = 0; i + V::size <= n; i += V::size) (V::loadu(x + i) - sub).storeu(y + i);
    for (; i < n; ++i) y[i] = x[i] - (m + std::log(s));
  } else {
    const V inv = V::broadcast(1.0f / s);
    for (i = 0; i + V::size <= n; i += V::size) (V::loadu(y + i) * inv).storeu(y + i);
    for (; i < n; ++i) y[i] *= 1.0f / s;
  }
}

template <bool kLog>
void softmax_row(const double* x, double* y, int64_t n) {
  double m = -INFINITY;
  for (int64_t i = 0; i < n; ++i) m = x[i] > m ? x[i] : m;
  if (!std::isfinite(m)) m = std::isnan(m) ? m : (m > 0 ? m : 0.0);
  double s = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double e = std::exp(x[i] - m);
    if (!kLog) y[i] = e;
    s += e;
  }
  for (int64_t i = 0; i < n; ++i) y[i] = kLog ? x[i] - (m + std::log(s)) : y[i] / s;
}

template <bool kLog>
void softmax_kernel(const void* x, void* out, int64_t rows, int64_t n, DType dtype) {
  parallel_for(0, rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(n, 1)),
               [&](int64_t b, int64_t e) {
                 for (int64_t r = b; r < e; ++r) {
                   if (dtype == DType::float64) {
                     softmax_row<kLog>(static_cast<const double*>(x) + r * n,
                                       static_cast<double*>(out) + r * n, n);
                   } else {
                     softmax_row<kLog>(static_cast<const float*>(x) + r * n,
                                       static_cast<float*>(out) + r * n, n);
                   }
                 }
               });
}

KN_REGISTER_CPU_KERNEL(softmax, softmax_kernel<false>);
KN_REGISTER_CPU_KERNEL(log_softmax, softmax_kernel<true>);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
