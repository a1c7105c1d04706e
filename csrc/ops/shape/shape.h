// Shape ops. Views (reshape of dense input, transpose, broadcast_to, flip, slice) share storage;
// copy, concatenate, slice_scatter and pad have kernels; the rest are composed of these.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "core/tensor.h"
#include "core/tensor_iter.h"
#include "ops/op_table.h"

namespace kn {

enum class PadMode { Constant, Reflect, Symmetric };

using CopyKernelFn = void (*)(const TensorIter& it, DType dtype);
// Concatenation of dense inputs along an axis: output rows of `dst_row_bytes`, input k
// contributing `row_bytes[k]` bytes per row; `outer` rows.
using ConcatKernelFn = void (*)(const char* const* srcs, const int64_t* row_bytes, int n, char* dst,
                                int64_t outer, int64_t dst_row_bytes);
// Pad a dense input of `in_shape` into a dense output; pads[2*d], pads[2*d+1] = before, after.
using PadKernelFn = void (*)(const void* in, void* out, const Shape& in_shape, const Dims& pads,
                             PadMode mode, double value, DType dtype);

// Tape attributes. transpose: the permutation; flip: the normalised axes; slice and slice_scatter:
// per-axis start and step (the stop follows from the shapes); pad: (before, after) per axis,
// flattened, and the mode.
struct TransposeAttrs {
  Dims perm;
};
struct FlipAttrs {
  Dims axes;
};
struct SliceAttrs {
  Dims starts, steps;
};
struct PadAttrs {
  Dims pads;
  PadMode mode = PadMode::Constant;
};

namespace ops {

Tensor copy(const Tensor& x);
Tensor contiguous(const Tensor& x);
Tensor reshape(const Tensor& x, const Dims& shape);  // one entry may be -1
Tensor transpose(const Tensor& x, const std::optional<Dims>& perm = std::nullopt);
Tensor moveaxis(const Tensor& x, const Dims& source, const Dims& destination);
Tensor expand_dims(const Tensor& x, const Dims& axes);
Tensor squeeze(const Tensor& x, const std::optional<Dims>& axes = std::nullopt);
Tensor broadcast_to(const Tensor& x, const Shape& shape);
Tensor flip(const Tensor& x, const std::optional<Dims>& axes = std::nullopt);
// Basic slicing of every axis; (start, stop, step) as normalised by Python's slice.indices().
Tensor slice(const Tensor& x, const Dims& starts, const Dims& stops, const Dims& steps);
// zeros(shape) with slice(out, starts, ., steps) = g: the gradient of slice.
Tensor slice_scatter(const Tensor& g, const Shape& shape, const Dims& starts, const Dims& steps);
Tensor concatenate(const TensorList& xs, int64_t axis);
Tensor stack(const TensorList& xs, int64_t axis);
// sections > 0: that many equal parts; else split before each index of `indices`.
TensorList split(const Tensor& x, int64_t sections, const Dims& indices, int64_t axis);
Tensor tile(const Tensor& x, const Dims& reps);
Tensor repeat(const Tensor& x, int64_t repeats, std::optional<int64_t> axis);
Tensor pad(const Tensor& x, const std::vector<std::pair<int64_t, int64_t>>& pads, PadMode mode,
           double value = 0.0);
// An alias of x that no tape connects to x.
Tensor stop_gradient(const Tensor& x);

}  // namespace ops
}  // namespace kn
