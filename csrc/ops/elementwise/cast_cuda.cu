// CUDA kernel of cast over the TensorIter [out, in], for every pair of dtypes. The element
// conversion is convert<To, From> (cuda/math.cuh), the CPU kernel's rules: NaN and out-of-range
// floats become the integer minimum (uint8 wraps through int64), anything to bool is `x != 0`.
#include <cstdint>

#include "cuda/loops.cuh"
#include "cuda/math.cuh"
#include "ops/elementwise/elementwise.h"
#include "ops/op_registry.h"

namespace kn {
namespace cuda {
namespace {

template <class To, class From>
struct CastFn {
  __device__ void operator()(char* const* p) const {
    store<To>(p[0], convert<To>(load<From>(p[1])));
  }
};

template <class To>
void cast_from(const TensorIter& it, DType from) {
  switch (from) {
    case DType::float32: launch_elementwise<2>(it, CastFn<To, float>{}); break;
    case DType::float64: launch_elementwise<2>(it, CastFn<To, double>{}); break;
    case DType::int32: launch_elementwise<2>(it, CastFn<To, int32_t>{}); break;
    case DType::int64: launch_elementwise<2>(it, CastFn<To, int64_t>{}); break;
    case DType::uint8: launch_elementwise<2>(it, CastFn<To, uint8_t>{}); break;
    case DType::bool_: launch_elementwise<2>(it, CastFn<To, bool>{}); break;
  }
}

void cast_kernel(const TensorIter& it, DType from, DType to) {
  switch (to) {
    case DType::float32: cast_from<float>(it, from); break;
    case DType::float64: cast_from<double>(it, from); break;
    case DType::int32: cast_from<int32_t>(it, from); break;
    case DType::int64: cast_from<int64_t>(it, from); break;
    case DType::uint8: cast_from<uint8_t>(it, from); break;
    case DType::bool_: cast_from<bool>(it, from); break;
  }
}

KN_REGISTER_CUDA_KERNEL(cast, cast_kernel);

}  // namespace
}  // namespace cuda
}  // namespace kn
