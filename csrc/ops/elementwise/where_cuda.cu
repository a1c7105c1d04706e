// CUDA kernel of where(cond, x, y) over the TensorIter [out, cond, x, y] (cond is bool, x and y
// already promoted). A select only moves bytes, so one kernel per element size.
#include <cstdint>

#include "cuda/loops.cuh"
#include "ops/elementwise/elementwise.h"
#include "ops/op_registry.h"

namespace kn {
namespace cuda {
namespace {

template <class T>
struct WhereFn {
  __device__ void operator()(char* const* p) const {
    store<T>(p[0], load<uint8_t>(p[1]) ? load<T>(p[2]) : load<T>(p[3]));
  }
};

void where_kernel(const TensorIter& it, DType dtype) {
  switch (dtype_size(dtype)) {
    case 1: launch_elementwise<4>(it, WhereFn<uint8_t>{}); break;
    case 4: launch_elementwise<4>(it, WhereFn<uint32_t>{}); break;
    case 8: launch_elementwise<4>(it, WhereFn<uint64_t>{}); break;
  }
}

KN_REGISTER_CUDA_KERNEL(where, where_kernel);

}  // namespace
}  // namespace cuda
}  // namespace kn
