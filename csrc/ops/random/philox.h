// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a
// counter-based generator, four 32-bit outputs per (counter, key). Header-only, usable from CPU
// kernels and CUDA kernels; `static inline` keeps each ISA copy private to its file.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define KN_HOSTDEV __host__ __device__
#else
#define KN_HOSTDEV
#endif

namespace kn {

struct Philox4 {
  uint32_t v[4];
};

static inline KN_HOSTDEV void philox_mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t p = uint64_t(a) * uint64_t(b);
  hi = uint32_t(p >> 32);
  lo = uint32_t(p);
}

// The 4 words for counter value `ctr` (a 64-bit element index) under the 64-bit key `seed`.
static inline KN_HOSTDEV Philox4 philox4x32(uint64_t ctr, uint64_t seed) {
  uint32_t c0 = uint32_t(ctr), c1 = uint32_t(ctr >> 32), c2 = 0x9E3779B9u, c3 = 0x85EBCA6Bu;
  uint32_t k0 = uint32_t(seed), k1 = uint32_t(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    philox_mulhilo(0xD2511F53u, c0, hi0, lo0);
    philox_mulhilo(0xCD9E8D57u, c2, hi1, lo1);
    const uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
    c0 = n0;
    c1 = n1;
    c2 = n2;
    c3 = n3;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return Philox4{{c0, c1, c2, c3}};
}

// Uniform in [0, 1) with 24 (float) or 53 (double) random bits.
static inline KN_HOSTDEV float philox_unit_float(uint32_t w) {
  return float(w >> 8) * (1.0f / 16777216.0f);
}
static inline KN_HOSTDEV double philox_unit_double(uint32_t hi, uint32_t lo) {
  return double((uint64_t(hi) << 21) ^ (lo >> 11)) * (1.0 / 9007199254740992.0);
}

}  // namespace kn
