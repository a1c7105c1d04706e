// Device math for the CUDA kernels: one overload per float type of every libm function the
// kernels use, so a float32 kernel never silently computes in double (and the reverse), plus the
// NaN-aware max/min and the float -> integer conversion of the CPU kernels.
//
// Not here: the kernels themselves (csrc/ops/<family>/*_cuda.cu).
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

namespace kn {
namespace cuda {

#define KN_CUDA_MATH1(name, fname, dname)                               \
  __device__ __forceinline__ float name(float x) { return ::fname(x); } \
  __device__ __forceinline__ double name(double x) { return ::dname(x); }
KN_CUDA_MATH1(m_exp, expf, exp)
KN_CUDA_MATH1(m_log, logf, log)
KN_CUDA_MATH1(m_log1p, log1pf, log1p)
KN_CUDA_MATH1(m_expm1, expm1f, expm1)
KN_CUDA_MATH1(m_sqrt, sqrtf, sqrt)
KN_CUDA_MATH1(m_sin, sinf, sin)
KN_CUDA_MATH1(m_cos, cosf, cos)
KN_CUDA_MATH1(m_tan, tanf, tan)
KN_CUDA_MATH1(m_tanh, tanhf, tanh)
KN_CUDA_MATH1(m_erf, erff, erf)
KN_CUDA_MATH1(m_asinh, asinhf, asinh)
KN_CUDA_MATH1(m_floor, floorf, floor)
KN_CUDA_MATH1(m_ceil, ceilf, ceil)
KN_CUDA_MATH1(m_rint, rintf, rint)  // half to even (nearbyint in the default rounding mode)
KN_CUDA_MATH1(m_fabs, fabsf, fabs)
#undef KN_CUDA_MATH1
__device__ __forceinline__ float m_pow(float a, float b) { return ::powf(a, b); }
__device__ __forceinline__ double m_pow(double a, double b) { return ::pow(a, b); }
__device__ __forceinline__ float m_fmod(float a, float b) { return ::fmodf(a, b); }
__device__ __forceinline__ double m_fmod(double a, double b) { return ::fmod(a, b); }

template <class T>
__device__ __forceinline__ bool is_nan(T x) {
  if constexpr (std::is_floating_point<T>::value) return x != x;
  else return false;
}

// numpy maximum/minimum: a NaN on either side wins (the first one when both are NaN).
template <class T>
__device__ __forceinline__ T nan_max(T a, T b) {
  if (is_nan(a)) return a;
  if (is_nan(b)) return b;
  return a > b ? a : b;
}
template <class T>
__device__ __forceinline__ T nan_min(T a, T b) {
  if (is_nan(a)) return a;
  if (is_nan(b)) return b;
  return a < b ? a : b;
}

// Element conversion with the CPU cast kernel's rules: to bool is `x != 0`; float to a signed
// integer type gives the type's minimum for NaN and out-of-range values (as x86 and numpy do);
// float to uint8 wraps through int64; integer to integer wraps. (A plain device conversion would
// saturate instead.)
template <class To, class From>
__host__ __device__ __forceinline__ To convert(From x) {
  if constexpr (std::is_same<To, bool>::value) {
    return x != From(0);
  } else if constexpr (std::is_floating_point<From>::value && std::is_integral<To>::value) {
    const double d = static_cast<double>(x);
    if constexpr (std::is_same<To, uint8_t>::value) {
      if (!(d > -9.2e18 && d < 9.2e18)) return To(0);
      return static_cast<To>(static_cast<int64_t>(d));
    } else {
      constexpr double lo = double(std::numeric_limits<To>::min());
      if (!(d >= lo && d < -lo)) return std::numeric_limits<To>::min();
      return static_cast<To>(x);
    }
  } else {
    return static_cast<To>(x);
  }
}

}  // namespace cuda
}  // namespace kn
