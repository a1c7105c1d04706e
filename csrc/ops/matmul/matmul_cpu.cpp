// CPU matmul kernel (compiled once per ISA level): a cache-blocked row-times-panel loop with Vec
// FMAs along N. A correct, moderately fast baseline; the packed BLIS-style GEMM replaces it.
#include <algorithm>

#include "core/parallel.h"
#include "cpu/vec/vec.h"
#include "ops/matmul/matmul.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

constexpr int64_t kBlockN = 512;
constexpr int64_t kBlockK = 256;

// C[i, n0:n1] += sum_k A[i, k] * B[k, n0:n1] over one k block.
template <class T>
void row_panel(const T* a, int64_t a_cs, const T* b, int64_t b_rs, int64_t b_cs, T* c, int64_t k0, int64_t k1,
               int64_t n0, int64_t n1) {
  if constexpr (std::is_floating_point<T>::value) {
    if (b_cs == 1) {
      using V = Vec<T>;
      for (int64_t k = k0; k < k1; ++k) {
        const V av = V::broadcast(a[k * a_cs]);
        const T* brow = b + k * b_rs;
        int64_t n = n0;
        for (; n + V::size <= n1; n += V::size) V::fmadd(av, V::loadu(brow + n), V::loadu(c + n)).storeu(c + n);
        for (; n < n1; ++n) c[n] += a[k * a_cs] * brow[n];
      }
      return;
    }
  }
  for (int64_t k = k0; k < k1; ++k) {
    const T av = a[k * a_cs];
    for (int64_t n = n0; n < n1; ++n) c[n] = T(c[n] + av * b[k * b_rs + n * b_cs]);
  }
}

template <class T>
void matmul_t(const MatmulArgs& p) {
  const T* A = static_cast<const T*>(p.a);
  const T* B = static_cast<const T*>(p.b);
  T* C = static_cast<T*>(p.c);
  const int64_t nblocks = (p.N + kBlockN - 1) / kBlockN;
  const int64_t rows = p.batch * p.M;
  // Tasks: (row, N block). Each task owns its C slice.
  parallel_for(0, rows * nblocks, std::max<int64_t>(1, 65536 / std::max<int64_t>(1, p.K * std::min(p.N, kBlockN))),
               [&](int64_t t0, int64_t t1) {
                 for (int64_t t = t0; t < t1; ++t) {
                   const int64_t row = t / nblocks, nb = t % nblocks;
                   const int64_t bi = row / p.M, i = row % p.M;
                   const T* a = A + p.a_offsets[bi] + i * p.a_rs;
                   const T* b = B + p.b_offsets[bi];
                   T* c = C + row * p.N;
                   const int64_t n0 = nb * kBlockN, n1 = std::min(p.N, n0 + kBlockN);
                   for (int64_t n = n0; n < n1; ++n) c[n] = T(0);
                   for (int64_t k0 = 0; k0 < p.K; k0 += kBlockK) {
                     row_panel(a, p.a_cs, b, p.b_rs, p.b_cs, c, k0, std::min(p.K, k0 + kBlockK), n0, n1);
                   }
                 }
               });
}

void matmul_kernel(const MatmulArgs& p) {
  switch (p.dtype) {
    case DType::float32: matmul_t<float>(p); break;
    case DType::float64: matmul_t<double>(p); break;
    case DType::int32: matmul_t<int32_t>(p); break;
    case DType::int64: matmul_t<int64_t>(p); break;
    default: break;
  }
}

KN_REGISTER_CPU_KERNEL(matmul, matmul_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
