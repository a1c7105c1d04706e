// CUDA kernels of softmax / log_softmax along the last axis of a dense [rows, n] block: one block
// per row (blockDim: the power of two >= n, between 32 and 256). Three passes over the row, as on
// the CPU: the max m (NaN is skipped by the comparison, and a row of NaNs or infinities gets the
// CPU's m), sum(exp(x - m)), then exp(x - m) / sum or x - (m + log(sum)).
#include <cstdint>

#include "cuda/math.cuh"
#include "cuda/reduce.cuh"
#include "ops/norm/norm.h"
#include "ops/op_registry.h"

namespace kn {
namespace cuda {
namespace {

constexpr int kMaxBlock = 256;

struct MaxSkipNan {  // the CPU's `x > m ? x : m`
  template <class T>
  __device__ T operator()(T m, T x) const {
    return x > m ? x : m;
  }
};
struct Add {
  template <class T>
  __device__ T operator()(T a, T b) const {
    return a + b;
  }
};

template <bool kLog, class T>
__global__ void softmax_rows(const T* x, T* y, int64_t rows, int64_t n) {
  __shared__ T smem[kMaxBlock];
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {
    const T* xr = x + row * n;
    T* yr = y + row * n;
    T m = -INFINITY;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) m = MaxSkipNan{}(m, xr[j]);
    m = block_reduce(m, smem, MaxSkipNan{});
    if (!::isfinite(m)) m = ::isnan(m) ? m : (m > T(0) ? m : T(0));
    T s = 0;
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) s += m_exp(xr[j] - m);
    s = block_reduce(s, smem, Add{});
    if (kLog) {
      const T sub = m + m_log(s);
      for (int64_t j = threadIdx.x; j < n; j += blockDim.x) yr[j] = xr[j] - sub;
    } else {
      const T inv = T(1) / s;
      for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
        const T e = m_exp(xr[j] - m);
        yr[j] = sizeof(T) == 4 ? e * inv : e / s;  // the CPU's float and double forms
      }
    }
  }
}

template <bool kLog, class T>
void launch(const void* x, void* out, int64_t rows, int64_t n) {
  int block = 32;
  while (block < n && block < kMaxBlock) block *= 2;
  set_device_for(x);
  softmax_rows<kLog, T><<<unsigned(rows < (1 << 20) ? rows : (1 << 20)), block>>>(
      static_cast<const T*>(x), static_cast<T*>(out), rows, n);
  KN_CUDA_CHECK_LAUNCH();
}

template <bool kLog>
void softmax_kernel(const void* x, void* out, int64_t rows, int64_t n, DType dtype) {
  if (dtype == DType::float64) launch<kLog, double>(x, out, rows, n);
  else launch<kLog, float>(x, out, rows, n);
}

KN_REGISTER_CUDA_KERNEL(softmax, softmax_kernel<false>);
KN_REGISTER_CUDA_KERNEL(log_softmax, softmax_kernel<true>);

}  // namespace
}  // namespace cuda
}  // namespace kn
