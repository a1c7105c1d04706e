// GEMM: C = op(A) @ op(B) (+ C), float32 and float64, any strides for A and B (so transposes
// need no copy by the caller), row-major C with leading dimension ldc, and a fused epilogue
// (per-column bias, then an activation) for the layers that need one.
//
//   A(i, k) = A[i * rsa + k * csa]    i < M, k < K
//   B(k, j) = B[k * rsb + j * csb]    k < K, j < N
//   C(i, j) = C[i * ldc + j]          C = A B + (accumulate ? C : 0), then bias/activation
//
// The float32 kernel is BLIS-style (csrc/cpu/gemm_cpu.cpp, one copy per ISA level): B is packed
// into KC x NR column panels shared by the threads, A into MC x KC row panels per thread, and a
// register-blocked micro-kernel computes MR x NR tiles. Small problems skip packing.
#pragma once

#include <cstdint>

#include "core/fused_activation.h"

namespace kn {

template <class T>
struct GemmArgs {
  int64_t M, N, K;
  const T* A;
  int64_t rsa, csa;
  const T* B;
  int64_t rsb, csb;
  T* C;
  int64_t ldc;
  bool accumulate = false;
  const T* bias = nullptr;                               // [N], added to every row (epilogue)
  FusedActivation activation = FusedActivation::Linear;  // after the bias (epilogue)
};

void sgemm(const GemmArgs<float>& args);
void dgemm(const GemmArgs<double>& args);

// Registration by the per-ISA implementation files.
using SgemmFn = void (*)(const GemmArgs<float>&);
using DgemmFn = void (*)(const GemmArgs<double>&);
void register_gemm(int isa_level, SgemmFn s, DgemmFn d);

}  // namespace kn
