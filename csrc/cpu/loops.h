// Loop drivers for the *_cpu.cpp kernels (ISA-namespaced like vec.h).
//
// for_each_inner(iter, grain, f) walks a TensorIter in parallel and calls
//   f(char* const* ptrs, const int64_t* strides, int64_t n)
// for runs of n elements along the innermost dimension: ptrs[k] is operand k's first element of
// the run and strides[k] its byte stride along it. Kernels test the strides for the fast cases
// (all dense, or an input with stride 0) and fall back to a strided scalar loop.
#pragma once

#ifndef KN_ISA_NS
#error "loops.h is for *_cpu.cpp kernel files"
#endif

#include <algorithm>

#include "core/parallel.h"
#include "core/tensor_iter.h"

namespace kn {
namespace KN_ISA_NS {

// Elements per task below which an elementwise loop stays on one thread.
constexpr int64_t kElementwiseGrain = 65536;

template <class F>
void for_each_inner(const TensorIter& it, int64_t grain, const F& f) {
  const int nops = it.noperands;
  if (it.numel == 0) return;
  if (it.ndim <= 1) {
    int64_t st[TensorIter::kMaxOperands] = {};
    if (it.ndim == 1) {
      for (int k = 0; k < nops; ++k) st[k] = it.strides[0][k];
    }
    parallel_for(0, it.numel, grain, [&](int64_t b, int64_t e) {
      char* p[TensorIter::kMaxOperands];
      for (int k = 0; k < nops; ++k) p[k] = it.data[k] + b * st[k];
      f(p, st, e - b);
    });
    return;
  }
  const int64_t inner = it.shape[0];
  const int64_t outer = it.numel / inner;
  int64_t st0[TensorIter::kMaxOperands];
  for (int k = 0; k < nops; ++k) st0[k] = it.strides[0][k];
  parallel_for(0, outer, std::max<int64_t>(1, grain / inner), [&](int64_t b, int64_t e) {
    // Multi-index of outer row b over dims 1..ndim-1.
    int64_t idx[TensorIter::kMaxDims] = {};
    int64_t rem = b;
    for (int d = 1; d < it.ndim; ++d) {
      idx[d] = rem % it.shape[d];
      rem /= it.shape[d];
    }
    char* p[TensorIter::kMaxOperands];
    for (int k = 0; k < nops; ++k) {
      p[k] = it.data[k];
      for (int d = 1; d < it.ndim; ++d) p[k] += idx[d] * it.strides[d][k];
    }
    for (int64_t row = b; row < e; ++row) {
      f(p, st0, inner);
      // Advance the odometer.
      for (int d = 1; d < it.ndim; ++d) {
        for (int k = 0; k < nops; ++k) p[k] += it.strides[d][k];
        if (++idx[d] < it.shape[d]) break;
        for (int k = 0; k < nops; ++k) p[k] -= it.strides[d][k] * it.shape[d];
        idx[d] = 0;
      }
    }
  });
}

}  // namespace KN_ISA_NS
}  // namespace kn
