// parallel_for: the only place kerasnet opens an OpenMP parallel region (one region per
// kernel, never nested). Small ranges (<= grain) run inline on the calling thread.
//
//   parallel_for(0, rows, /*grain=*/64, [&](int64_t r0, int64_t r1) { ... rows [r0, r1) ... });
//
// parallel_for splits the range into one contiguous block per thread. parallel_for_dynamic hands
// out chunks on demand: when another process takes a core away from one of our threads, the
// other threads take over its remaining chunks instead of waiting for it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <exception>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace kn {

int get_num_threads();
void set_num_threads(int n);  // n >= 1
bool in_parallel_region();
// Index of the calling thread inside a parallel_for body (0 outside), for per-thread scratch.
int thread_index();

template <class F>
void parallel_for(int64_t begin, int64_t end, int64_t grain, const F& f) {
  const int64_t n = end - begin;
  if (n <= 0) return;
  grain = std::max<int64_t>(grain, 1);
  const int64_t max_chunks = (n + grain - 1) / grain;
  const int nt = static_cast<int>(std::min<int64_t>(get_num_threads(), max_chunks));
  if (nt <= 1 || in_parallel_region()) {
    f(begin, end);
    return;
  }
#ifdef _OPENMP
  std::exception_ptr error;
#pragma omp parallel num_threads(nt)
  {
    const int t = omp_get_thread_num();
    const int nthreads = omp_get_num_threads();
    const int64_t block = (n + nthreads - 1) / nthreads;
    const int64_t b = begin + t * block;
    const int64_t e = std::min(end, b + block);
    if (b < e) {
      try {
        f(b, e);
      } catch (...) {
#pragma omp critical(kn_parallel_error)
        if (!error) error = std::current_exception();
      }
    }
  }
  if (error) std::rethrow_exception(error);
#else
  f(begin, end);
#endif
}

// Calls f(i0, i1) on chunks of `chunk` indices, handed out first come first served.
template <class F>
void parallel_for_dynamic(int64_t begin, int64_t end, int64_t chunk, const F& f) {
  const int64_t n = end - begin;
  if (n <= 0) return;
  chunk = std::max<int64_t>(chunk, 1);
  const int64_t nchunks = (n + chunk - 1) / chunk;
  const int nt = static_cast<int>(std::min<int64_t>(get_num_threads(), nchunks));
  if (nt <= 1 || in_parallel_region()) {
    f(begin, end);
    return;
  }
#ifdef _OPENMP
  std::exception_ptr error;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
  for (int64_t c = 0; c < nchunks; ++c) {
    const int64_t b = begin + c * chunk;
    try {
      f(b, std::min(end, b + chunk));
    } catch (...) {
#pragma omp critical(kn_parallel_error)
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
#else
  f(begin, end);
#endif
}

}  // namespace kn
