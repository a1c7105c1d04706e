// CUDA error checking for the *.cu files: every CUDA runtime call and every kernel launch is
// checked, and a failure throws kn::Error (RuntimeError in Python) carrying the CUDA error name,
// its description, the failing expression and file:line. Nothing here ever exits the process.
//
//   KN_CUDA_CHECK(cudaMemcpy(dst, src, n, cudaMemcpyDeviceToHost));
//   my_kernel<<<grid, block>>>(...);
//   KN_CUDA_CHECK_LAUNCH();
//
// Not here: the device backend (cuda_backend.cu), kernel launch helpers (loops.cuh).
// Include only from .cu files (it needs the CUDA runtime headers).
#pragma once

#include <cuda_runtime_api.h>

namespace kn {
namespace cuda {

// Throws kn::Error(Runtime) describing `err`; clears CUDA's (non-sticky) last error first so the
// next call does not report it again.
[[noreturn]] void throw_cuda_error(cudaError_t err, const char* expr, const char* file, int line);

// The number of CUDA devices usable by this process; 0 on any error (no driver, no device,
// driver too old). Queried once.
int device_count();

// Makes the device that owns `ptr` current when the process sees several GPUs (kernels launch on
// the current device); a no-op on single-GPU machines.
void set_device_for(const void* ptr);

// Blocks per grid for `n` independent work items of `block` threads each, capped for
// grid-stride loops.
inline unsigned grid_size(long long n, int block) {
  const long long cap = 65535LL * 8;
  long long g = (n + block - 1) / block;
  if (g < 1) g = 1;
  return static_cast<unsigned>(g < cap ? g : cap);
}

}  // namespace cuda
}  // namespace kn

#define KN_CUDA_CHECK(expr)                                                  \
  do {                                                                       \
    const cudaError_t kn_cuda_err_ = (expr);                                 \
    if (kn_cuda_err_ != cudaSuccess)                                         \
      ::kn::cuda::throw_cuda_error(kn_cuda_err_, #expr, __FILE__, __LINE__); \
  } while (0)

// After a <<<...>>> launch: reports a bad configuration or an earlier asynchronous failure.
#define KN_CUDA_CHECK_LAUNCH() KN_CUDA_CHECK(cudaGetLastError())
