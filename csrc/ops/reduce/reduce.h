// Reductions over any set of axes (sum, prod, max, min, any, all; mean, var, std and logsumexp
// composed from them), argmax/argmin over one axis, cumulative sum/product along one axis.
//
// Geometry: the definition files bring every reduction to a dense [outer, r, inner] block (r
// reduced, outer/inner kept), copying through a transpose only when the reduced axes are not
// one contiguous run. Kernels see raw pointers and these three sizes.
#pragma once

#include <optional>

#include "core/tensor.h"
#include "ops/op_table.h"

namespace kn {

// out[o, i] = reduce_j in[o, j, i]; r >= 1.
using ReduceKernelFn = void (*)(const void* in, void* out, int64_t outer, int64_t r, int64_t inner,
                                DType dtype);
// out[o, i] = index j of the max (argmax) / min (argmin) of in[o, j, i]; the first NaN wins.
using ArgReduceKernelFn = void (*)(const void* in, int32_t* out, int64_t outer, int64_t r,
                                   int64_t inner, DType dtype);
// out[o, j, i] = in[o, 0, i] (+ or *) ... (+ or *) in[o, j, i].
using CumulativeKernelFn = void (*)(const void* in, void* out, int64_t outer, int64_t r,
                                    int64_t inner, DType dtype);

// The tape attributes of sum, prod, max and min: the output shape with the reduced axes kept as
// size 1 (the shape the gradient is reshaped to before broadcasting back).
struct ReduceAttrs {
  Dims keep_shape;
};

namespace ops {

using Axes = std::optional<Dims>;  // nullopt: every axis

Tensor sum(const Tensor& x, const Axes& axes = std::nullopt, bool keepdims = false);
Tensor prod(const Tensor& x, const Axes& axes = std::nullopt, bool keepdims = false);
Tensor max(const Tensor& x, const Axes& axes = std::nullopt, bool keepdims = false);
Tensor min(const Tensor& x, const Axes& axes = std::nullopt, bool keepdims = false);
Tensor any(const Tensor& x, const Axes& axes = std::nullopt, bool keepdims = false);
Tensor all(const Tensor& x, const Axes& axes = std::nullopt, bool keepdims = false);
Tensor mean(const Tensor& x, const Axes& axes = std::nullopt, bool keepdims = false);
Tensor var(const Tensor& x, const Axes& axes = std::nullopt, bool keepdims = false);
// `std` would hide namespace std inside kn::ops, so the C++ name has a trailing underscore.
Tensor std_(const Tensor& x, const Axes& axes = std::nullopt, bool keepdims = false);
Tensor logsumexp(const Tensor& x, const Axes& axes = std::nullopt, bool keepdims = false);
Tensor argmax(const Tensor& x, std::optional<int64_t> axis = std::nullopt, bool keepdims = false);
Tensor argmin(const Tensor& x, std::optional<int64_t> axis = std::nullopt, bool keepdims = false);
Tensor cumsum(const Tensor& x, std::optional<int64_t> axis = std::nullopt);
Tensor cumprod(const Tensor& x, std::optional<int64_t> axis = std::nullopt);

// Sums a gradient of a broadcast result back to `shape` (leading axes and axes of size 1).
Tensor sum_to_shape(const Tensor& g, const Shape& shape);

}  // namespace ops

// Normalises axes against rank `ndim` (negative axes, duplicates), sorted. Throws ValueError
// naming the op and the shape.
Dims normalize_axes(const char* op, const Dims& axes, const Shape& shape);
int64_t normalize_axis(const char* op, int64_t axis, const Shape& shape);

}  // namespace kn
