// Elementwise ops: unary (a table of rows, see unary.cpp), binary with numpy broadcasting,
// where, cast. Shapes: any; binary ops broadcast their operands.
#pragma once

#include "core/tensor.h"
#include "core/tensor_iter.h"
#include "ops/op_table.h"

namespace kn {

// The parameters of the parameterised unary rows (KN_UNARY_P in ops.def): what their kernels read
// and what the tape records for their gradient rules. Other rows leave them at the defaults.
struct UnaryAttrs {
  bool approximate = false;   // gelu: the tanh approximation
  double alpha = 0;           // elu
  double negative_slope = 0;  // leaky_relu
  double min = 0, max = 0;    // clip
  int decimals = 0;           // round
};

// Kernel signatures shared by the definition files and the *_cpu.cpp / *_cuda.cu kernels.
// `dtype` is the dtype the kernel computes in (the input dtype after any promotion).
using UnaryKernelFn = void (*)(const TensorIter& it, DType dtype, const UnaryAttrs& a);
using BinaryKernelFn = void (*)(const TensorIter& it, DType dtype);
using WhereKernelFn = void (*)(const TensorIter& it, DType dtype);
using CastKernelFn = void (*)(const TensorIter& it, DType from, DType to);

namespace ops {

Tensor unary(OpId op, const Tensor& x, const UnaryAttrs& attrs = {});
// One function per KN_UNARY row of ops.def: Tensor exp(const Tensor& x), ...
#define KN_OP(...)
#define KN_UNARY(name, functor, domain) Tensor name(const Tensor& x);
#include "ops/ops.def"
#undef KN_UNARY
#undef KN_OP
// The KN_UNARY_P rows.
Tensor gelu(const Tensor& x, bool approximate);
Tensor elu(const Tensor& x, double alpha);
Tensor leaky_relu(const Tensor& x, double negative_slope);
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
