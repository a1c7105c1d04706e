// copy (dense copy of any view) and the ops that write through it: slice_scatter, concatenate;
// and the composites stack, split, tile, repeat.
#include <algorithm>

#include "core/errors.h"
#include "ops/creation/creation.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/record.h"
#include "ops/reduce/reduce.h"
#include "ops/shape/shape.h"

namespace kn {
namespace ops {
namespace {

// Copies src into dst (same shape; dst may be a strided view).
void copy_into(const Tensor& dst, const Tensor& src, OpId op) {
  if (dst.numel() == 0) return;
  const TensorIter it = TensorIter::make(dst.shape(), {&dst, &src});
  run_kernel<CopyKernelFn>(op, dst.device(), it, dst.dtype());
}

TensorList copy_backward(const Node&, const GradContext& ctx) { return {ctx.grad()}; }

TensorList slice_scatter_backward(const Node& n, const SliceAttrs& a, const GradContext& ctx) {
  const Shape& gshape = n.input_shapes[0];
  Dims stops(gshape.size());
  for (size_t i = 0; i < gshape.size(); ++i) stops[i] = a.starts[i] + gshape[i] * a.steps[i];
  // A stop past the end in a negative step is -1 - ... : clamp to what slice accepts.
  for (size_t i = 0; i < gshape.size(); ++i)
    if (a.steps[i] < 0 && stops[i] < -1) stops[i] = -1;
  return {slice(ctx.grad(), a.starts, stops, a.steps)};
}

TensorList concatenate_backward(const Node& n, const AxisAttrs& a, const GradContext& ctx) {
  const int64_t axis = a.axis;
  const Tensor& g = ctx.grad();
  TensorList out;
  int64_t start = 0;
  for (size_t k = 0; k < n.input_shapes.size(); ++k) {
    const int64_t len = n.input_shapes[k][axis];
    if (ctx.needs(int(k))) {
      Dims starts(g.ndim(), 0), stops = g.shape(), steps(g.ndim(), 1);
      starts[axis] = start;
      stops[axis] = start + len;
      out.push_back(slice(g, starts, stops, steps));
    } else {
      out.push_back(Tensor());
    }
    start += len;
  }
  return out;
}

}  // namespace

Tensor copy(const Tensor& x) {
  const Device dev = common_device(OpId::copy, {&x});
  Tensor out = Tensor::empty(x.shape(), x.dtype(), dev);
  copy_into(out, x, OpId::copy);
  if (is_floating(x.dtype())) autograd::maybe_record(OpId::copy, {x}, out, {});
  return out;
}

Tensor contiguous(const Tensor& x) { return x.is_contiguous() ? x : copy(x); }

Tensor slice_scatter(const Tensor& g, const Shape& shape, const Dims& starts, const Dims& steps) {
  const Device dev = common_device(OpId::slice_scatter, {&g});
  Tensor out = zeros(shape, g.dtype(), dev);
  Dims stops(shape.size());
  for (size_t i = 0; i < shape.size(); ++i) {
    stops[i] = starts[i] + g.shape()[i] * steps[i];
    if (steps[i] < 0 && stops[i] < -1) stops[i] = -1;
  }
  Tensor region;
  {
    autograd::PauseRecording pause;
    region = slice(out, starts, stops, steps);
  }
  KN_CHECK(region.shape() == g.shape(), "slice_scatter: gradient of shape ", g.shape(),
           " does not fit the slice of shape ", region.shape());
  copy_into(region, g, OpId::slice_scatter);
  out.bump_version();
  if (is_floating(g.dtype()) && autograd::any_tape_recording()) {
    autograd::record(OpId::slice_scatter, {g}, {out}, {}, SliceAttrs{starts, steps});
  }
  return out;
}

Tensor concatenate(const TensorList& xs, int64_t axis_arg) {
  KN_CHECK(!xs.empty(), "concatenate: expected a non-empty list of tensors");
  const Tensor& first = xs[0];
  for (const Tensor& t : xs) common_device(OpId::concatenate, {&first, &t});
  KN_CHECK(first.ndim() > 0, "concatenate: zero-dimensional tensors cannot be concatenated");
  const int64_t axis = normalize_axis("concatenate", axis_arg, first.shape());
  DType dtype = first.dtype();
  for (const Tensor& t : xs) dtype = promote_types(dtype, t.dtype());
  Shape shape = first.shape();
  shape[axis] = 0;
  for (const Tensor& t : xs) {
    KN_CHECK(t.ndim() == first.ndim(),
             "concatenate: all inputs must have the same rank, got shapes ", first.shape(), " and ",
             t.shape());
    for (int i = 0; i < first.ndim(); ++i) {
      KN_CHECK(i == axis || t.shape()[i] == first.shape()[i], "concatenate: shapes ", first.shape(),
               " and ", t.shape(), " differ outside the concatenation axis ", axis);
    }
    shape[axis] += t.shape()[axis];
  }
  const Device dev = first.device();
  Tensor out = Tensor::empty(shape, dtype, dev);
  TensorList dense;
  for (const Tensor& t : xs) dense.push_back(contiguous(cast(t, dtype)));
  if (out.numel() > 0) {
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < first.ndim(); ++i) {
      if (i < axis) outer *= shape[i];
      else if (i > axis) inner *= shape[i];
    }
    const int64_t isz = int64_t(dtype_size(dtype));
    std::vector<const char*> srcs;
    std::vector<int64_t> row_bytes;
    for (const Tensor& t : dense) {
      srcs.push_back(static_cast<const char*>(t.raw_data()));
      row_bytes.push_back(t.shape()[axis] * inner * isz);
    }
    run_kernel<ConcatKernelFn>(OpId::concatenate, dev, srcs.data(), row_bytes.data(),
                               int(dense.size()), static_cast<char*>(out.raw_data()), outer,
                               shape[axis] * inner * isz);
  }
  if (autograd::any_tape_recording() && is_floating(dtype)) {
    autograd::record(OpId::concatenate, dense, {out}, {}, AxisAttrs{axis});
  }
  return out;
}

Tensor stack(const TensorList& xs, int64_t axis) {
  KN_CHECK(!xs.empty(), "stack: expected a non-empty list of tensors");
  TensorList expanded;
  for (const Tensor& t : xs) {
    KN_CHECK(t.shape() == xs[0].shape(), "stack: all inputs must have the same shape, got ",
             xs[0].shape(), " and ", t.shape());
    expanded.push_back(expand_dims(t, Dims{axis}));
  }
  return concatenate(expanded, axis);
}

TensorList split(const Tensor& x, int64_t sections, const Dims& indices, int64_t axis_arg) {
  KN_CHECK(x.ndim() > 0, "split: cannot split a zero-dimensional tensor");
  const int64_t axis = normalize_axis("split", axis_arg, x.shape());
  const int64_t n = x.shape()[axis];
  Dims bounds;
  if (sections > 0) {
    KN_CHECK(n % sections == 0, "split: a dimension of size ", n, " (axis ", axis, " of shape ",
             x.shape(), ") does not split into ", sections, " equal sections");
    for (int64_t k = 1; k < sections; ++k) bounds.push_back(k * (n / sections));
  } else {
    for (int64_t b : indices)
      bounds.push_back(std::min(std::max<int64_t>(b < 0 ? b + n : b, 0), n));
  }
  TensorList out;
  int64_t start = 0;
  bounds.push_back(n);
  for (int64_t stop : bounds) {
    Dims starts(x.ndim(), 0), stops = x.shape(), steps(x.ndim(), 1);
    starts[axis] = std::min(start, n);
    stops[axis] = std::max(stop, starts[axis]);
    out.push_back(slice(x, starts, stops, steps));
    start = stop;
  }
  return out;
}

// tile: interleave size-1 axes, broadcast them to the repetitions, merge (one copy).
Tensor tile(const Tensor& x, const Dims& reps_arg) {
  for (int64_t r : reps_arg)
    KN_CHECK(r >= 0, "tile: repetitions must be non-negative, got ", reps_arg);
  const int nd = std::max<int>(x.ndim(), int(reps_arg.size()));
  Dims reps(nd, 1);
  for (size_t i = 0; i < reps_arg.size(); ++i) reps[nd - reps_arg.size() + i] = reps_arg[i];
  Shape xs(nd, 1);
  for (int i = 0; i < x.ndim(); ++i) xs[nd - x.ndim() + i] = x.shape()[i];
  Shape inter, target, result;
  for (int i = 0; i < nd; ++i) {
    inter.push_back(1);
    inter.push_back(xs[i]);
    target.push_back(reps[i]);
    target.push_back(xs[i]);
    result.push_back(reps[i] * xs[i]);
  }
  return reshape(contiguous(broadcast_to(reshape(x, inter), target)), result);
}

Tensor repeat(const Tensor& x_in, int64_t repeats, std::optional<int64_t> axis_arg) {
  KN_CHECK(repeats >= 0, "repeat: `repeats` must be non-negative, got ", repeats);
  const Tensor x = axis_arg ? x_in : reshape(x_in, Shape{x_in.numel()});
  if (x.ndim() == 0) return reshape(tile(x, Dims{repeats}), Shape{repeats});
  const int64_t axis = normalize_axis("repeat", axis_arg ? *axis_arg : 0, x.shape());
  Shape inter = x.shape(), target = x.shape(), result = x.shape();
  inter.insert(size_t(axis) + 1, 1);
  target.insert(size_t(axis) + 1, repeats);
  result[axis] *= repeats;
  return reshape(contiguous(broadcast_to(reshape(x, inter), target)), result);
}

}  // namespace ops

KN_REGISTER_GRAD(copy, ops::copy_backward);
KN_REGISTER_GRAD(slice_scatter, ops::slice_scatter_backward);
KN_REGISTER_GRAD(concatenate, ops::concatenate_backward);

}  // namespace kn
