// Creation ops: tensors filled with a value, sequences, identity matrices.
#pragma once

#include "core/tensor.h"

namespace kn {

using FillKernelFn = void (*)(void* data, int64_t n, DType dtype, double value);
// out[i] = start + i * step, with out[n-1] = last when `set_last` (linspace's exact endpoint).
using SequenceKernelFn = void (*)(void* data, int64_t n, DType dtype, double start, double step,
                                  bool set_last, double last);
using EyeKernelFn = void (*)(void* data, int64_t rows, int64_t cols, int64_t k, DType dtype);

namespace ops {

Tensor full(const Shape& shape, double value, DType dtype, Device device = Device{});
Tensor zeros(const Shape& shape, DType dtype, Device device = Device{});
Tensor ones(const Shape& shape, DType dtype, Device device = Device{});
Tensor zeros_like(const Tensor& x);
Tensor ones_like(const Tensor& x);
Tensor full_like(const Tensor& x, double value);
// A 0-d tensor holding `value` with x's dtype and device (for scalar operands).
Tensor scalar_like(double value, const Tensor& x);
Tensor arange(double start, double stop, double step, DType dtype, Device device = Device{});
Tensor linspace(double start, double stop, int64_t num, bool endpoint, DType dtype,
                Device device = Device{});
Tensor eye(int64_t rows, int64_t cols, int64_t k, DType dtype, Device device = Device{});

}  // namespace ops
}  // namespace kn
