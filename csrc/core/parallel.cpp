// Thread count for parallel_for. Defaults to OpenMP's (OMP_NUM_THREADS or the core count).
#include "core/parallel.h"

#include "core/errors.h"

namespace kn {
namespace {
int& num_threads_setting() {
#ifdef _OPENMP
  static int n = omp_get_max_threads();
#else
  static int n = 1;
#endif
  return n;
}
}  // namespace

int get_num_threads() { return num_threads_setting(); }

void set_num_threads(int n) {
  KN_CHECK(n >= 1, "set_num_threads: expected a positive number of threads, got ", n);
  num_threads_setting() = n;
}

int thread_index() {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

bool in_parallel_region() {
#ifdef _OPENMP
  return omp_in_parallel();
#else
  return false;
#endif
}

}  // namespace kn
