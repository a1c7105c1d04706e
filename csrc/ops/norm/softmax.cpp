// softmax / log_softmax along any axis. The kernel runs on the last axis; other axes are moved
// last and back (a copy in, a view out).
// Gradients: softmax y (g - sum(g y)); log_softmax g - exp(y) sum(g).
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/norm/norm.h"
#include "ops/record.h"
#include "ops/reduce/reduce.h"
#include "ops/shape/shape.h"

namespace kn {
namespace ops {
namespace {

TensorList softmax_backward(const Node& n, const AxisAttrs& a, const GradContext& ctx) {
  const Tensor& y = n.saved_tensor(0);
  const Tensor& g = ctx.grad();
  const int64_t axis = a.axis;
  return {multiply(y, subtract(g, sum(multiply(g, y), Dims{axis}, true)))};
}

TensorList log_softmax_backward(const Node& n, const AxisAttrs& a, const GradContext& ctx) {
  const Tensor& y = n.saved_tensor(0);
  const Tensor& g = ctx.grad();
  const int64_t axis = a.axis;
  return {subtract(g, multiply(exp(y), sum(g, Dims{axis}, true)))};
}

Tensor softmax_like(OpId op, const Tensor& x_in, int64_t axis_arg) {
  const Device dev = common_device(op, {&x_in});
  const Tensor x = cast(x_in, to_floating(x_in.dtype()));
  if (x.ndim() == 0) {
    // A single element: softmax 1, log_softmax 0.
    autograd::PauseRecording pause;
    return op == OpId::softmax ? add(multiply(x, 0.0), 1.0) : multiply(x, 0.0);
  }
  const int64_t axis = normalize_axis(op_name(op), axis_arg, x.shape());
  const int64_t last = x.ndim() - 1;
  Tensor src;
  {
    autograd::PauseRecording pause;  // the layout change is not part of the recorded op
    src = contiguous(axis == last ? x : moveaxis(x, Dims{axis}, Dims{last}));
  }
  Tensor dense = Tensor::empty(src.shape(), x.dtype(), dev);
  if (dense.numel() > 0) {
    const int64_t n = src.dim(-1);
    run_kernel<SoftmaxKernelFn>(op, dev, src.raw_data(), dense.raw_data(), src.numel() / n, n,
                                x.dtype());
  }
  Tensor out;
  {
    autograd::PauseRecording pause;
    out = axis == last ? dense : moveaxis(dense, Dims{last}, Dims{axis});
  }
  if (autograd::any_tape_recording()) {
    autograd::record(op, {x}, {out}, {out}, AxisAttrs{axis});
  }
  return out;
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t axis) { return softmax_like(OpId::softmax, x, axis); }
Tensor log_softmax(const Tensor& x, int64_t axis) {
  return softmax_like(OpId::log_softmax, x, axis);
}

}  // namespace ops

KN_REGISTER_GRAD(softmax, ops::softmax_backward);
KN_REGISTER_GRAD(log_softmax, ops::log_softmax_backward);

}  // namespace kn
