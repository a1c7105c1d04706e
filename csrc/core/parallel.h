// parallel_for: how every kernel runs on several threads. Small ranges (<= grain) run inline on
// the calling thread; larger ones are cut into chunks run by the work-claiming thread pool
// (csrc/core/thread_pool.h), never nested.
//
//   parallel_for(0, rows, /*grain=*/64, [&](int64_t r0, int64_t r1) { ... rows [r0, r1) ... });
//
// parallel_for makes a few chunks per thread, so a thread that another process slows down
// leaves its share to the others; parallel_for_dynamic takes the chunk size from the caller.
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/thread_pool.h"

namespace kn {

int get_num_threads();
void set_num_threads(int n);  // n >= 1
bool in_parallel_region();
// Index of the calling thread inside a parallel_for body (0 outside), for per-thread scratch.
// Indices are below get_num_threads().
int thread_index();

namespace detail {
template <class F>
struct ChunkJob {
  const F* f;
  int64_t begin, end, chunk;
  static void run(void* ctx, int64_t c) {
    auto* job = static_cast<ChunkJob*>(ctx);
    const int64_t b = job->begin + c * job->chunk;
    (*job->f)(b, std::min(job->end, b + job->chunk));
  }
};
}  // namespace detail

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
  detail::ChunkJob<F> job{&f, begin, end, chunk};
  pool_run(nchunks, nt, &detail::ChunkJob<F>::run, &job);
}

template <class F>
void parallel_for(int64_t begin, int64_t end, int64_t grain, const F& f) {
  const int64_t n = end - begin;
  if (n <= 0) return;
  grain = std::max<int64_t>(grain, 1);
  const int nthreads = get_num_threads();
  if (n <= grain || nthreads <= 1 || in_parallel_region()) {
    f(begin, end);
    return;
  }
  // About four chunks per thread, none smaller than the grain.
  const int64_t max_chunks = (n + grain - 1) / grain;
  const int64_t nchunks = std::min<int64_t>(max_chunks, 4 * int64_t(nthreads));
  parallel_for_dynamic(begin, end, (n + nchunks - 1) / nchunks, f);
}

}  // namespace kn
