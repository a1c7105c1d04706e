// The view ops: reshape, transpose, broadcast_to, flip, slice (and expand_dims, squeeze,
// moveaxis, stop_gradient built on them). A view shares the input's storage; its gradient rule
// maps the output gradient back to the input's geometry.
#include <algorithm>

#include "core/errors.h"
#include "ops/dispatch.h"
#include "ops/record.h"
#include "ops/reduce/reduce.h"
#include "ops/shape/shape.h"

namespace kn {
namespace ops {
namespace {

TensorList reshape_backward(const Node& n, const GradContext& ctx) {
  return {reshape(ctx.grad(), n.input_shapes[0])};
}
TensorList transpose_backward(const Node&, const TransposeAttrs& a, const GradContext& ctx) {
  Dims inverse(a.perm.size());
  for (size_t i = 0; i < a.perm.size(); ++i) inverse[a.perm[i]] = int64_t(i);
  return {transpose(ctx.grad(), inverse)};
}
TensorList broadcast_to_backward(const Node& n, const GradContext& ctx) {
  return {sum_to_shape(ctx.grad(), n.input_shapes[0])};
}
TensorList flip_backward(const Node&, const FlipAttrs& a, const GradContext& ctx) {
  return {flip(ctx.grad(), a.axes)};
}
TensorList slice_backward(const Node& n, const SliceAttrs& a, const GradContext& ctx) {
  return {slice_scatter(ctx.grad(), n.input_shapes[0], a.starts, a.steps)};
}

Shape infer_reshape(const Tensor& x, const Dims& shape) {
  Shape out = shape;
  int64_t known = 1;
  int infer = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      KN_CHECK(infer < 0, "reshape: only one dimension can be -1, got new shape ", shape);
      infer = int(i);
    } else {
      KN_CHECK(out[i] >= 0, "reshape: invalid dimension ", out[i], " in new shape ", shape);
      known *= out[i];
    }
  }
  if (infer >= 0) {
    KN_CHECK(known != 0 && x.numel() % known == 0, "reshape: cannot reshape a tensor of shape ",
             x.shape(), " (", x.numel(), " elements) into shape ", shape);
    out[infer] = x.numel() / known;
  }
  KN_CHECK(shape_numel(out) == x.numel(), "reshape: cannot reshape a tensor of shape ", x.shape(),
           " (", x.numel(), " elements) into shape ", shape);
  return out;
}

}  // namespace

Tensor reshape(const Tensor& x, const Dims& shape_arg) {
  common_device(OpId::reshape, {&x});
  const Shape shape = infer_reshape(x, shape_arg);
  if (shape == x.shape()) return x;
  const Tensor src = contiguous(x);
  Tensor out = src.view(shape, contiguous_strides(shape), src.offset());
  autograd::maybe_record(OpId::reshape, {src}, out, {});
  return out;
}

Tensor transpose(const Tensor& x, const std::optional<Dims>& perm_arg) {
  common_device(OpId::transpose, {&x});
  const int nd = x.ndim();
  Dims perm;
  if (perm_arg) {
    KN_CHECK(int(perm_arg->size()) == nd, "transpose: axes ", *perm_arg,
             " do not match a tensor of rank ", nd, " (shape ", x.shape(), ")");
    for (int64_t a : *perm_arg) perm.push_back(normalize_axis("transpose", a, x.shape()));
    Dims sorted = perm;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < nd; ++i) {
      KN_CHECK(sorted[i] == i, "transpose: axes ", *perm_arg, " are not a permutation of 0..",
               nd - 1);
    }
  } else {
    for (int i = nd - 1; i >= 0; --i) perm.push_back(i);
  }
  Shape shape(nd);
  Dims strides(nd);
  for (int i = 0; i < nd; ++i) {
    shape[i] = x.shape()[perm[i]];
    strides[i] = x.strides()[perm[i]];
  }
  Tensor out = x.view(shape, strides, x.offset());
  if (autograd::any_tape_recording()) {
    autograd::record(OpId::transpose, {x}, {out}, {}, TransposeAttrs{perm});
  }
  return out;
}

Tensor moveaxis(const Tensor& x, const Dims& source, const Dims& destination) {
  KN_CHECK(source.size() == destination.size(), "moveaxis: `source` ", source,
           " and `destination` ", destination, " must have the same number of elements");
  const Dims src = normalize_axes("moveaxis", source, x.shape());
  Dims s, d;
  for (size_t i = 0; i < source.size(); ++i) {
    s.push_back(normalize_axis("moveaxis", source[i], x.shape()));
    d.push_back(normalize_axis("moveaxis", destination[i], x.shape()));
  }
  normalize_axes("moveaxis", destination, x.shape());  // rejects duplicates
  (void)src;
  Dims order;
  for (int i = 0; i < x.ndim(); ++i) {
    if (std::find(s.begin(), s.end(), i) == s.end()) order.push_back(i);
  }
  // Insert sources at their destinations, in increasing destination order.
  std::vector<std::pair<int64_t, int64_t>> pairs;
  for (size_t i = 0; i < s.size(); ++i) pairs.emplace_back(d[i], s[i]);
  std::sort(pairs.begin(), pairs.end());
  for (auto& pr : pairs) order.insert(size_t(pr.first), pr.second);
  return transpose(x, order);
}

Tensor expand_dims(const Tensor& x, const Dims& axes) {
  const int64_t out_nd = x.ndim() + int64_t(axes.size());
  Dims norm;
  for (int64_t a : axes) {
    KN_CHECK_INDEX(a >= -out_nd && a < out_nd, "expand_dims: axis ", a,
                   " is out of bounds for the result of rank ", out_nd, " (input shape ", x.shape(),
                   ")");
    norm.push_back(a < 0 ? a + out_nd : a);
  }
  std::sort(norm.begin(), norm.end());
  KN_CHECK(std::adjacent_find(norm.begin(), norm.end()) == norm.end(),
           "expand_dims: repeated axis in ", axes, " (input shape ", x.shape(), ")");
  Shape shape = x.shape();
  for (int64_t a : norm) shape.insert(size_t(a), 1);
  return reshape(x, shape);
}

Tensor squeeze(const Tensor& x, const std::optional<Dims>& axes) {
  Shape shape;
  if (axes) {
    const Dims norm = normalize_axes("squeeze", *axes, x.shape());
    for (int64_t a : norm) {
      KN_CHECK(x.shape()[a] == 1, "squeeze: cannot squeeze axis ", a, " of size ", x.shape()[a],
               " (shape ", x.shape(), ")");
    }
    for (int i = 0; i < x.ndim(); ++i) {
      if (std::find(norm.begin(), norm.end(), i) == norm.end()) shape.push_back(x.shape()[i]);
    }
  } else {
    for (int64_t d : x.shape())
      if (d != 1) shape.push_back(d);
  }
  return reshape(x, shape);
}

Tensor broadcast_to(const Tensor& x, const Shape& shape) {
  common_device(OpId::broadcast_to, {&x});
  const int nd = int(shape.size()), xd = x.ndim();
  KN_CHECK(nd >= xd, "broadcast_to: cannot broadcast a tensor of shape ", x.shape(), " to shape ",
           shape);
  if (shape == x.shape()) return x;
  Dims strides(nd, 0);
  for (int i = 0; i < nd; ++i) {
    const int xi = i - (nd - xd);
    if (xi < 0) continue;
    const int64_t dx = x.shape()[xi];
    KN_CHECK(dx == shape[i] || dx == 1, "broadcast_to: cannot broadcast a tensor of shape ",
             x.shape(), " to shape ", shape);
    strides[i] = dx == 1 ? 0 : x.strides()[xi];
  }
  Tensor out = x.view(shape, strides, x.offset());
  autograd::maybe_record(OpId::broadcast_to, {x}, out, {});
  return out;
}

Tensor flip(const Tensor& x, const std::optional<Dims>& axes) {
  common_device(OpId::flip, {&x});
  Dims norm;
  if (axes) norm = normalize_axes("flip", *axes, x.shape());
  else
    for (int i = 0; i < x.ndim(); ++i) norm.push_back(i);
  Dims strides = x.strides();
  int64_t offset = x.offset();
  for (int64_t a : norm) {
    if (x.shape()[a] > 0) offset += (x.shape()[a] - 1) * strides[a];
    strides[a] = -strides[a];
  }
  Tensor out = x.view(x.shape(), strides, offset);
  if (autograd::any_tape_recording()) {
    autograd::record(OpId::flip, {x}, {out}, {}, FlipAttrs{norm});
  }
  return out;
}

Tensor slice(const Tensor& x, const Dims& starts, const Dims& stops, const Dims& steps) {
  common_device(OpId::slice, {&x});
  const int nd = x.ndim();
  KN_CHECK(int(starts.size()) == nd && int(stops.size()) == nd && int(steps.size()) == nd,
           "slice: expected one (start, stop, step) per axis of shape ", x.shape());
  Shape shape(nd);
  Dims strides(nd);
  int64_t offset = x.offset();
  for (int i = 0; i < nd; ++i) {
    const int64_t n = x.shape()[i], st = steps[i];
    KN_CHECK(st != 0, "slice: step must not be zero");
    int64_t len =
        st > 0 ? (stops[i] - starts[i] + st - 1) / st : (starts[i] - stops[i] - st - 1) / (-st);
    len = std::max<int64_t>(len, 0);
    if (len > 0) {
      const int64_t last = starts[i] + (len - 1) * st;
      KN_CHECK_INDEX(starts[i] >= 0 && starts[i] < n && last >= 0 && last < n,
                     "slice: range start ", starts[i], " stop ", stops[i], " step ", st,
                     " is out of bounds for axis ", i, " of size ", n);
      offset += starts[i] * x.strides()[i];
    }
    shape[i] = len;
    strides[i] = x.strides()[i] * st;
  }
  Tensor out = x.view(shape, strides, offset);
  if (autograd::any_tape_recording()) {
    autograd::record(OpId::slice, {x}, {out}, {}, SliceAttrs{starts, steps});
  }
  return out;
}

Tensor stop_gradient(const Tensor& x) { return x.view(x.shape(), x.strides(), x.offset()); }

}  // namespace ops

KN_REGISTER_GRAD(reshape, ops::reshape_backward);
KN_REGISTER_GRAD(transpose, ops::transpose_backward);
KN_REGISTER_GRAD(broadcast_to, ops::broadcast_to_backward);
KN_REGISTER_GRAD(flip, ops::flip_backward);
KN_REGISTER_GRAD(slice, ops::slice_backward);

}  // namespace kn
