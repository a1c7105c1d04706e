// The machine's measured fp32 FMA peak (GFLOP/s), the reference for "% of peak": many
// independent FMA chains per thread, AVX-512 or AVX2 chosen like the kernels.
#include "peak.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace kn_bench {
namespace {

#if defined(__x86_64__)
// 24 (AVX-512) / 12 (AVX2) independent chains in named registers: enough to cover the FMA
// latency on both ports, with nothing that could spill.
#define KN_CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
__attribute__((target("avx512f,fma"))) double fma_loop_avx512(long iters) {
  const __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
#define KN_DECL(i) \
  __m512 a##i = _mm512_set1_ps(1.0f + 0.01f * i), b##i = _mm512_set1_ps(3.0f + 0.01f * i);
  KN_CHAINS(KN_DECL)
#undef KN_DECL
  for (long it = 0; it < iters; ++it) {
#define KN_STEP(i)                    \
  a##i = _mm512_fmadd_ps(a##i, m, c); \
  b##i = _mm512_fmadd_ps(b##i, m, c);
    KN_CHAINS(KN_STEP)
#undef KN_STEP
    __asm__ volatile("" ::: "memory");
  }
  __m512 sum = _mm512_setzero_ps();
#define KN_SUM(i) sum = _mm512_add_ps(sum, _mm512_add_ps(a##i, b##i));
  KN_CHAINS(KN_SUM)
#undef KN_SUM
  return _mm512_reduce_add_ps(sum);
}

__attribute__((target("avx2,fma"))) double fma_loop_avx2(long iters) {
  const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
#define KN_DECL(i) __m256 a##i = _mm256_set1_ps(1.0f + 0.01f * i);
  KN_CHAINS(KN_DECL)
#undef KN_DECL
  for (long it = 0; it < iters; ++it) {
#define KN_STEP(i) a##i = _mm256_fmadd_ps(a##i, m, c);
    KN_CHAINS(KN_STEP)
#undef KN_STEP
    __asm__ volatile("" ::: "memory");
  }
  __m256 sum = _mm256_setzero_ps();
#define KN_SUM(i) sum = _mm256_add_ps(sum, a##i);
  KN_CHAINS(KN_SUM)
#undef KN_SUM
  alignas(32) float t[8];
  _mm256_store_ps(t, sum);
  float out = 0;
  for (float v : t) out += v;
  return out;
}
#undef KN_CHAINS
#endif

}  // namespace

double measure_fma_peak_gflops(int threads, bool avx512) {
#if defined(__x86_64__)
  const long iters = 20000000;
  const double flops_per_iter = avx512 ? 24.0 * 16 * 2 : 12.0 * 8 * 2;
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    std::atomic<double> sink{0};
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&] {
        const double v = avx512 ? fma_loop_avx512(iters) : fma_loop_avx2(iters);
        double cur = sink.load();
        while (!sink.compare_exchange_weak(cur, cur + v)) {
        }
      });
    }
    for (auto& t : ts) t.join();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, threads * iters * flops_per_iter / s / 1e9);
  }
  return best;
#else
  (void)threads;
  (void)avx512;
  return 0;
#endif
}

}  // namespace kn_bench
