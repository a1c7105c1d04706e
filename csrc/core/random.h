// The global random stream. Random ops are counter-based (Philox4x32-10, csrc/ops/random/philox.h):
// element i of a call with (seed, offset) is a pure function of (seed, offset + i), so results do
// not depend on the thread count. A call without an explicit seed takes the global seed and the
// current global offset, then advances the offset past the numbers it used.
#pragma once

#include <cstdint>

namespace kn {

struct RandomState {
  uint64_t seed;
  uint64_t offset;
};

void set_global_seed(uint64_t seed);  // also resets the offset
uint64_t global_seed();
// Returns (seed, offset) for a call consuming `count` counters and advances the offset.
RandomState reserve_global_counters(uint64_t count);

}  // namespace kn
