// where(cond, x, y) with three-way broadcasting. cond is cast to bool; x and y promote.
#include "ops/creation/creation.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/record.h"

namespace kn {
namespace ops {
namespace {

TensorList where_backward(const Node& n, const GradContext& ctx) {
  const Tensor& cond = n.saved_tensor(0);
  const Tensor& g = ctx.grad();
  const Tensor z = scalar_like(0, g);
  return {Tensor(), ctx.needs(1) ? where(cond, g, z) : Tensor(),
          ctx.needs(2) ? where(cond, z, g) : Tensor()};
}

}  // namespace

Tensor where(const Tensor& cond, const Tensor& x, const Tensor& y) {
  const Device dev = common_device(OpId::where, {&cond, &x, &y});
  const DType dtype = promote_types(x.dtype(), y.dtype());
  const Tensor cb = cast(cond, DType::bool_), xc = cast(x, dtype), yc = cast(y, dtype);
  const Shape shape =
      broadcast_shapes(broadcast_shapes(cond.shape(), x.shape(), "where"), y.shape(), "where");
  Tensor out = Tensor::empty(shape, dtype, dev);
  if (out.numel() > 0) {
    const TensorIter it = TensorIter::make(shape, {&out, &cb, &xc, &yc});
    run_kernel<WhereKernelFn>(OpId::where, dev, it, dtype);
  }
  if (autograd::any_tape_recording() && is_floating(dtype)) {
    autograd::record(OpId::where, {cb, xc, yc}, {out}, {cb});
  }
  return out;
}

}  // namespace ops

KN_REGISTER_GRAD(where, ops::where_backward);

}  // namespace kn
