// CUDA kernels of cumsum / cumprod over the dense [outer, r, inner] block of reduce.h.
//   inner > 1, short rows, or many rows: one thread per (o, i) runs the CPU's sequential loop
//     (consecutive threads walk consecutive columns);
//   inner == 1 with few long rows: a three-pass scan. Each block scans one chunk of a row in
//     tiles of kBlock elements (Hillis-Steele in shared memory, carrying the running value from
//     tile to tile) and writes the chunk's total; one thread per row turns the totals into
//     exclusive carries; every element of chunk c > 0 then combines its chunk's carry.
//   Float results of the chunked path are rounded in a different order than the CPU's loop.
#include <cstdint>

#include "cuda/reduce.cuh"
#include "ops/op_registry.h"
#include "ops/reduce/reduce.h"

namespace kn {
namespace cuda {
namespace {

constexpr int kBlock = 256;
constexpr int64_t kChunk = 16 * kBlock;  // elements per block in the chunked path

template <bool kProd, class T>
__device__ __forceinline__ T combine(T a, T b) {
  return kProd ? T(a * b) : T(a + b);
}

template <bool kProd, class T>
__global__ void scan_cols(const T* in, T* out, int64_t outer, int64_t r, int64_t inner) {
  const int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t t = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; t < outer * inner; t += step) {
    const int64_t o = t / inner, i = t - o * inner;
    const T* p = in + o * r * inner + i;
    T* q = out + o * r * inner + i;
    T acc = p[0];
    q[0] = acc;
    for (int64_t j = 1; j < r; ++j) {
      acc = combine<kProd>(acc, p[j * inner]);
      q[j * inner] = acc;
    }
  }
}

// Block b scans chunk c = b % nchunks of row b / nchunks into out and writes its total.
template <bool kProd, class T>
__global__ void scan_chunks(const T* in, T* out, T* totals, int64_t rows, int64_t r,
                            int64_t nchunks) {
  __shared__ T s[kBlock];
  const unsigned tid = threadIdx.x;
  for (int64_t b = blockIdx.x; b < rows * nchunks; b += gridDim.x) {
    const int64_t row = b / nchunks, c = b - row * nchunks;
    const int64_t j0 = c * kChunk, j1 = j0 + kChunk < r ? j0 + kChunk : r;
    const T* p = in + row * r;
    T* q = out + row * r;
    T carry = T(kProd ? 1 : 0);
    for (int64_t base = j0; base < j1; base += kBlock) {
      const int64_t j = base + tid;
      T v = j < j1 ? p[j] : T(kProd ? 1 : 0);
      s[tid] = v;
      __syncthreads();
      for (unsigned off = 1; off < kBlock; off <<= 1) {
        const T prev = tid >= off ? s[tid - off] : T(kProd ? 1 : 0);
        __syncthreads();
        v = combine<kProd>(prev, v);
        s[tid] = v;
        __syncthreads();
      }
      if (j < j1) q[j] = combine<kProd>(carry, v);
      carry = combine<kProd>(carry, s[kBlock - 1]);
      __syncthreads();
    }
    if (tid == 0) totals[b] = carry;
  }
}

// totals [rows, nchunks] -> exclusive carries, in place.
template <bool kProd, class T>
__global__ void scan_carries(T* totals, int64_t rows, int64_t nchunks) {
  const int64_t row = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (row >= rows) return;
  T* t = totals + row * nchunks;
  T acc = T(kProd ? 1 : 0);
  for (int64_t c = 0; c < nchunks; ++c) {
    const T v = t[c];
    t[c] = acc;
    acc = combine<kProd>(acc, v);
  }
}

template <bool kProd, class T>
__global__ void apply_carries(T* out, const T* carries, int64_t rows, int64_t r, int64_t nchunks) {
  const int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t t = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; t < rows * r; t += step) {
    const int64_t row = t / r, c = (t - row * r) / kChunk;
    if (c > 0) out[t] = combine<kProd>(carries[row * nchunks + c], out[t]);
  }
}

template <bool kProd, class T>
void scan_run(const void* in_v, void* out_v, int64_t outer, int64_t r, int64_t inner) {
  const T* in = static_cast<const T*>(in_v);
  T* out = static_cast<T*>(out_v);
  set_device_for(in);
  const int64_t nchunks = (r + kChunk - 1) / kChunk;
  if (inner > 1 || r < 2 * kBlock || outer >= (int64_t(1) << 14)) {
    scan_cols<kProd, T><<<grid_size(outer * inner, 256), 256>>>(in, out, outer, r, inner);
    KN_CUDA_CHECK_LAUNCH();
    return;
  }
  Scratch totals(size_t(outer * nchunks) * sizeof(T), device_of(in));
  const int64_t blocks = outer * nchunks;
  scan_chunks<kProd, T><<<unsigned(blocks < (1 << 20) ? blocks : (1 << 20)), kBlock>>>(
      in, out, totals.as<T>(), outer, r, nchunks);
  KN_CUDA_CHECK_LAUNCH();
  if (nchunks == 1) return;
  scan_carries<kProd, T><<<grid_size(outer, 128), 128>>>(totals.as<T>(), outer, nchunks);
  KN_CUDA_CHECK_LAUNCH();
  apply_carries<kProd, T>
      <<<grid_size(outer * r, 256), 256>>>(out, totals.as<T>(), outer, r, nchunks);
  KN_CUDA_CHECK_LAUNCH();
}

template <bool kProd>
void scan_kernel(const void* in, void* out, int64_t outer, int64_t r, int64_t inner, DType dtype) {
  switch (dtype) {
    case DType::float32: scan_run<kProd, float>(in, out, outer, r, inner); break;
    case DType::float64: scan_run<kProd, double>(in, out, outer, r, inner); break;
    case DType::int32: scan_run<kProd, int32_t>(in, out, outer, r, inner); break;
    case DType::int64: scan_run<kProd, int64_t>(in, out, outer, r, inner); break;
    default: break;  // the definition widens bool and uint8 to int32
  }
}

KN_REGISTER_CUDA_KERNEL(cumsum, scan_kernel<false>);
KN_REGISTER_CUDA_KERNEL(cumprod, scan_kernel<true>);

}  // namespace
}  // namespace cuda
}  // namespace kn
