// Random ops (Keras' keras.random): normal, uniform, truncated_normal (redraws beyond two standard
// deviations, realised by inverse CDF on the truncated range), randint. Element i of a call is
// a pure function of (seed, offset + i), see core/random.h.
#pragma once

#include "core/tensor.h"

namespace kn {

enum class RandomKind { Normal, Uniform, TruncatedNormal, Randint };

// out[i] = a + b * sample_i for normal/truncated_normal (a = mean, b = stddev), a + (b - a) u for
// uniform (a = minval, b = maxval), an integer in [a, b) for randint.
using RandomKernelFn = void (*)(void* out, int64_t n, DType dtype, RandomKind kind, double a,
                                double b, uint64_t seed, uint64_t offset);

namespace ops {

Tensor normal(const Shape& shape, double mean, double stddev, DType dtype, uint64_t seed,
              uint64_t offset, Device device = Device{});
Tensor uniform(const Shape& shape, double minval, double maxval, DType dtype, uint64_t seed,
               uint64_t offset, Device device = Device{});
Tensor truncated_normal(const Shape& shape, double mean, double stddev, DType dtype, uint64_t seed,
                        uint64_t offset, Device device = Device{});
Tensor randint(const Shape& shape, int64_t minval, int64_t maxval, DType dtype, uint64_t seed,
               uint64_t offset, Device device = Device{});

}  // namespace ops
}  // namespace kn
