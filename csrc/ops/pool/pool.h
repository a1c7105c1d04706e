// Pooling, channels_last, 1 to 3 spatial dimensions (geometry as ConvGeometry with F = C):
//   max_pool:  y[n, o, c] = max over the window's valid cells (padding never wins)
//   avg_pool:  y[n, o, c] = mean over the window's valid cells (padding is not counted, as Keras)
// Gradients: max_pool -> max_pool_backward (dy goes to the first maximum of each window);
// max_pool_backward -> a gather at max_pool_argmax; avg_pool <-> avg_pool_backward (adjoints).
#pragma once

#include "core/tensor.h"
#include "ops/conv/conv.h"

namespace kn {

using PoolKernelFn = void (*)(const ConvGeometry& g, const void* x, void* y, DType dtype);
// max: (x, dy) -> dx; avg: (dy) -> dx (x unused).
using PoolBackwardKernelFn = void (*)(const ConvGeometry& g, const void* x, const void* dy,
                                      void* dx, DType dtype);
using PoolArgmaxKernelFn = void (*)(const ConvGeometry& g, const void* x, int64_t* idx,
                                    DType dtype);

// The tape attributes of the pooling ops: window, strides and (before, after) pads per spatial
// axis.
struct PoolAttrs {
  Dims pool, strides, pads;
};

namespace ops {

Tensor max_pool(const Tensor& x, const Dims& pool, const Dims& strides, const Dims& pads);
Tensor avg_pool(const Tensor& x, const Dims& pool, const Dims& strides, const Dims& pads);
Tensor max_pool_backward(const Tensor& x, const Tensor& dy, const Dims& pool, const Dims& strides,
                         const Dims& pads);
Tensor avg_pool_backward(const Tensor& dy, const Shape& x_shape, const Dims& pool,
                         const Dims& strides, const Dims& pads);
// int64 [N, O..., C]: flat index into x of each window's first maximum.
Tensor max_pool_argmax(const Tensor& x, const Dims& pool, const Dims& strides, const Dims& pads);

}  // namespace ops
}  // namespace kn
