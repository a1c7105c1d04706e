// Global seed and counter offset (see random.h).
#include "core/random.h"

#include <chrono>
#include <mutex>

namespace kn {
namespace {
std::mutex mu;
RandomState& state() {
  // Unseeded processes start from the clock, like Keras' unseeded generators.
  static RandomState s{
      static_cast<uint64_t>(std::chrono::high_resolution_clock::now().time_since_epoch().count()),
      0};
  return s;
}
}  // namespace

void set_global_seed(uint64_t seed) {
  std::lock_guard<std::mutex> lock(mu);
  state() = RandomState{seed, 0};
}

uint64_t global_seed() {
  std::lock_guard<std::mutex> lock(mu);
  return state().seed;
}

RandomState reserve_global_counters(uint64_t count) {
  std::lock_guard<std::mutex> lock(mu);
  RandomState r = state();
  state().offset += count;
  return r;
}

}  // namespace kn
