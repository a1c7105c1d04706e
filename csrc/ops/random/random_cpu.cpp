// CPU kernel of the random ops (compiled once per ISA level). Each element draws its own Philox
// block from counter offset + i, so any split of the range over threads gives the same numbers.
#include <cmath>

#include "core/parallel.h"
#include "ops/op_registry.h"
#include "ops/random/philox.h"
#include "ops/random/random.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

// Inverse error function: Giles' approximation refined by two Newton steps on erf.
double erfinv(double y) {
  const double w0 = -std::log((1.0 - y) * (1.0 + y));
  double x;
  if (w0 < 5.0) {
    const double w = w0 - 2.5;
    double p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w; p = -0.00125372503 + p * w; p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w; p = 1.50140941 + p * w;
    x = p * y;
  } else {
    const double w = std::sqrt(w0) - 3.0;
    double p = -0.000200214257;
    p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w; p = -0.0076224613 + p * w; p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w; p = 2.83297682 + p * w;
    x = p * y;
  }
  for (int it = 0; it < 2; ++it) {
    const double err = std::erf(x) - y;
    x -= err / (1.1283791670955126 * std::exp(-x * x));
  }
  return x;
}

double sample(RandomKind kind, const Philox4& r, double a, double b) {
  switch (kind) {
    case RandomKind::Uniform:
      return a + (b - a) * philox_unit_double(r.v[0], r.v[1]);
    case RandomKind::Normal: {
      const double u1 = 1.0 - philox_unit_double(r.v[0], r.v[1]);  // (0, 1]
      const double u2 = philox_unit_double(r.v[2], r.v[3]);
      return a + b * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    case RandomKind::TruncatedNormal: {
      // Uniform on (Phi(-2), Phi(2)), mapped through the inverse normal CDF.
      const double lo = 0.022750131948179195, hi = 0.9772498680518208;
      double u = lo + (hi - lo) * philox_unit_double(r.v[0], r.v[1]);
      if (u <= lo) u = lo + 1e-16;
      return a + b * 1.4142135623730951 * erfinv(2.0 * u - 1.0);
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
void random_run(T* out, int64_t n, RandomKind kind, double a, double b, uint64_t seed, uint64_t offset) {
  parallel_for(0, n, 4096, [&](int64_t s, int64_t e) {
    for (int64_t i = s; i < e; ++i) {
      const Philox4 r = philox4x32(offset + uint64_t(i), seed);
      if constexpr (std::is_floating_point<T>::value) {
        T v = static_cast<T>(sample(kind, r, a, b));
        // Rounding to float32 can land a uniform draw on maxval; keep the interval half-open.
        if (kind == RandomKind::Uniform && v >= T(b) && b > a) v = std::nextafter(T(b), T(a));
        out[i] = v;
      } else {
        out[i] = static_cast<T>(sample(kind, r, a, b));
      }
    }
  });
}

void random_kernel(void* out, int64_t n, DType dtype, RandomKind kind, double a, double b, uint64_t seed,
                   uint64_t offset) {
  switch (dtype) {
    case DType::float32: random_run(static_cast<float*>(out), n, kind, a, b, seed, offset); break;
    case DType::float64: random_run(static_cast<double*>(out), n, kind, a, b, seed, offset); break;
    case DType::int32: random_run(static_cast<int32_t*>(out), n, kind, a, b, seed, offset); break;
    case DType::int64: random_run(static_cast<int64_t*>(out), n, kind, a, b, seed, offset); break;
    case DType::uint8: random_run(static_cast<uint8_t*>(out), n, kind, a, b, seed, offset); break;
    default: break;
  }
}

KN_REGISTER_CPU_KERNEL(normal, random_kernel);
KN_REGISTER_CPU_KERNEL(uniform, random_kernel);
KN_REGISTER_CPU_KERNEL(truncated_normal, random_kernel);
KN_REGISTER_CPU_KERNEL(randint, random_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
