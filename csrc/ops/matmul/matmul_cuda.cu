// CUDA matmul kernel: one launch over every batch matrix (blockIdx.z), 64 x 64 output tiles per
// block of 16 x 16 threads (4 x 4 outputs each), A and B staged through shared memory in K steps
// of 16 with any strides (transposed and sliced operands need no copy). A plain tiled GEMM, far
// from cuBLAS but enough to keep Dense layers and attention on the GPU; there is no cuBLAS here.
#include <algorithm>
#include <cstdint>

#include "core/allocator.h"
#include "core/errors.h"
#include "cuda/cuda_check.h"
#include "ops/matmul/matmul.h"
#include "ops/op_registry.h"

namespace kn {
namespace cuda {
namespace {

constexpr int kTile = 64, kStepK = 16, kThreads = 16;  // kTile = kThreads * 4

template <class T>
__global__ void gemm_tiled(int64_t M, int64_t N, int64_t K, const T* A, const int64_t* a_off,
                           int64_t a_rs, int64_t a_cs, const T* B, const int64_t* b_off,
                           int64_t b_rs, int64_t b_cs, T* C, int64_t batch0) {
  __shared__ T As[kStepK][kTile + 1];
  __shared__ T Bs[kStepK][kTile + 1];
  const int64_t bt = batch0 + blockIdx.z;
  const T* a = A + a_off[bt];
  const T* b = B + b_off[bt];
  T* c = C + bt * M * N;
  const int64_t row0 = int64_t(blockIdx.y) * kTile, col0 = int64_t(blockIdx.x) * kTile;
  const int tx = threadIdx.x, ty = threadIdx.y, tid = ty * kThreads + tx;
  T acc[4][4];
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) acc[i][j] = T(0);
  }
  for (int64_t k0 = 0; k0 < K; k0 += kStepK) {
    // Consecutive threads read consecutive k of A and consecutive columns of B.
    for (int e = tid; e < kTile * kStepK; e += kThreads * kThreads) {
      const int i = e / kStepK, kk = e % kStepK;
      const int64_t r = row0 + i, k = k0 + kk;
      As[kk][i] = (r < M && k < K) ? a[r * a_rs + k * a_cs] : T(0);
    }
    for (int e = tid; e < kStepK * kTile; e += kThreads * kThreads) {
      const int kk = e / kTile, j = e % kTile;
      const int64_t k = k0 + kk, col = col0 + j;
      Bs[kk][j] = (k < K && col < N) ? b[k * b_rs + col * b_cs] : T(0);
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < kStepK; ++kk) {
      T av[4], bv[4];
      for (int i = 0; i < 4; ++i) av[i] = As[kk][ty + kThreads * i];
      for (int j = 0; j < 4; ++j) bv[j] = Bs[kk][tx + kThreads * j];
      for (int i = 0; i < 4; ++i) {
        for (int j = 0; j < 4; ++j) acc[i][j] = T(acc[i][j] + av[i] * bv[j]);
      }
    }
    __syncthreads();
  }
  for (int i = 0; i < 4; ++i) {
    const int64_t r = row0 + ty + kThreads * i;
    if (r >= M) continue;
    for (int j = 0; j < 4; ++j) {
      const int64_t col = col0 + tx + kThreads * j;
      if (col < N) c[r * N + col] = acc[i][j];
    }
  }
}

template <class T>
void launch(const MatmulArgs& p) {
  set_device_for(p.c);
  int dev = 0;
  KN_CUDA_CHECK(cudaGetDevice(&dev));
  const Device device{DeviceType::CUDA, int16_t(dev)};
  // The per-matrix offsets live on the host; the kernel reads them from device memory.
  const size_t bytes = size_t(p.batch) * sizeof(int64_t);
  int64_t* offsets = static_cast<int64_t*>(allocate(2 * bytes, device));
  KN_CUDA_CHECK(cudaMemcpy(offsets, p.a_offsets, bytes, cudaMemcpyHostToDevice));
  KN_CUDA_CHECK(cudaMemcpy(offsets + p.batch, p.b_offsets, bytes, cudaMemcpyHostToDevice));
  const int64_t gy = (p.M + kTile - 1) / kTile, gx = (p.N + kTile - 1) / kTile;
  KN_CHECK(gy <= 65535, "matmul: ", p.M, " rows exceed the CUDA kernel's grid (at most ",
           65535LL * kTile, ")");
  const dim3 block(kThreads, kThreads);
  for (int64_t b0 = 0; b0 < p.batch; b0 += 65535) {
    const dim3 grid(unsigned(gx), unsigned(gy), unsigned(std::min<int64_t>(65535, p.batch - b0)));
    gemm_tiled<T><<<grid, block>>>(p.M, p.N, p.K, static_cast<const T*>(p.a), offsets, p.a_rs,
                                   p.a_cs, static_cast<const T*>(p.b), offsets + p.batch, p.b_rs,
                                   p.b_cs, static_cast<T*>(p.c), b0);
    KN_CUDA_CHECK_LAUNCH();
  }
  // Freed into the stream-ordered cache: a later allocation of this block is used after the
  // kernel on the same (default) stream.
  deallocate(offsets, 2 * bytes, device);
}

void matmul_kernel(const MatmulArgs& p) {
  switch (p.dtype) {
    case DType::float32: launch<float>(p); break;
    case DType::float64: launch<double>(p); break;
    case DType::int32: launch<int32_t>(p); break;
    case DType::int64: launch<int64_t>(p); break;
    default: break;
  }
}

KN_REGISTER_CUDA_KERNEL(matmul, matmul_kernel);

}  // namespace
}  // namespace cuda
}  // namespace kn
