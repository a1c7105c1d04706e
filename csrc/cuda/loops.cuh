// Launch helpers for the elementwise CUDA kernels: a grid-stride loop over a TensorIter passed to
// the kernel by value. Element i (row-major over the output, TensorIter dims innermost first) is
// turned into one byte offset per operand; a functor does the work on the operand pointers:
//
//   struct AddFn { __device__ void operator()(char* const* p) const {
//     *reinterpret_cast<float*>(p[0]) = *reinterpret_cast<const float*>(p[1]) +
//                                       *reinterpret_cast<const float*>(p[2]); } };
//   launch_elementwise<3>(iter, AddFn{});
//
// A dense iterator has ndim <= 1 after coalescing and takes the one-multiply path; broadcast and
// strided ones decompose i with 32-bit divisions while the index fits (64-bit otherwise).
// The loop over dimensions is not unrolled: the TensorIter stays in the kernel parameter space
// (ld.param with a register offset, no local copy: 0 bytes stack frame in -Xptxas -v), while
// unrolling it to kMaxDims doubled the compile time of every elementwise kernel.
//
// Not here: reductions and scans (they work on dense [outer, r, inner] blocks, see reduce/).
#pragma once

#include <cstdint>

#include "core/tensor_iter.h"
#include "cuda/cuda_check.h"

namespace kn {
namespace cuda {

constexpr int kBlock = 256;  // threads per block of the elementwise kernels

// q = i / n, returns q and sets rem = i % n (i >= 0, n >= 1).
__device__ __forceinline__ int64_t divmod(int64_t i, int64_t n, int64_t& rem) {
  if (((i | n) >> 32) == 0) {
    const uint32_t q = uint32_t(i) / uint32_t(n);
    rem = int64_t(uint32_t(i) - q * uint32_t(n));
    return int64_t(q);
  }
  const int64_t q = i / n;
  rem = i - q * n;
  return q;
}

// Byte offsets of element i in each of the first N operands of `it`.
template <int N>
__device__ __forceinline__ void iter_offsets(const TensorIter& it, int64_t i, int64_t (&off)[N]) {
  if (it.ndim <= 1) {
#pragma unroll
    for (int k = 0; k < N; ++k) off[k] = it.ndim == 1 ? i * it.strides[0][k] : 0;
    return;
  }
#pragma unroll
  for (int k = 0; k < N; ++k) off[k] = 0;
  for (int d = 0; d < it.ndim; ++d) {
    int64_t idx;
    i = divmod(i, it.shape[d], idx);
#pragma unroll
    for (int k = 0; k < N; ++k) off[k] += idx * it.strides[d][k];
  }
}

template <int N, class F>
__global__ void elementwise_kernel(TensorIter it, F f) {
  const int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < it.numel; i += step) {
    int64_t off[N];
    iter_offsets<N>(it, i, off);
    char* p[N];
#pragma unroll
    for (int k = 0; k < N; ++k) p[k] = it.data[k] + off[k];
    f(p);
  }
}

// Runs f(ptrs) for every element of `it` (N = it.noperands) on the device owning operand 0.
template <int N, class F>
void launch_elementwise(const TensorIter& it, const F& f) {
  if (it.numel == 0) return;
  set_device_for(it.data[0]);
  elementwise_kernel<N, F><<<grid_size(it.numel, kBlock), kBlock>>>(it, f);
  KN_CUDA_CHECK_LAUNCH();
}

// Loads and stores through the operand pointers of a functor.
template <class T>
__device__ __forceinline__ T load(const char* p) {
  return *reinterpret_cast<const T*>(p);
}
template <class T>
__device__ __forceinline__ void store(char* p, T v) {
  *reinterpret_cast<T*>(p) = v;
}

}  // namespace cuda
}  // namespace kn
