// CUDA kernels of copy and slice_scatter (any strided view into any strided view, over the
// TensorIter [dst, src]) and concatenate (dense inputs into a dense output along one axis).
// Dense copies are one device-to-device memcpy; concatenate is one 2-D memcpy per input (rows of
// the input into the output's rows), queued on the default stream like the kernels.
#include <cstdint>

#include "cuda/loops.cuh"
#include "ops/op_registry.h"
#include "ops/shape/shape.h"

namespace kn {
namespace cuda {
namespace {

template <class T>
struct CopyFn {
  __device__ void operator()(char* const* p) const { store<T>(p[0], load<T>(p[1])); }
};

void copy_kernel(const TensorIter& it, DType dtype) {
  if (it.numel == 0) return;
  const int64_t size = int64_t(dtype_size(dtype));
  const bool dense =
      it.ndim == 0 || (it.ndim == 1 && it.strides[0][0] == size && it.strides[0][1] == size);
  if (dense) {
    set_device_for(it.data[0]);
    KN_CUDA_CHECK(cudaMemcpyAsync(it.data[0], it.data[1], size_t(it.numel * size),
                                  cudaMemcpyDeviceToDevice, 0));
    return;
  }
  switch (size) {
    case 1: launch_elementwise<2>(it, CopyFn<uint8_t>{}); break;
    case 4: launch_elementwise<2>(it, CopyFn<uint32_t>{}); break;
    case 8: launch_elementwise<2>(it, CopyFn<uint64_t>{}); break;
  }
}

// cudaMemcpy2D takes pitches below 2^31 bytes (cudaDevAttrMaxPitch).
constexpr int64_t kMaxPitch = int64_t(1) << 31;

// dst rows of dst_row_bytes; input k gives row_bytes[k] bytes to each of the `outer` rows.
void concat_kernel(const char* const* srcs, const int64_t* row_bytes, int n, char* dst,
                   int64_t outer, int64_t dst_row_bytes) {
  set_device_for(dst);
  int64_t col = 0;
  for (int k = 0; k < n; ++k) {
    const int64_t width = row_bytes[k];
    if (width > 0 && outer > 0) {
      if (outer == 1 || dst_row_bytes >= kMaxPitch) {  // one copy per row
        for (int64_t o = 0; o < outer; ++o) {
          KN_CUDA_CHECK(cudaMemcpyAsync(dst + o * dst_row_bytes + col, srcs[k] + o * width,
                                        size_t(width), cudaMemcpyDeviceToDevice, 0));
        }
      } else {
        KN_CUDA_CHECK(cudaMemcpy2DAsync(dst + col, size_t(dst_row_bytes), srcs[k], size_t(width),
                                        size_t(width), size_t(outer), cudaMemcpyDeviceToDevice, 0));
      }
    }
    col += width;
  }
}

KN_REGISTER_CUDA_KERNEL(copy, copy_kernel);
KN_REGISTER_CUDA_KERNEL(slice_scatter, copy_kernel);
KN_REGISTER_CUDA_KERNEL(concatenate, concat_kernel);

}  // namespace
}  // namespace cuda
}  // namespace kn
