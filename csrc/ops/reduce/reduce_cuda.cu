// CUDA kernels of sum, prod, max, min, any, all over the dense [outer, r, inner] block of
// reduce.h (any/all are max/min over bool bytes, as on the CPU; max/min propagate NaN).
//
// Note [Splitting long reductions]
// Two kernels cover the geometry:
//   rows:    inner == 1 and a long r: one block per (output, chunk of r), a strided per-thread
//            accumulation followed by a shared-memory tree;
//   columns: everything else: one thread per (output, chunk of r), walking the chunk's rows
//            (consecutive threads read consecutive columns: coalesced for inner > 1).
// When there are too few outputs to fill the GPU, r is cut into chunks: the first pass writes
// partial results [outer, nchunks, inner] to a scratch buffer and the same reduction runs again
// with r = nchunks. Chunks are fixed by the sizes only (no atomics), so results are
// deterministic. Float sums also cap the chunk length, which bounds the rounding error.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>

#include "cuda/math.cuh"
#include "cuda/reduce.cuh"
#include "ops/op_registry.h"
#include "ops/reduce/reduce.h"

namespace kn {
namespace cuda {
namespace {

constexpr int kRowBlock = 256;               // threads per block of the row kernel
constexpr int64_t kRowChunk = 1 << 14;       // elements per block when a row is split
constexpr int64_t kColChunk = 1024;          // rows per thread when columns are split
constexpr int64_t kTargetBlocks = 1024;      // row kernel: enough blocks to fill a GPU
constexpr int64_t kTargetThreads = 1 << 16;  // column kernel: likewise

template <class T>
__device__ __forceinline__ T lowest() {
  if constexpr (std::is_floating_point<T>::value) return -std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::lowest();
}
template <class T>
__device__ __forceinline__ T highest() {
  if constexpr (std::is_floating_point<T>::value) return std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::max();
}

struct SumR {
  template <class T>
  __device__ static T init() {
    return T(0);
  }
  template <class T>
  __device__ T operator()(T a, T b) const {
    return T(a + b);
  }
};
struct ProdR {
  template <class T>
  __device__ static T init() {
    return T(1);
  }
  template <class T>
  __device__ T operator()(T a, T b) const {
    return T(a * b);
  }
};
struct MaxR {
  template <class T>
  __device__ static T init() {
    return lowest<T>();
  }
  template <class T>
  __device__ T operator()(T a, T b) const {
    return nan_max(a, b);
  }
};
struct MinR {
  template <class T>
  __device__ static T init() {
    return highest<T>();
  }
  template <class T>
  __device__ T operator()(T a, T b) const {
    return nan_min(a, b);
  }
};

// ---- kernels --------------------------------------------------------------------------------

// in: [rows, r] dense; out[row * nchunks + c] = reduce of in[row, c*chunk : (c+1)*chunk].
template <class Op, class T>
__global__ void row_reduce(const T* in, T* out, int64_t rows, int64_t r, int64_t chunk,
                           int64_t nchunks) {
  __shared__ T smem[kRowBlock];
  const Op op{};
  for (int64_t b = blockIdx.x; b < rows * nchunks; b += gridDim.x) {
    const int64_t row = b / nchunks, c = b - row * nchunks;
    const int64_t j0 = c * chunk, j1 = j0 + chunk < r ? j0 + chunk : r;
    const T* p = in + row * r;
    T acc = Op::template init<T>();
    for (int64_t j = j0 + threadIdx.x; j < j1; j += blockDim.x) acc = op(acc, p[j]);
    acc = block_reduce(acc, smem, op);
    if (threadIdx.x == 0) out[b] = acc;
  }
}

// in: [outer, r, inner] dense; out[(o * nchunks + c) * inner + i] = reduce over the rows of
// chunk c at (o, i).
template <class Op, class T>
__global__ void col_reduce(const T* in, T* out, int64_t outer, int64_t r, int64_t inner,
                           int64_t chunk, int64_t nchunks) {
  const Op op{};
  const int64_t total = outer * nchunks * inner;
  const int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t t = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; t < total; t += step) {
    const int64_t i = t % inner, oc = t / inner;
    const int64_t c = oc % nchunks, o = oc / nchunks;
    const int64_t j0 = c * chunk, j1 = j0 + chunk < r ? j0 + chunk : r;
    const T* p = in + (o * r + j0) * inner + i;
    T acc = p[0];
    for (int64_t j = j0 + 1; j < j1; ++j) {
      p += inner;
      acc = op(acc, *p);
    }
    out[t] = acc;
  }
}

// ---- launchers ------------------------------------------------------------------------------

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

template <class Op, class T>
void reduce_t(const T* in, T* out, int64_t outer, int64_t r, int64_t inner) {
  set_device_for(in);
  const bool rows = inner == 1 && r >= 64;
  int64_t nchunks;
  if (rows) {
    nchunks = std::min(ceil_div(kTargetBlocks, outer), ceil_div(r, kRowChunk));
  } else {
    nchunks = std::min(ceil_div(kTargetThreads, outer * inner), ceil_div(r, 16));
    if (std::is_same<Op, SumR>::value && std::is_floating_point<T>::value) {
      nchunks = std::max(nchunks, ceil_div(r, kColChunk));
    }
  }
  nchunks = std::max<int64_t>(nchunks, 1);
  const int64_t chunk = ceil_div(r, nchunks);
  nchunks = ceil_div(r, chunk);  // no empty chunk
  std::optional<Scratch> partial;
  if (nchunks > 1) partial.emplace(size_t(outer * nchunks * inner) * sizeof(T), device_of(in));
  T* dst = nchunks > 1 ? partial->as<T>() : out;
  if (rows) {
    const int64_t blocks = outer * nchunks;
    row_reduce<Op, T><<<unsigned(std::min<int64_t>(blocks, 1 << 20)), kRowBlock>>>(
        in, dst, outer, r, chunk, nchunks);
  } else {
    col_reduce<Op, T><<<grid_size(outer * nchunks * inner, 256), 256>>>(in, dst, outer, r, inner,
                                                                        chunk, nchunks);
  }
  KN_CUDA_CHECK_LAUNCH();
  if (nchunks > 1) reduce_t<Op, T>(dst, out, outer, nchunks, inner);
}

template <class Op>
void reduce_kernel(const void* in, void* out, int64_t outer, int64_t r, int64_t inner,
                   DType dtype) {
  switch (dtype) {
    case DType::float32:
      reduce_t<Op>(static_cast<const float*>(in), static_cast<float*>(out), outer, r, inner);
      break;
    case DType::float64:
      reduce_t<Op>(static_cast<const double*>(in), static_cast<double*>(out), outer, r, inner);
      break;
    case DType::int32:
      reduce_t<Op>(static_cast<const int32_t*>(in), static_cast<int32_t*>(out), outer, r, inner);
      break;
    case DType::int64:
      reduce_t<Op>(static_cast<const int64_t*>(in), static_cast<int64_t*>(out), outer, r, inner);
      break;
    case DType::uint8:
    case DType::bool_:
      // Only max/min/any/all see bytes (sum and prod widen them to int32 first).
      if constexpr (std::is_same<Op, MaxR>::value || std::is_same<Op, MinR>::value) {
        reduce_t<Op>(static_cast<const uint8_t*>(in), static_cast<uint8_t*>(out), outer, r, inner);
      }
      break;
  }
}

KN_REGISTER_CUDA_KERNEL(sum, reduce_kernel<SumR>);
KN_REGISTER_CUDA_KERNEL(prod, reduce_kernel<ProdR>);
KN_REGISTER_CUDA_KERNEL(max, reduce_kernel<MaxR>);
KN_REGISTER_CUDA_KERNEL(min, reduce_kernel<MinR>);
KN_REGISTER_CUDA_KERNEL(any, reduce_kernel<MaxR>);
KN_REGISTER_CUDA_KERNEL(all, reduce_kernel<MinR>);

}  // namespace
}  // namespace cuda
}  // namespace kn
