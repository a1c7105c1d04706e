// Thread count for parallel_for: OMP_NUM_THREADS when set (the convention the peers follow),
// else the number of cores this process may run on.
#include "core/parallel.h"

#include <cstdlib>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/errors.h"

namespace kn {
namespace {
int default_threads() {
#ifdef _OPENMP
  return std::max(1, omp_get_max_threads());
#else
  if (const char* env = std::getenv("OMP_NUM_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0) return n;
  }
  return std::max(1u, std::thread::hardware_concurrency());
#endif
}
int& num_threads_setting() {
  static int n = default_threads();
  return n;
}
}  // namespace

int get_num_threads() { return num_threads_setting(); }

void set_num_threads(int n) {
  KN_CHECK(n >= 1, "set_num_threads: expected a positive number of threads, got ", n);
  num_threads_setting() = n;
}

bool in_parallel_region() { return pool_in_job(); }

int thread_index() { return pool_thread_index(); }

}  // namespace kn
