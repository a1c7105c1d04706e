// CUDA kernels of argmax / argmin over the dense [outer, r, inner] block of reduce.h, with the CPU
// kernel's rules: the first extreme wins ties and the first NaN wins over everything.
//   inner == 1 and a long r: one block per output; each thread scans a strided subset, then the
//                            (value, index) candidates meet in a shared-memory tree that keeps
//                            the CPU's order (NaN first, then the extreme, then the lower index);
//   otherwise:               one thread per output scans its r elements like the CPU loop.
#include <cstdint>

#include "cuda/cuda_check.h"
#include "cuda/math.cuh"
#include "ops/op_registry.h"
#include "ops/reduce/reduce.h"

namespace kn {
namespace cuda {
namespace {

constexpr int kBlock = 256;

// A candidate: index j (INT64_MAX: none) holding value v.
template <class T>
struct Cand {
  T v;
  int64_t j;
};

// The better of two candidates (either may be empty).
template <bool kMax, class T>
__device__ __forceinline__ Cand<T> better(const Cand<T>& a, const Cand<T>& b) {
  if (b.j == INT64_MAX) return a;
  if (a.j == INT64_MAX) return b;
  const bool an = is_nan(a.v), bn = is_nan(b.v);
  if (an || bn) {
    if (an && bn) return a.j < b.j ? a : b;
    return an ? a : b;
  }
  if (kMax ? b.v > a.v : b.v < a.v) return b;
  if (b.v == a.v && b.j < a.j) return b;
  return a;
}

template <bool kMax, class T>
__global__ void arg_rows(const T* in, int32_t* out, int64_t rows, int64_t r) {
  __shared__ T sv[kBlock];
  __shared__ int64_t sj[kBlock];
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {
    const T* p = in + row * r;
    // This thread's subset in order: keep the first extreme, stop at the first NaN.
    Cand<T> c{T(0), INT64_MAX};
    for (int64_t j = threadIdx.x; j < r; j += blockDim.x) {
      const T v = p[j];
      if (is_nan(v)) {
        c = Cand<T>{v, j};
        break;
      }
      if (c.j == INT64_MAX || (kMax ? v > c.v : v < c.v)) c = Cand<T>{v, j};
    }
    const unsigned tid = threadIdx.x;
    sv[tid] = c.v;
    sj[tid] = c.j;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
      if (tid < s) {
        const Cand<T> m =
            better<kMax>(Cand<T>{sv[tid], sj[tid]}, Cand<T>{sv[tid + s], sj[tid + s]});
        sv[tid] = m.v;
        sj[tid] = m.j;
      }
      __syncthreads();
    }
    if (tid == 0) out[row] = static_cast<int32_t>(sj[0]);
    __syncthreads();
  }
}

template <bool kMax, class T>
__global__ void arg_cols(const T* in, int32_t* out, int64_t outer, int64_t r, int64_t inner) {
  const int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t t = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; t < outer * inner; t += step) {
    const int64_t o = t / inner, i = t - o * inner;
    const T* p = in + o * r * inner + i;
    int64_t best = 0;
    T bv = p[0];
    if (!is_nan(bv)) {
      for (int64_t j = 1; j < r; ++j) {
        const T v = p[j * inner];
        if (is_nan(v)) {
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
}

template <bool kMax, class T>
void arg_run(const void* in_v, int32_t* out, int64_t outer, int64_t r, int64_t inner) {
  const T* in = static_cast<const T*>(in_v);
  set_device_for(in);
  if (inner == 1 && r >= 1024) {
    arg_rows<kMax, T>
        <<<unsigned(outer < (1 << 20) ? outer : (1 << 20)), kBlock>>>(in, out, outer, r);
  } else {
    arg_cols<kMax, T><<<grid_size(outer * inner, 256), 256>>>(in, out, outer, r, inner);
  }
  KN_CUDA_CHECK_LAUNCH();
}

template <bool kMax>
void arg_kernel(const void* in, int32_t* out, int64_t outer, int64_t r, int64_t inner,
                DType dtype) {
  switch (dtype) {
    case DType::float32: arg_run<kMax, float>(in, out, outer, r, inner); break;
    case DType::float64: arg_run<kMax, double>(in, out, outer, r, inner); break;
    case DType::int32: arg_run<kMax, int32_t>(in, out, outer, r, inner); break;
    case DType::int64: arg_run<kMax, int64_t>(in, out, outer, r, inner); break;
    case DType::uint8:
    case DType::bool_: arg_run<kMax, uint8_t>(in, out, outer, r, inner); break;
  }
}

KN_REGISTER_CUDA_KERNEL(argmax, arg_kernel<true>);
KN_REGISTER_CUDA_KERNEL(argmin, arg_kernel<false>);

}  // namespace
}  // namespace cuda
}  // namespace kn
