// The CUDA DeviceBackend (raw memory, copies, device count, synchronize), registered with the
// caching allocator at static-initialisation time, and the CUDA error reporting of cuda_check.h.
//
// Note [No GPU is not an error]
// A CUDA build must import and run on machines without a GPU or without a driver. Nothing here
// touches the CUDA runtime at load time; device_count() asks once and takes any error as "0
// devices"; every other entry point first checks the device index against that count, so using
// cuda:N without a GPU raises a RuntimeError that says so instead of a CUDA error code.
//
// All work goes to the legacy default stream of the current device: kernels, copies and frees
// are ordered with each other, so a block the caching allocator hands out again is never still
// in use by an earlier kernel.
//
// Not here: the caching layer (core/allocator.cpp), kernels (csrc/ops/<family>/*_cuda.cu).
#include <cuda_runtime_api.h>

#include <cstring>

#include "core/allocator.h"
#include "core/errors.h"
#include "cuda/cuda_check.h"

namespace kn {
namespace cuda {

void throw_cuda_error(cudaError_t err, const char* expr, const char* file, int line) {
  (void)cudaGetLastError();  // clear a non-sticky error so it is reported once
  throw_error(ErrorKind::Runtime,
              str("CUDA error ", cudaGetErrorName(err), " (", cudaGetErrorString(err), ") at ",
                  file, ":", line, " in `", expr, "`"));
}

int device_count() {
  static const int count = [] {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
      (void)cudaGetLastError();
      return 0;
    }
    return n > 0 ? n : 0;
  }();
  return count;
}

void set_device_for(const void* ptr) {
  if (device_count() <= 1) return;
  cudaPointerAttributes attr;
  if (cudaPointerGetAttributes(&attr, ptr) != cudaSuccess) {
    (void)cudaGetLastError();
    return;
  }
  if (attr.type == cudaMemoryTypeDevice) KN_CUDA_CHECK(cudaSetDevice(attr.device));
}

namespace {

Device cuda_device(int index) { return Device{DeviceType::CUDA, static_cast<int16_t>(index)}; }

// Makes `index` the current device, after checking it exists (see Note [No GPU is not an error]).
void use_device(int index) {
  check_device_available(cuda_device(index));
  KN_CUDA_CHECK(cudaSetDevice(index));
}

// nullptr when the device is out of memory: the caching layer then empties its cache and retries.
void* raw_alloc(size_t nbytes, int index) {
  use_device(index);
  void* p = nullptr;
  const cudaError_t err = cudaMalloc(&p, nbytes);
  if (err == cudaErrorMemoryAllocation) {
    (void)cudaGetLastError();
    return nullptr;
  }
  KN_CUDA_CHECK(err);
  return p;
}

// Called from destructors (possibly after the CUDA runtime has been torn down at exit): never
// throws, errors are dropped.
void raw_free(void* p, int index) {
  if (!p) return;
  if (cudaSetDevice(index) != cudaSuccess || cudaFree(p) != cudaSuccess) (void)cudaGetLastError();
}

void copy(void* dst, Device dst_dev, const void* src, Device src_dev, size_t nbytes) {
  if (nbytes == 0) return;
  if (dst_dev.is_cuda() && src_dev.is_cuda()) {
    if (dst_dev.index == src_dev.index) {
      use_device(dst_dev.index);
      KN_CUDA_CHECK(cudaMemcpy(dst, src, nbytes, cudaMemcpyDeviceToDevice));
    } else {
      check_device_available(src_dev);
      use_device(dst_dev.index);
      KN_CUDA_CHECK(cudaMemcpyPeer(dst, dst_dev.index, src, src_dev.index, nbytes));
    }
  } else if (dst_dev.is_cuda()) {
    use_device(dst_dev.index);
    KN_CUDA_CHECK(cudaMemcpy(dst, src, nbytes, cudaMemcpyHostToDevice));
  } else if (src_dev.is_cuda()) {
    use_device(src_dev.index);
    KN_CUDA_CHECK(cudaMemcpy(dst, src, nbytes, cudaMemcpyDeviceToHost));
  } else {
    std::memcpy(dst, src, nbytes);
  }
}

int count_devices() { return device_count(); }

void synchronize(int index) {
  use_device(index);
  KN_CUDA_CHECK(cudaDeviceSynchronize());
}

struct Registrar {
  Registrar() {
    set_device_backend(DeviceType::CUDA,
                       DeviceBackend{raw_alloc, raw_free, copy, count_devices, synchronize});
  }
};
const Registrar registrar;

}  // namespace
}  // namespace cuda
}  // namespace kn
