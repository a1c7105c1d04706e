// pad: constant, reflect (mirror without the edge) and symmetric (mirror with the edge), as
// numpy.pad / tf.pad. Reflect needs pads < the axis size, symmetric <= (TensorFlow's limits).
// Gradient: the interior slice, plus (reflect/symmetric) the mirrored borders added back onto
// the positions they copied, one axis at a time.
#include "core/errors.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/record.h"
#include "ops/shape/shape.h"

namespace kn {
namespace ops {
namespace {

Tensor slice_axis(const Tensor& t, int axis, int64_t start, int64_t stop) {
  Dims starts(t.ndim(), 0), stops = t.shape(), steps(t.ndim(), 1);
  starts[axis] = start;
  stops[axis] = stop;
  return slice(t, starts, stops, steps);
}

Tensor pad_axis(const Tensor& t, int axis, int64_t before, int64_t after) {
  std::vector<std::pair<int64_t, int64_t>> p(t.ndim(), {0, 0});
  p[axis] = {before, after};
  return pad(t, p, PadMode::Constant, 0.0);
}

TensorList pad_backward(const Node& n, const PadAttrs& a, const GradContext& ctx) {
  const Shape& in_shape = n.input_shapes[0];
  const PadMode mode = a.mode;
  Tensor g = ctx.grad();
  for (int d = 0; d < int(in_shape.size()); ++d) {
    const int64_t l = a.pads[2 * d], r = a.pads[2 * d + 1], size = in_shape[d];
    if (l == 0 && r == 0) continue;
    Tensor interior = slice_axis(g, d, l, l + size);
    if (mode != PadMode::Constant) {
      const int64_t shift = mode == PadMode::Reflect ? 1 : 0;
      if (l > 0) {
        // Left border j (0..l-1) copied x[l - j - 1 + shift]: flipped, it lands on [shift, shift +
        // l).
        Tensor border = flip(slice_axis(g, d, 0, l), Dims{d});
        interior = add(interior, pad_axis(border, d, shift, size - shift - l));
      }
      if (r > 0) {
        // Right border j copied x[size - 1 - shift - j]: flipped, it lands on [size-shift-r,
        // size-shift).
        Tensor border = flip(slice_axis(g, d, l + size, l + size + r), Dims{d});
        interior = add(interior, pad_axis(border, d, size - shift - r, shift));
      }
    }
    g = interior;
  }
  return {g};
}

}  // namespace

Tensor pad(const Tensor& x, const std::vector<std::pair<int64_t, int64_t>>& pads, PadMode mode,
           double value) {
  const Device dev = common_device(OpId::pad, {&x});
  KN_CHECK(int(pads.size()) == x.ndim(), "pad: expected ", x.ndim(),
           " (before, after) pairs for shape ", x.shape(), ", got ", pads.size());
  Shape shape = x.shape();
  Dims flat;
  for (int d = 0; d < x.ndim(); ++d) {
    const auto [l, r] = pads[d];
    KN_CHECK(l >= 0 && r >= 0, "pad: pad widths must be non-negative, got (", l, ", ", r,
             ") for axis ", d);
    if (mode == PadMode::Reflect) {
      KN_CHECK((l < x.shape()[d] && r < x.shape()[d]) || (l == 0 && r == 0),
               "pad: 'reflect' padding (", l, ", ", r, ") must be smaller than the axis size ",
               x.shape()[d], " (axis ", d, ")");
    } else if (mode == PadMode::Symmetric) {
      KN_CHECK((l <= x.shape()[d] && r <= x.shape()[d]), "pad: 'symmetric' padding (", l, ", ", r,
               ") must not exceed the axis size ", x.shape()[d], " (axis ", d, ")");
    }
    shape[d] += l + r;
    flat.push_back(l);
    flat.push_back(r);
  }
  const Tensor src = contiguous(x);
  Tensor out = Tensor::empty(shape, x.dtype(), dev);
  if (out.numel() > 0) {
    run_kernel<PadKernelFn>(OpId::pad, dev, src.raw_data(), out.raw_data(), src.shape(), flat, mode,
                            value, x.dtype());
  }
  if (autograd::any_tape_recording() && is_floating(x.dtype())) {
    autograd::record(OpId::pad, {src}, {out}, {}, PadAttrs{flat, mode});
  }
  return out;
}

}  // namespace ops

KN_REGISTER_GRAD(pad, ops::pad_backward);

}  // namespace kn
