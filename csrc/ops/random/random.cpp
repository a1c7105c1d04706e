// Random ops: argument checks and dispatch (not differentiable).
#include "ops/random/random.h"

#include "core/errors.h"
#include "ops/dispatch.h"

namespace kn {
namespace ops {
namespace {

Tensor generate(OpId op, RandomKind kind, const Shape& shape, double a, double b, DType dtype,
                uint64_t seed, uint64_t offset, Device device) {
  Tensor out = Tensor::empty(shape, dtype, device);
  if (out.numel() > 0)
    run_kernel<RandomKernelFn>(op, device, out.raw_data(), out.numel(), dtype, kind, a, b, seed,
                               offset);
  return out;
}

}  // namespace

Tensor normal(const Shape& shape, double mean, double stddev, DType dtype, uint64_t seed,
              uint64_t offset, Device device) {
  KN_CHECK_TYPE(is_floating(dtype), "normal: dtype must be a float type, got ", dtype_name(dtype));
  return generate(OpId::normal, RandomKind::Normal, shape, mean, stddev, dtype, seed, offset,
                  device);
}

Tensor uniform(const Shape& shape, double minval, double maxval, DType dtype, uint64_t seed,
               uint64_t offset, Device device) {
  KN_CHECK_TYPE(is_floating(dtype), "uniform: dtype must be a float type, got ", dtype_name(dtype));
  return generate(OpId::uniform, RandomKind::Uniform, shape, minval, maxval, dtype, seed, offset,
                  device);
}

Tensor truncated_normal(const Shape& shape, double mean, double stddev, DType dtype, uint64_t seed,
                        uint64_t offset, Device device) {
  KN_CHECK_TYPE(is_floating(dtype), "truncated_normal: dtype must be a float type, got ",
                dtype_name(dtype));
  return generate(OpId::truncated_normal, RandomKind::TruncatedNormal, shape, mean, stddev, dtype,
                  seed, offset, device);
}

Tensor randint(const Shape& shape, int64_t minval, int64_t maxval, DType dtype, uint64_t seed,
               uint64_t offset, Device device) {
  KN_CHECK_TYPE(is_integral(dtype), "randint: dtype must be an integer type, got ",
                dtype_name(dtype));
  KN_CHECK(maxval > minval, "randint: expected minval < maxval, got minval=", minval,
           ", maxval=", maxval);
  return generate(OpId::randint, RandomKind::Randint, shape, double(minval), double(maxval), dtype,
                  seed, offset, device);
}

}  // namespace ops
}  // namespace kn
