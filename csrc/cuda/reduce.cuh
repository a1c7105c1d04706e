// Shared pieces of the CUDA reductions over dense [outer, r, inner] blocks (reduce/, norm/):
// a block-wide tree reduction in shared memory, the device's current index for scratch buffers,
// and a scratch buffer from the caching allocator.
//
// Not here: the kernels (csrc/ops/reduce/*_cuda.cu, csrc/ops/norm/softmax_cuda.cu).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/allocator.h"
#include "cuda/cuda_check.h"

namespace kn {
namespace cuda {

// Combines the blockDim.x values of `v` (one per thread, blockDim.x a power of two <= 1024) with
// `op`; every thread gets the result. `smem` holds blockDim.x values; the call synchronises.
template <class T, class Op>
__device__ __forceinline__ T block_reduce(T v, T* smem, Op op) {
  const unsigned tid = threadIdx.x;
  smem[tid] = v;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (tid < s) smem[tid] = op(smem[tid], smem[tid + s]);
    __syncthreads();
  }
  const T r = smem[0];
  __syncthreads();  // smem may be reused right after
  return r;
}

// The device that owns `ptr` (made current), for scratch allocations beside it.
inline Device device_of(const void* ptr) {
  set_device_for(ptr);
  int index = 0;
  KN_CUDA_CHECK(cudaGetDevice(&index));
  return Device{DeviceType::CUDA, static_cast<int16_t>(index)};
}

// A temporary device buffer from the caching allocator. Freed blocks go back to the cache, and
// every kernel runs on the default stream, so a later reuse is ordered after the kernels that
// read this one.
class Scratch {
 public:
  Scratch(size_t nbytes, Device dev) : nbytes_(nbytes), dev_(dev), p_(allocate(nbytes, dev)) {}
  ~Scratch() { deallocate(p_, nbytes_, dev_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  template <class T>
  T* as() const {
    return static_cast<T*>(p_);
  }

 private:
  size_t nbytes_;
  Device dev_;
  void* p_;
};

}  // namespace cuda
}  // namespace kn
