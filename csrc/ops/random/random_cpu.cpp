// CPU kernel of the random ops (compiled once per ISA level). Each element draws its own Philox
// block from counter offset + i, so any split of the range over threads gives the same numbers.
#include <algorithm>
#include <cmath>

// Compiled with -ffp-contract=off (CMakeLists.txt): the same seed gives the same numbers on every
// ISA level, and on CUDA (random_cuda.cu rounds each operation too).

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

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
    p = 3.43273939e-07 + p * w;
    p = -3.5233877e-06 + p * w;
    p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
    x = p * y;
  } else {
    const double w = std::sqrt(w0) - 3.0;
    double p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
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
    case RandomKind::Uniform: return a + (b - a) * philox_unit_double(r.v[0], r.v[1]);
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

// Philox blocks for kBatch consecutive counters: the same numbers as philox4x32, with the
// lanes in 64-bit vector slots (each holding a 32-bit word) so that one unsigned 32x32->64
// multiply instruction serves a whole vector.
constexpr int kBatch = 16;

#if defined(__AVX512F__) || defined(__AVX2__)
// GCC 12 reports the intrinsics' own _mm512_undefined_epi32() as uninitialised.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#if defined(__AVX512F__)
using VU = __m512i;
constexpr int kLanes = 8;
static inline VU vset1(uint64_t v) { return _mm512_set1_epi64(int64_t(v)); }
static inline VU vmul(VU a, VU b) { return _mm512_mul_epu32(a, b); }
static inline VU vxor(VU a, VU b) { return _mm512_xor_si512(a, b); }
static inline VU vand(VU a, VU b) { return _mm512_and_si512(a, b); }
static inline VU vhi(VU a) { return _mm512_srli_epi64(a, 32); }
static inline VU vadd(VU a, VU b) { return _mm512_add_epi64(a, b); }
static inline VU vload(const uint64_t* p) { return _mm512_loadu_si512(p); }
static inline void vstore(uint64_t* p, VU v) { _mm512_storeu_si512(p, v); }
#else
using VU = __m256i;
constexpr int kLanes = 4;
static inline VU vset1(uint64_t v) { return _mm256_set1_epi64x(int64_t(v)); }
static inline VU vmul(VU a, VU b) { return _mm256_mul_epu32(a, b); }
static inline VU vxor(VU a, VU b) { return _mm256_xor_si256(a, b); }
static inline VU vand(VU a, VU b) { return _mm256_and_si256(a, b); }
static inline VU vhi(VU a) { return _mm256_srli_epi64(a, 32); }
static inline VU vadd(VU a, VU b) { return _mm256_add_epi64(a, b); }
static inline VU vload(const uint64_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}
static inline void vstore(uint64_t* p, VU v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
}
#endif

void philox_batch(uint64_t ctr, uint64_t seed, uint64_t (&w)[4][kBatch]) {
  const VU lo32 = vset1(0xffffffffu), m0 = vset1(0xD2511F53u), m1 = vset1(0xCD9E8D57u);
  for (int g = 0; g < kBatch; g += kLanes) {
    uint64_t lanes[kLanes];
    for (int l = 0; l < kLanes; ++l) lanes[l] = ctr + uint64_t(g + l);
    const VU c = vload(lanes);
    VU c0 = vand(c, lo32), c1 = vhi(c), c2 = vset1(0x9E3779B9u), c3 = vset1(0x85EBCA6Bu);
    VU k0 = vset1(uint32_t(seed)), k1 = vset1(uint32_t(seed >> 32));
    const VU dk0 = vset1(0x9E3779B9u), dk1 = vset1(0xBB67AE85u);
    for (int round = 0; round < 10; ++round) {
      const VU p0 = vmul(m0, c0), p1 = vmul(m1, c2);
      c0 = vxor(vxor(vhi(p1), c1), k0);
      c2 = vxor(vxor(vhi(p0), c3), k1);
      c1 = vand(p1, lo32);
      c3 = vand(p0, lo32);
      k0 = vand(vadd(k0, dk0), lo32);
      k1 = vand(vadd(k1, dk1), lo32);
    }
    vstore(w[0] + g, c0);
    vstore(w[1] + g, c1);
    vstore(w[2] + g, c2);
    vstore(w[3] + g, c3);
  }
}
#pragma GCC diagnostic pop
#else
void philox_batch(uint64_t ctr, uint64_t seed, uint64_t (&w)[4][kBatch]) {
  for (int l = 0; l < kBatch; ++l) {
    const Philox4 r = philox4x32(ctr + uint64_t(l), seed);
    for (int j = 0; j < 4; ++j) w[j][l] = r.v[j];
  }
}
#endif

// Uniform floats in [a, b): the hot path of Dropout, batched (bit-identical to `sample`).
template <class T>
void uniform_run(T* out, int64_t n, double a, double b, uint64_t seed, uint64_t offset) {
  const double span = b - a;
  const T top = b > a ? std::nextafter(T(b), T(a)) : T(b);
  parallel_for(0, n, 4096, [&](int64_t s, int64_t e) {
    uint64_t w[4][kBatch];
    for (int64_t i0 = s; i0 < e; i0 += kBatch) {
      philox_batch(offset + uint64_t(i0), seed, w);
      const int m = int(std::min<int64_t>(kBatch, e - i0));
      T v[kBatch];
      for (int l = 0; l < kBatch; ++l) {
        const double u = double((w[0][l] << 21) ^ (w[1][l] >> 11)) * (1.0 / 9007199254740992.0);
        const T x = static_cast<T>(a + span * u);
        // Rounding to float32 can land a draw on maxval; keep the interval half-open.
        v[l] = (x >= T(b) && b > a) ? top : x;
      }
      for (int l = 0; l < m; ++l) out[i0 + l] = v[l];
    }
  });
}

template <class T>
void random_run(T* out, int64_t n, RandomKind kind, double a, double b, uint64_t seed,
                uint64_t offset) {
  if constexpr (std::is_floating_point<T>::value) {
    if (kind == RandomKind::Uniform) return uniform_run(out, n, a, b, seed, offset);
  }
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

void random_kernel(void* out, int64_t n, DType dtype, RandomKind kind, double a, double b,
                   uint64_t seed, uint64_t offset) {
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
