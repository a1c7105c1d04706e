// CUDA kernel of the random ops: element i draws Philox block (seed, offset + i) (philox.h, shared
// with the CPU kernel) and maps it exactly as random_cpu.cpp does, in double. The affine steps and
// erfinv's polynomial round every operation separately (__dmul_rn, __dadd_rn): the device would
// otherwise fuse them into FMAs and drift from the CPU. Uniform and randint then give the CPU's
// numbers bit for bit; normal and truncated_normal go through the device's log/cos/erf/exp, which
// may differ from the host libm in the last bit of a float64 (float32 results round the same).
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "cuda/cuda_check.h"
#include "ops/op_registry.h"
#include "ops/random/philox.h"
#include "ops/random/random.h"

namespace kn {
namespace cuda {
namespace {

__device__ __forceinline__ double fma_free(double a, double b, double c) {  // a * b + c
  return __dadd_rn(__dmul_rn(a, b), c);
}

// Inverse error function: Giles' approximation refined by two Newton steps on erf.
__device__ double erfinv(double y) {
  const double w0 = -::log((1.0 - y) * (1.0 + y));
  double x;
  if (w0 < 5.0) {
    const double w = w0 - 2.5;
    double p = 2.81022636e-08;
    p = fma_free(p, w, 3.43273939e-07);
    p = fma_free(p, w, -3.5233877e-06);
    p = fma_free(p, w, -4.39150654e-06);
    p = fma_free(p, w, 0.00021858087);
    p = fma_free(p, w, -0.00125372503);
    p = fma_free(p, w, -0.00417768164);
    p = fma_free(p, w, 0.246640727);
    p = fma_free(p, w, 1.50140941);
    x = p * y;
  } else {
    const double w = ::sqrt(w0) - 3.0;
    double p = -0.000200214257;
    p = fma_free(p, w, 0.000100950558);
    p = fma_free(p, w, 0.00134934322);
    p = fma_free(p, w, -0.00367342844);
    p = fma_free(p, w, 0.00573950773);
    p = fma_free(p, w, -0.0076224613);
    p = fma_free(p, w, 0.00943887047);
    p = fma_free(p, w, 1.00167406);
    p = fma_free(p, w, 2.83297682);
    x = p * y;
  }
  for (int it = 0; it < 2; ++it) {
    const double err = ::erf(x) - y;
    x -= err / (1.1283791670955126 * ::exp(-x * x));
  }
  return x;
}

__device__ double sample(RandomKind kind, const Philox4& r, double a, double b) {
  switch (kind) {
    case RandomKind::Uniform: return fma_free(b - a, philox_unit_double(r.v[0], r.v[1]), a);
    case RandomKind::Normal: {
      const double u1 = 1.0 - philox_unit_double(r.v[0], r.v[1]);  // (0, 1]
      const double u2 = philox_unit_double(r.v[2], r.v[3]);
      return fma_free(__dmul_rn(b, ::sqrt(-2.0 * ::log(u1))), ::cos(6.283185307179586 * u2), a);
    }
    case RandomKind::TruncatedNormal: {
      // Uniform on (Phi(-2), Phi(2)), mapped through the inverse normal CDF.
      const double lo = 0.022750131948179195, hi = 0.9772498680518208;
      double u = fma_free(hi - lo, philox_unit_double(r.v[0], r.v[1]), lo);
      if (u <= lo) u = lo + 1e-16;
      return fma_free(__dmul_rn(b, 1.4142135623730951), erfinv(__dadd_rn(__dmul_rn(2.0, u), -1.0)),
                      a);
    }
    case RandomKind::Randint: {
      const uint64_t bits = (uint64_t(r.v[0]) << 32) | r.v[1];
      const uint64_t range = uint64_t(int64_t(b) - int64_t(a));
      return double(int64_t(a) + int64_t(bits % range));
    }
  }
  return 0;
}

template <class T>
__global__ void random_run(T* out, int64_t n, RandomKind kind, double a, double b, uint64_t seed,
                           uint64_t offset) {
  const int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    const Philox4 r = philox4x32(offset + uint64_t(i), seed);
    const double s = sample(kind, r, a, b);
    if constexpr (std::is_floating_point<T>::value) {
      T v = static_cast<T>(s);
      // Rounding to float32 can land a uniform draw on maxval; keep the interval half-open.
      if (kind == RandomKind::Uniform && v >= T(b) && b > a) {
        if constexpr (std::is_same<T, float>::value) v = ::nextafterf(float(b), float(a));
        else v = ::nextafter(b, a);
      }
      out[i] = v;
    } else if constexpr (std::is_same<T, uint8_t>::value) {
      out[i] = static_cast<uint8_t>(static_cast<int64_t>(s));  // wraps like the host conversion
    } else {
      out[i] = static_cast<T>(s);
    }
  }
}

template <class T>
void launch(void* out, int64_t n, RandomKind kind, double a, double b, uint64_t seed,
            uint64_t offset) {
  set_device_for(out);
  random_run<T><<<grid_size(n, 256), 256>>>(static_cast<T*>(out), n, kind, a, b, seed, offset);
  KN_CUDA_CHECK_LAUNCH();
}

void random_kernel(void* out, int64_t n, DType dtype, RandomKind kind, double a, double b,
                   uint64_t seed, uint64_t offset) {
  switch (dtype) {
    case DType::float32: launch<float>(out, n, kind, a, b, seed, offset); break;
    case DType::float64: launch<double>(out, n, kind, a, b, seed, offset); break;
    case DType::int32: launch<int32_t>(out, n, kind, a, b, seed, offset); break;
    case DType::int64: launch<int64_t>(out, n, kind, a, b, seed, offset); break;
    case DType::uint8: launch<uint8_t>(out, n, kind, a, b, seed, offset); break;
    default: break;
  }
}

KN_REGISTER_CUDA_KERNEL(normal, random_kernel);
KN_REGISTER_CUDA_KERNEL(uniform, random_kernel);
KN_REGISTER_CUDA_KERNEL(truncated_normal, random_kernel);
KN_REGISTER_CUDA_KERNEL(randint, random_kernel);

}  // namespace
}  // namespace cuda
}  // namespace kn
