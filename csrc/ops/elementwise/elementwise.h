// Elementwise ops: unary (a table of rows, see unary.cpp), binary with numpy broadcasting,
// where, cast. Shapes: any; binary ops broadcast their operands.
#pragma once

#include "core/tensor.h"
#include "ops/op_registry.h"
#include "ops/tensor_iter.h"

namespace kn {

// Parameters of parameterised unary ops: leaky_relu (a = negative_slope), elu (a = alpha),
// gelu (a = 1 for the tanh approximation), clip (a = min, b = max), round (a = decimals).
struct UnaryParams {
  double a = 0;
  double b = 0;
};

// Kernel signatures shared by the definition files and the *_cpu.cpp / *_cuda.cu kernels.
// `dtype` is the dtype the kernel computes in (the input dtype after any promotion).
using UnaryKernelFn = void (*)(const TensorIter& it, DType dtype, const UnaryParams& p);
using BinaryKernelFn = void (*)(const TensorIter& it, DType dtype);
using WhereKernelFn = void (*)(const TensorIter& it, DType dtype);
using CastKernelFn = void (*)(const TensorIter& it, DType from, DType to);

namespace ops {

Tensor unary(OpId op, const Tensor& x, UnaryParams p = {});
Tensor negative(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor sign(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor log1p(const Tensor& x);
Tensor expm1(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor rsqrt(const Tensor& x);
Tensor square(const Tensor& x);
Tensor reciprocal(const Tensor& x);
Tensor sin(const Tensor& x);
Tensor cos(const Tensor& x);
Tensor tan(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor relu(const Tensor& x);
Tensor relu6(const Tensor& x);
Tensor gelu(const Tensor& x, bool approximate);
Tensor elu(const Tensor& x, double alpha);
Tensor selu(const Tensor& x);
Tensor softplus(const Tensor& x);
Tensor softsign(const Tensor& x);
Tensor silu(const Tensor& x);
Tensor leaky_relu(const Tensor& x, double negative_slope);
Tensor hard_sigmoid(const Tensor& x);
Tensor hard_silu(const Tensor& x);
Tensor erf(const Tensor& x);
Tensor floor(const Tensor& x);
Tensor ceil(const Tensor& x);
Tensor round(const Tensor& x, int decimals = 0);
Tensor clip(const Tensor& x, double lo, double hi);
Tensor isnan(const Tensor& x);
Tensor isinf(const Tensor& x);
Tensor isfinite(const Tensor& x);
Tensor logical_not(const Tensor& x);

Tensor binary(OpId op, const Tensor& a, const Tensor& b);
Tensor add(const Tensor& a, const Tensor& b);
Tensor subtract(const Tensor& a, const Tensor& b);
Tensor multiply(const Tensor& a, const Tensor& b);
Tensor divide(const Tensor& a, const Tensor& b);
Tensor true_divide(const Tensor& a, const Tensor& b);
Tensor floor_divide(const Tensor& a, const Tensor& b);
Tensor mod(const Tensor& a, const Tensor& b);
Tensor power(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor equal(const Tensor& a, const Tensor& b);
Tensor not_equal(const Tensor& a, const Tensor& b);
Tensor less(const Tensor& a, const Tensor& b);
Tensor less_equal(const Tensor& a, const Tensor& b);
Tensor greater(const Tensor& a, const Tensor& b);
Tensor greater_equal(const Tensor& a, const Tensor& b);
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);
Tensor logical_xor(const Tensor& a, const Tensor& b);

// Scalar conveniences for gradient rules and composites (the scalar takes x's dtype).
Tensor add(const Tensor& a, double b);
Tensor multiply(const Tensor& a, double b);
Tensor subtract(double a, const Tensor& b);
Tensor power(const Tensor& a, double b);

Tensor where(const Tensor& cond, const Tensor& x, const Tensor& y);
// Returns x itself when it already has dtype `to`.
Tensor cast(const Tensor& x, DType to);

}  // namespace ops
}  // namespace kn
