// Reductions over axes: sum, prod, max, min, any, all (kernels) and mean, var, std, logsumexp
// (composites). See reduce.h for the [outer, r, inner] geometry.
#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "ops/creation/creation.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/record.h"
#include "ops/reduce/reduce.h"
#include "ops/shape/shape.h"

namespace kn {

int64_t normalize_axis(const char* op, int64_t axis, const Shape& shape) {
  const int64_t nd = static_cast<int64_t>(shape.size());
  KN_CHECK_INDEX(axis >= -nd && axis < (nd == 0 ? 1 : nd), op, ": axis ", axis,
                 " is out of bounds for a tensor of rank ", nd, " (shape ", shape, ")");
  if (nd == 0) return 0;
  return axis < 0 ? axis + nd : axis;
}

Dims normalize_axes(const char* op, const Dims& axes, const Shape& shape) {
  Dims out;
  for (int64_t a : axes) {
    const int64_t n = normalize_axis(op, a, shape);
    KN_CHECK(std::find(out.begin(), out.end(), n) == out.end(), op, ": duplicate axis ", a,
             " in axes for shape ", shape);
    out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace ops {
namespace {

struct ReducePlan {
  Tensor src;  // dense, laid out as [outer, r, inner]
  int64_t outer = 1, r = 1, inner = 1;
  Shape out_shape;   // reduced axes removed
  Shape keep_shape;  // reduced axes kept as 1
  Dims axes;
};

ReducePlan plan_reduce(OpId op, const Tensor& x, const Axes& axes_arg) {
  const Shape& shape = x.shape();
  const int nd = x.ndim();
  ReducePlan p;
  if (axes_arg) {
    p.axes = normalize_axes(op_name(op), *axes_arg, shape);
    if (nd == 0) p.axes = Dims{};
  } else {
    for (int i = 0; i < nd; ++i) p.axes.push_back(i);
  }
  std::vector<bool> reduced(nd, false);
  for (int64_t a : p.axes) reduced[a] = true;
  for (int i = 0; i < nd; ++i) {
    p.keep_shape.push_back(reduced[i] ? 1 : shape[i]);
    if (!reduced[i]) p.out_shape.push_back(shape[i]);
  }
  // Contiguous run of reduced axes: [first, last] without gaps.
  const bool one_run = p.axes.empty() || (p.axes.back() - p.axes[0] + 1 == int64_t(p.axes.size()));
  if (one_run) {
    p.src = contiguous(x);
    const int64_t first = p.axes.empty() ? nd : p.axes[0];
    const int64_t last = p.axes.empty() ? nd - 1 : p.axes.back();
    for (int i = 0; i < nd; ++i) {
      if (i < first) p.outer *= shape[i];
      else if (i <= last) p.r *= shape[i];
      else p.inner *= shape[i];
    }
  } else {
    Dims perm;
    for (int i = 0; i < nd; ++i)
      if (!reduced[i]) perm.push_back(i);
    for (int64_t a : p.axes) perm.push_back(a);
    p.src = contiguous(transpose(x, perm));
    for (int i = 0; i < nd; ++i) (reduced[i] ? p.r : p.outer) *= shape[i];
  }
  return p;
}

DType reduce_out_dtype(OpId op, DType in) {
  switch (op) {
    case OpId::any:
    case OpId::all: return DType::bool_;
    case OpId::sum:
    case OpId::prod: return in == DType::bool_ || in == DType::uint8 ? DType::int32 : in;
    default: return in;
  }
}

// The kernel-backed reductions.
Tensor reduce(OpId op, const Tensor& x_in, const Axes& axes, bool keepdims) {
  const Device dev = common_device(op, {&x_in});
  const DType out_dtype = reduce_out_dtype(op, x_in.dtype());
  // The kernel computes in the output dtype (bool for any/all, widened ints for sum/prod).
  const Tensor x = cast(x_in, out_dtype);
  ReducePlan p = plan_reduce(op, x, axes);
  const Shape& shape = keepdims ? p.keep_shape : p.out_shape;
  if (p.r == 0) {
    KN_CHECK(op != OpId::max && op != OpId::min, op_name(op),
             ": zero-size reduction has no identity (input shape ", x.shape(), ", axes ", p.axes,
             ")");
    const double identity = (op == OpId::prod || op == OpId::all) ? 1.0 : 0.0;
    return full(shape, identity, out_dtype, dev);
  }
  Tensor out = Tensor::empty(shape, out_dtype, dev);
  if (out.numel() > 0) {
    run_kernel<ReduceKernelFn>(op, dev, p.src.raw_data(), out.raw_data(), p.outer, p.r, p.inner,
                               out_dtype);
  }
  if (autograd::any_tape_recording() && is_floating(out_dtype) && op != OpId::any &&
      op != OpId::all) {
    const bool saves = op != OpId::sum;
    autograd::record(op, {x}, {out}, saves ? TensorList{x, out} : TensorList{},
                     ReduceAttrs{p.keep_shape});
  }
  return out;
}

// The gradient broadcast back over the reduced axes: reshape to keepdims, broadcast to input.
Tensor expand_grad(const Tensor& g, const Node& n, const ReduceAttrs& a) {
  return broadcast_to(reshape(g, a.keep_shape), n.input_shapes[0]);
}

TensorList sum_backward(const Node& n, const ReduceAttrs& a, const GradContext& ctx) {
  return {expand_grad(ctx.grad(), n, a)};
}

// Ties share the gradient equally (TensorFlow's rule).
TensorList extremum_backward(const Node& n, const ReduceAttrs& a, const GradContext& ctx) {
  const Dims& keep = a.keep_shape;
  const Tensor& x = n.saved_tensor(0);
  const Tensor y = reshape(n.saved_tensor(1), keep);
  const Tensor mask = cast(equal(x, y), x.dtype());
  Dims axes;
  for (size_t i = 0; i < keep.size(); ++i) {
    if (keep[i] == 1 && n.input_shapes[0][i] != 1) axes.push_back(int64_t(i));
  }
  const Tensor count = sum(mask, axes, /*keepdims=*/true);
  return {multiply(divide(mask, count), reshape(ctx.grad(), keep))};
}

// Product of all other elements, without dividing by x (exact when x has zeros): move the reduced
// axes last, flatten them, multiply exclusive cumulative products from both sides.
TensorList prod_backward(const Node& n, const ReduceAttrs& a, const GradContext& ctx) {
  const Tensor& x = n.saved_tensor(0);
  const Shape& shape = x.shape();
  const int nd = x.ndim();
  Dims kept, red;
  for (int i = 0; i < nd; ++i) (a.keep_shape[i] == 1 && shape[i] != 1 ? red : kept).push_back(i);
  if (red.empty()) return {reshape(ctx.grad(), shape)};
  Dims perm = kept;
  for (int64_t a : red) perm.push_back(a);
  Shape kept_shape;
  int64_t r = 1;
  for (int64_t a : kept) kept_shape.push_back(shape[a]);
  for (int64_t a : red) r *= shape[a];
  Shape flat_shape = kept_shape;
  flat_shape.push_back(r);
  const Tensor xf = reshape(transpose(x, perm), flat_shape);
  const int64_t last = int64_t(flat_shape.size()) - 1;
  // exclusive_left[j] = prod(x[:j]); exclusive_right[j] = prod(x[j+1:]).
  auto shift_right = [&](const Tensor& t) {
    Dims starts(flat_shape.size(), 0), stops = flat_shape, steps(flat_shape.size(), 1);
    stops[last] = r - 1;
    Shape one_shape = kept_shape;
    one_shape.push_back(1);
    return concatenate({ones(one_shape, x.dtype(), x.device()), slice(t, starts, stops, steps)},
                       last);
  };
  const Tensor left = cumprod(shift_right(xf), last);
  const Tensor right = flip(cumprod(shift_right(flip(xf, Dims{last})), last), Dims{last});
  Tensor others = multiply(left, right);
  // Back to the input layout: unflatten, inverse permutation.
  Shape perm_shape = kept_shape;
  for (int64_t a : red) perm_shape.push_back(shape[a]);
  others = reshape(others, perm_shape);
  Dims inverse(nd);
  for (int i = 0; i < nd; ++i) inverse[perm[i]] = i;
  others = transpose(others, inverse);
  return {multiply(others, reshape(ctx.grad(), a.keep_shape))};
}

}  // namespace

Tensor sum(const Tensor& x, const Axes& axes, bool keepdims) {
  return reduce(OpId::sum, x, axes, keepdims);
}
Tensor prod(const Tensor& x, const Axes& axes, bool keepdims) {
  return reduce(OpId::prod, x, axes, keepdims);
}
Tensor max(const Tensor& x, const Axes& axes, bool keepdims) {
  return reduce(OpId::max, x, axes, keepdims);
}
Tensor min(const Tensor& x, const Axes& axes, bool keepdims) {
  return reduce(OpId::min, x, axes, keepdims);
}
Tensor any(const Tensor& x, const Axes& axes, bool keepdims) {
  return reduce(OpId::any, x, axes, keepdims);
}
Tensor all(const Tensor& x, const Axes& axes, bool keepdims) {
  return reduce(OpId::all, x, axes, keepdims);
}

namespace {
int64_t reduced_count(const Tensor& x, const Axes& axes) {
  if (!axes) return x.numel();
  int64_t n = 1;
  for (int64_t a : normalize_axes("mean", *axes, x.shape())) n *= x.ndim() ? x.shape()[a] : 1;
  return n;
}
}  // namespace

Tensor mean(const Tensor& x, const Axes& axes, bool keepdims) {
  const Tensor xf = cast(x, to_floating(x.dtype()));
  const int64_t n = reduced_count(x, axes);
  return multiply(sum(xf, axes, keepdims), n > 0 ? 1.0 / double(n) : NAN);
}

Tensor var(const Tensor& x, const Axes& axes, bool keepdims) {
  const Tensor xf = cast(x, to_floating(x.dtype()));
  const Tensor centered = subtract(xf, mean(xf, axes, true));
  return mean(square(centered), axes, keepdims);
}

Tensor std_(const Tensor& x, const Axes& axes, bool keepdims) {
  return sqrt(var(x, axes, keepdims));
}

// log(sum(exp(x))) = m + log(sum(exp(x - m))) with m = max(x) held constant (finite rows only).
Tensor logsumexp(const Tensor& x, const Axes& axes, bool keepdims) {
  const Tensor xf = cast(x, to_floating(x.dtype()));
  const ReducePlan p = plan_reduce(OpId::logsumexp, xf, axes);
  Tensor m;
  if (p.r == 0) {
    m = zeros(p.keep_shape, xf.dtype(), xf.device());  // an empty sum: log(0) = -inf
  } else {
    autograd::PauseRecording pause;
    const Tensor raw = max(xf, axes, true);
    m = where(isfinite(raw), raw, scalar_like(0, raw));
  }
  Tensor out = add(log(sum(exp(subtract(xf, m)), axes, true)), m);
  return keepdims ? out : reshape(out, p.out_shape);
}

Tensor sum_to_shape(const Tensor& g, const Shape& shape) {
  if (g.shape() == shape) return g;
  const int gd = g.ndim(), sd = static_cast<int>(shape.size());
  Dims axes;
  for (int i = 0; i < gd; ++i) {
    const int si = i - (gd - sd);
    if (si < 0 || (shape[si] == 1 && g.shape()[i] != 1)) axes.push_back(i);
  }
  Tensor s = axes.empty() ? g : sum(g, axes, true);
  return reshape(s, shape);
}

}  // namespace ops

KN_REGISTER_GRAD(sum, ops::sum_backward);
KN_REGISTER_GRAD(prod, ops::prod_backward);
KN_REGISTER_GRAD(max, ops::extremum_backward);
KN_REGISTER_GRAD(min, ops::extremum_backward);

}  // namespace kn
