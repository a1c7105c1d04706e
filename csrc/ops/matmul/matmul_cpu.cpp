// CPU matmul kernel (compiled once per ISA level): one GEMM per batch matrix (csrc/cpu/gemm.h).
// Many small matrices run in parallel over the batch, each GEMM on one thread; few large ones run
// one after the other, each GEMM using every thread.
#include <algorithm>

#include "core/parallel.h"
#include "cpu/gemm.h"
#include "ops/matmul/matmul.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <class T>
GemmArgs<T> batch_args(const MatmulArgs& p, int64_t b) {
  GemmArgs<T> g;
  g.M = p.M;
  g.N = p.N;
  g.K = p.K;
  g.A = static_cast<const T*>(p.a) + p.a_offsets[b];
  g.rsa = p.a_rs;
  g.csa = p.a_cs;
  g.B = static_cast<const T*>(p.b) + p.b_offsets[b];
  g.rsb = p.b_rs;
  g.csb = p.b_cs;
  g.C = static_cast<T*>(p.c) + b * p.M * p.N;
  g.ldc = p.N;
  g.bias = static_cast<const T*>(p.bias);
  g.activation = p.activation;
  return g;
}

template <class T>
void run_gemm(const GemmArgs<T>& g) {
  if constexpr (std::is_same<T, float>::value) sgemm(g);
  else dgemm(g);
}

template <class T>
void matmul_float(const MatmulArgs& p) {
  const double per_matrix = 2.0 * double(p.M) * double(p.N) * double(p.K);
  if (p.batch > 1 && per_matrix < 2e6) {
    const int64_t grain = std::max<int64_t>(1, int64_t(2e5 / std::max(per_matrix, 1.0)));
    parallel_for(0, p.batch, grain, [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b) run_gemm(batch_args<T>(p, b));
    });
    return;
  }
  for (int64_t b = 0; b < p.batch; ++b) run_gemm(batch_args<T>(p, b));
}

template <class T>
void matmul_int(const MatmulArgs& p) {
  parallel_for(0, p.batch * p.M, std::max<int64_t>(1, 8192 / std::max<int64_t>(1, p.N * p.K)),
               [&](int64_t r0, int64_t r1) {
                 const T* A = static_cast<const T*>(p.a);
                 const T* B = static_cast<const T*>(p.b);
                 T* C = static_cast<T*>(p.c);
                 for (int64_t row = r0; row < r1; ++row) {
                   const int64_t b = row / p.M, i = row % p.M;
                   for (int64_t j = 0; j < p.N; ++j) {
                     T acc = 0;
                     for (int64_t k = 0; k < p.K; ++k) {
                       acc = T(acc + A[p.a_offsets[b] + i * p.a_rs + k * p.a_cs] *
                                         B[p.b_offsets[b] + k * p.b_rs + j * p.b_cs]);
                     }
                     C[row * p.N + j] = acc;
                   }
                 }
               });
}

void matmul_kernel(const MatmulArgs& p) {
  switch (p.dtype) {
    case DType::float32: matmul_float<float>(p); break;
    case DType::float64: matmul_float<double>(p); break;
    case DType::int32: matmul_int<int32_t>(p); break;
    case DType::int64: matmul_int<int64_t>(p); break;
    default: break;
  }
}

KN_REGISTER_CPU_KERNEL(matmul, matmul_kernel);
KN_REGISTER_CPU_KERNEL(matmul_bias_act, matmul_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
