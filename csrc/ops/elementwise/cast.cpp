// cast: dtype conversion. Differentiable between float dtypes (the gradient is cast back);
// casting to or from an integer type stops the gradient, as in TensorFlow.
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/record.h"

namespace kn {
namespace ops {
namespace {

TensorList cast_backward(const Node& n, const GradContext& ctx) {
  return {cast(ctx.grad(), n.input_dtypes[0])};
}

}  // namespace

Tensor cast(const Tensor& x, DType to) {
  const Device dev = common_device(OpId::cast, {&x});
  if (x.dtype() == to) return x;
  Tensor out = Tensor::empty(x.shape(), to, dev);
  if (out.numel() > 0) {
    const TensorIter it = TensorIter::make(x.shape(), {&out, &x});
    run_kernel<CastKernelFn>(OpId::cast, dev, it, x.dtype(), to);
  }
  if (autograd::any_tape_recording() && is_floating(to) && is_floating(x.dtype())) {
    autograd::record(OpId::cast, {x}, {out}, {});
  }
  return out;
}

}  // namespace ops

KN_REGISTER_GRAD(cast, ops::cast_backward);

}  // namespace kn
