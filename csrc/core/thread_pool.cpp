// The work-claiming thread pool (see Note [Work claiming] in thread_pool.h).
#include "core/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define KN_PAUSE() _mm_pause()
#else
#define KN_PAUSE() std::this_thread::yield()
#endif

namespace kn {
namespace {

thread_local int t_index = 0;
thread_local bool t_in_job = false;

constexpr int kSpinBeforeSleep = 20000;  // pause instructions: a few tens of microseconds
// The "next chunk" half of the state word while the caller writes a new job's fields: no chunk
// can be claimed, and any claim prepared against the previous generation fails its CAS.
constexpr uint64_t kLocked = 0xffffffffu;

// Note [Contention fallback]
// When another process keeps a core busy, a worker can be descheduled while it holds a chunk, and
// the caller then waits a whole scheduler time slice (milliseconds) for it: a job split over 2
// threads becomes slower than on 1. The caller notices (it waited for the workers longer than it
// worked itself) and runs the jobs of the next backoff period inline, then tries the workers
// again. Each stall doubles the period (50 ms up to 1.6 s) and each job that runs without one
// halves it, so that a lasting contention costs one stall per 1.6 s rather than one per 50 ms
// (2-thread SGEMM 512 was 4-5% slower than 1 thread with the fixed 50 ms).
constexpr int64_t kMinBackoffNs = 50'000'000, kMaxBackoffNs = 1'600'000'000;
constexpr std::chrono::nanoseconds kMinStall = std::chrono::microseconds(200);

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class Pool {
 public:
  void run(int64_t nchunks, int nthreads, ChunkFn fn, void* ctx) {
    std::unique_lock<std::mutex> busy(run_mu_, std::try_to_lock);
    if (!busy.owns_lock() || t_in_job || nthreads <= 1 || nchunks <= 1) {
      run_inline(nchunks, fn, ctx);
      return;
    }
    const int64_t t_start = now_ns();
    if (t_start < inline_until_ns_) {  // Note [Contention fallback]
      busy.unlock();
      run_inline(nchunks, fn, ctx);
      return;
    }
    ensure_workers(nthreads - 1);
    // Note [Publishing a job]: a worker that read the previous generation's state may still be
    // about to claim from it. Lock the state under the new generation first, so that its CAS
    // fails, and only then overwrite the job fields it reads (release/acquire on nchunks_
    // orders the lock before any worker sees the new count).
    const uint64_t gen = (state_.load(std::memory_order_relaxed) >> 32) + 1;
    state_.store((gen << 32) | kLocked, std::memory_order_release);
    fn_ = fn;
    ctx_ = ctx;
    active_limit_.store(nthreads - 1, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    error_ = nullptr;
    nchunks_.store(nchunks, std::memory_order_release);
    state_.store(gen << 32, std::memory_order_release);  // publish: generation gen, next chunk 0
    if (sleepers_.load(std::memory_order_acquire) > 0) {
      std::lock_guard<std::mutex> lock(sleep_mu_);
      cv_.notify_all();
    }
    t_in_job = true;
    work(gen);
    // Wait for chunks claimed by workers (never for workers that claimed nothing).
    const int64_t t_worked = now_ns();
    int spins = 0;
    while (done_.load(std::memory_order_acquire) < nchunks) {
      if (++spins < kSpinBeforeSleep) KN_PAUSE();
      else std::this_thread::yield();
    }
    t_in_job = false;
    const int64_t t_done = spins > 0 ? now_ns() : t_worked, waited = t_done - t_worked;
    if (waited > kMinStall.count() && waited > t_worked - t_start) {
      inline_until_ns_ = t_done + backoff_ns_;
      backoff_ns_ = std::min(backoff_ns_ * 2, kMaxBackoffNs);
    } else if (backoff_ns_ > kMinBackoffNs) {
      backoff_ns_ = std::max(backoff_ns_ / 2, kMinBackoffNs);
    }
    if (error_) std::rethrow_exception(error_);
  }

  ~Pool() {
    stop_.store(true);
    {
      std::lock_guard<std::mutex> lock(sleep_mu_);
      cv_.notify_all();
    }
    for (auto& t : workers_) t.join();
  }

 private:
  static void run_inline(int64_t nchunks, ChunkFn fn, void* ctx) {
    for (int64_t c = 0; c < nchunks; ++c) fn(ctx, c);
  }

  // Claims and runs chunks of generation `gen` until none are left.
  void work(uint64_t gen) {
    for (int locked_spins = 0;;) {
      uint64_t s = state_.load(std::memory_order_acquire);
      if ((s >> 32) != gen) return;
      if ((s & kLocked) == kLocked) {  // the caller is still writing this job
        if (++locked_spins < 1000) KN_PAUSE();
        else std::this_thread::yield();  // the caller lost its core: let it have ours
        continue;
      }
      const int64_t next = int64_t(s & kLocked);
      if (next >= nchunks_.load(std::memory_order_acquire)) return;
      if (!state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel)) continue;
      try {
        fn_(ctx_, next);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mu_);
        if (!error_) error_ = std::current_exception();
      }
      done_.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  void ensure_workers(int n) {
    while (int(workers_.size()) < n) {
      const int index = int(workers_.size()) + 1;
      workers_.emplace_back([this, index] { worker_loop(index); });
    }
  }

  void worker_loop(int index) {
    t_index = index;
    uint64_t seen = 0;
    for (;;) {
      // Wait for a new generation: spin, then sleep.
      uint64_t gen = 0;
      for (int spin = 0;; ++spin) {
        if (stop_.load(std::memory_order_relaxed)) return;
        gen = state_.load(std::memory_order_acquire) >> 32;
        if (gen != seen) break;
        if (spin < kSpinBeforeSleep) {
          KN_PAUSE();
          continue;
        }
        std::unique_lock<std::mutex> lock(sleep_mu_);
        sleepers_.fetch_add(1, std::memory_order_acq_rel);
        cv_.wait(lock, [&] {
          return stop_.load() || (state_.load(std::memory_order_acquire) >> 32) != seen;
        });
        sleepers_.fetch_sub(1, std::memory_order_acq_rel);
        spin = 0;
      }
      seen = gen;
      if (index > active_limit_.load(std::memory_order_relaxed))
        continue;  // this job asked for fewer threads
      t_in_job = true;
      work(gen);
      t_in_job = false;
    }
  }

  std::mutex run_mu_;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> state_{0};
  std::atomic<int64_t> done_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stop_{false};
  std::mutex sleep_mu_;
  std::condition_variable cv_;
  std::mutex error_mu_;
  std::exception_ptr error_;
  ChunkFn fn_ = nullptr;
  void* ctx_ = nullptr;
  std::atomic<int64_t> nchunks_{0};
  int64_t inline_until_ns_ = 0;         // guarded by run_mu_
  int64_t backoff_ns_ = kMinBackoffNs;  // guarded by run_mu_
  std::atomic<int> active_limit_{0};
};

Pool& pool() {
  // Leaked on purpose: worker threads must not be joined during static destruction, when
  // Python may still be tearing down objects that hold tensors.
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

void pool_run(int64_t nchunks, int nthreads, ChunkFn fn, void* ctx) {
  if (nchunks >= int64_t(kLocked)) {  // more chunks than the state word counts: run in batches
    struct Batch {
      ChunkFn fn;
      void* ctx;
      int64_t offset;
      static void run(void* b, int64_t c) {
        auto* batch = static_cast<Batch*>(b);
        batch->fn(batch->ctx, batch->offset + c);
      }
    };
    const int64_t step = int64_t(1) << 30;
    for (int64_t offset = 0; offset < nchunks; offset += step) {
      Batch batch{fn, ctx, offset};
      pool().run(std::min(step, nchunks - offset), nthreads, &Batch::run, &batch);
    }
    return;
  }
  pool().run(nchunks, nthreads, fn, ctx);
}
int pool_thread_index() { return t_index; }
bool pool_in_job() { return t_in_job; }

}  // namespace kn
