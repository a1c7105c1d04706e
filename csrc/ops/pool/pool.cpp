// Pooling ops: checks, geometry, dispatch, gradient rules (see pool.h).
#include "ops/pool/pool.h"

#include "core/errors.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/index/index.h"
#include "ops/record.h"
#include "ops/shape/shape.h"

namespace kn {
namespace {

ConvGeometry pool_geometry(const char* op, const Shape& x, const Dims& pool, const Dims& strides,
                           const Dims& pads) {
  const int nd = int(x.size()) - 2;
  KN_CHECK(nd >= 1 && nd <= 3, op,
           ": expected an input of rank 3, 4 or 5 (N, spatial..., C), got shape ", x);
  KN_CHECK(int(pool.size()) == nd && int(strides.size()) == nd && int(pads.size()) == 2 * nd, op,
           ": expected ", nd, " pool sizes and strides and ", nd,
           " (before, after) pads for input shape ", x);
  ConvGeometry g;
  g.nd = nd;
  g.N = x[0];
  g.C = g.F = g.G = x[nd + 1];
  for (int d = 0; d < nd; ++d) {
    KN_CHECK(pool[d] >= 1, op, ": pool_size must be positive, got ", pool);
    KN_CHECK(strides[d] >= 1, op, ": strides must be positive, got ", strides);
    g.in[d] = x[d + 1];
    g.k[d] = pool[d];
    g.stride[d] = strides[d];
    g.pad[d] = pads[2 * d];
    g.pad_after[d] = pads[2 * d + 1];
    const int64_t padded = g.in[d] + pads[2 * d] + pads[2 * d + 1];
    KN_CHECK(padded >= pool[d], op, ": pool size ", pool[d], " is larger than the (padded) input ",
             padded, " on spatial axis ", d, " (input shape ", x, ")");
    KN_CHECK(pads[2 * d] < pool[d] && pads[2 * d + 1] < pool[d], op,
             ": padding must be smaller than the pool size on every axis");
    g.out[d] = (padded - pool[d]) / strides[d] + 1;
  }
  return g;
}

Shape pool_out_shape(const ConvGeometry& g) {
  Shape s{g.N};
  for (int d = 0; d < g.nd; ++d) s.push_back(g.out[d]);
  s.push_back(g.C);
  return s;
}

PoolAttrs pool_attrs(const Dims& pool, const Dims& strides, const Dims& pads) {
  return PoolAttrs{pool, strides, pads};
}

DType float_dtype(const char* op, const Tensor& x) {
  KN_CHECK_TYPE(is_floating(x.dtype()), op, ": expected a float tensor, got ",
                dtype_name(x.dtype()));
  return x.dtype();
}

TensorList max_pool_grad(const Node& n, const PoolAttrs& a, const GradContext& ctx) {
  return {ops::max_pool_backward(n.saved_tensor(0), ctx.grad(), a.pool, a.strides, a.pads)};
}

TensorList max_pool_backward_grad(const Node& n, const PoolAttrs& a, const GradContext& ctx) {
  const Tensor& x = n.saved_tensor(0);
  const Tensor idx = ops::max_pool_argmax(x, a.pool, a.strides, a.pads);
  const Tensor picked = ops::take(ops::reshape(ctx.grad(), Shape{ctx.grad().numel()}), idx, 0);
  return {Tensor(), picked};
}

TensorList avg_pool_grad(const Node& n, const PoolAttrs& a, const GradContext& ctx) {
  return {ops::avg_pool_backward(ctx.grad(), n.input_shapes[0], a.pool, a.strides, a.pads)};
}

TensorList avg_pool_backward_grad(const Node&, const PoolAttrs& a, const GradContext& ctx) {
  return {ops::avg_pool(ctx.grad(), a.pool, a.strides, a.pads)};
}

}  // namespace

namespace ops {

Tensor max_pool(const Tensor& x_in, const Dims& pool, const Dims& strides, const Dims& pads) {
  const Device dev = common_device(OpId::max_pool, {&x_in});
  const DType dt = float_dtype("max_pool", x_in);
  const Tensor x = contiguous(x_in);
  const ConvGeometry g = pool_geometry("max_pool", x.shape(), pool, strides, pads);
  Tensor y = Tensor::empty(pool_out_shape(g), dt, dev);
  if (y.numel() > 0)
    run_kernel<PoolKernelFn>(OpId::max_pool, dev, g, x.raw_data(), y.raw_data(), dt);
  if (autograd::any_tape_recording())
    autograd::record(OpId::max_pool, {x}, {y}, {x}, pool_attrs(pool, strides, pads));
  return y;
}

Tensor avg_pool(const Tensor& x_in, const Dims& pool, const Dims& strides, const Dims& pads) {
  const Device dev = common_device(OpId::avg_pool, {&x_in});
  const DType dt = float_dtype("avg_pool", x_in);
  const Tensor x = contiguous(x_in);
  const ConvGeometry g = pool_geometry("avg_pool", x.shape(), pool, strides, pads);
  Tensor y = Tensor::empty(pool_out_shape(g), dt, dev);
  if (y.numel() > 0)
    run_kernel<PoolKernelFn>(OpId::avg_pool, dev, g, x.raw_data(), y.raw_data(), dt);
  if (autograd::any_tape_recording())
    autograd::record(OpId::avg_pool, {x}, {y}, {}, pool_attrs(pool, strides, pads));
  return y;
}

Tensor max_pool_backward(const Tensor& x_in, const Tensor& dy_in, const Dims& pool,
                         const Dims& strides, const Dims& pads) {
  const Device dev = common_device(OpId::max_pool_backward, {&x_in, &dy_in});
  const DType dt = float_dtype("max_pool_backward", x_in);
  const Tensor x = contiguous(x_in), dy = contiguous(cast(dy_in, dt));
  const ConvGeometry g = pool_geometry("max_pool_backward", x.shape(), pool, strides, pads);
  KN_CHECK(dy.shape() == pool_out_shape(g), "max_pool_backward: gradient of shape ", dy.shape(),
           " does not match the pooled shape ", pool_out_shape(g));
  Tensor dx = Tensor::empty(x.shape(), dt, dev);
  if (dx.numel() > 0) {
    run_kernel<PoolBackwardKernelFn>(OpId::max_pool_backward, dev, g, x.raw_data(), dy.raw_data(),
                                     dx.raw_data(), dt);
  }
  if (autograd::any_tape_recording()) {
    autograd::record(OpId::max_pool_backward, {x, dy}, {dx}, {x}, pool_attrs(pool, strides, pads));
  }
  return dx;
}

Tensor avg_pool_backward(const Tensor& dy_in, const Shape& x_shape, const Dims& pool,
                         const Dims& strides, const Dims& pads) {
  const Device dev = common_device(OpId::avg_pool_backward, {&dy_in});
  const DType dt = float_dtype("avg_pool_backward", dy_in);
  const Tensor dy = contiguous(dy_in);
  const ConvGeometry g = pool_geometry("avg_pool_backward", x_shape, pool, strides, pads);
  KN_CHECK(dy.shape() == pool_out_shape(g), "avg_pool_backward: gradient of shape ", dy.shape(),
           " does not match the pooled shape ", pool_out_shape(g));
  Tensor dx = Tensor::empty(x_shape, dt, dev);
  if (dx.numel() > 0) {
    run_kernel<PoolBackwardKernelFn>(OpId::avg_pool_backward, dev, g, nullptr, dy.raw_data(),
                                     dx.raw_data(), dt);
  }
  if (autograd::any_tape_recording()) {
    autograd::record(OpId::avg_pool_backward, {dy}, {dx}, {}, pool_attrs(pool, strides, pads));
  }
  return dx;
}

Tensor max_pool_argmax(const Tensor& x_in, const Dims& pool, const Dims& strides,
                       const Dims& pads) {
  const Device dev = common_device(OpId::max_pool_argmax, {&x_in});
  float_dtype("max_pool_argmax", x_in);
  const Tensor x = contiguous(x_in);
  const ConvGeometry g = pool_geometry("max_pool_argmax", x.shape(), pool, strides, pads);
  Tensor idx = Tensor::empty(pool_out_shape(g), DType::int64, dev);
  if (idx.numel() > 0) {
    run_kernel<PoolArgmaxKernelFn>(OpId::max_pool_argmax, dev, g, x.raw_data(), idx.data<int64_t>(),
                                   x.dtype());
  }
  return idx;
}

}  // namespace ops

KN_REGISTER_GRAD(max_pool, max_pool_grad);
KN_REGISTER_GRAD(max_pool_backward, max_pool_backward_grad);
KN_REGISTER_GRAD(avg_pool, avg_pool_grad);
KN_REGISTER_GRAD(avg_pool_backward, avg_pool_backward_grad);

}  // namespace kn
