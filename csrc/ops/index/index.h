// Gather and scatter: take (along an axis or flattened), take_along_axis, their scatter-add
// gradients, one_hot, nonzero. Indices are int64 inside the engine (cast on entry); negative
// indices count from the end; an out-of-range index raises IndexError naming it.
//
// Geometry: x is dense [outer, n, inner] (n along the axis), indices have m entries (take) or are
// dense [outer, m, inner] (along-axis variants); the result is dense [outer, m, inner].
#pragma once

#include <optional>

#include "core/tensor.h"

namespace kn {

// Each gather/scatter kernel returns the flat position of the first invalid index, or -1.
using GatherKernelFn = int64_t (*)(const void* src, const int64_t* idx, void* dst, int64_t outer,
                                   int64_t n, int64_t m, int64_t inner, DType dtype);
// dst [outer, n, inner] (zero-filled by the caller) += src [outer, m, inner] at the indices.
using ScatterKernelFn = int64_t (*)(const void* src, const int64_t* idx, void* dst, int64_t outer,
                                    int64_t n, int64_t m, int64_t inner, DType dtype);
using OneHotKernelFn = void (*)(const int64_t* idx, void* out, int64_t outer, int64_t depth,
                                int64_t inner, DType dtype);
// Writes the multi-index of each non-zero element into out [count, ndim] (or only counts when
// out is null); returns the count.
using NonzeroKernelFn = int64_t (*)(const void* x, const Shape& shape, DType dtype, int64_t* out);

namespace ops {

Tensor take(const Tensor& x, const Tensor& indices, std::optional<int64_t> axis = std::nullopt);
Tensor take_along_axis(const Tensor& x, const Tensor& indices, int64_t axis);
// zeros(shape) with updates added at indices along axis: the gradient of take.
Tensor scatter_add(const Shape& shape, const Tensor& indices, const Tensor& updates, int64_t axis);
Tensor scatter_add_along_axis(const Shape& shape, const Tensor& indices, const Tensor& updates,
                              int64_t axis);
Tensor one_hot(const Tensor& indices, int64_t num_classes, int64_t axis, DType dtype);
// int64 [count, ndim]: the coordinates of the non-zero elements, in row-major order.
Tensor nonzero(const Tensor& x);

}  // namespace ops
}  // namespace kn
