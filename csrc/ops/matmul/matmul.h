// matmul with numpy semantics: batched, batch dims broadcast, 1-D operands promoted and squeezed;
// linear, the fused product of Dense layers.
// Shapes: a [..., M, K], b [..., K, N] -> [..., M, N].
#pragma once

#include "core/tensor.h"
#include "ops/op_table.h"

namespace kn {

struct MatmulArgs {
  int64_t batch, M, N, K;
  const void* a;
  const int64_t* a_offsets;  // [batch] element offset of each A matrix
  int64_t a_rs, a_cs;        // row / column strides of A in elements
  const void* b;
  const int64_t* b_offsets;
  int64_t b_rs, b_cs;
  void* c;  // dense [batch, M, N]
  DType dtype;
  // The fused epilogue (linear): + bias [N] per row, then the activation (FusedActivation).
  const void* bias = nullptr;
  int activation = 0;
};
using MatmulKernelFn = void (*)(const MatmulArgs& args);

// linear's tape attributes.
struct LinearAttrs {
  FusedActivation activation = FusedActivation::None;
  bool has_bias = false;
};

namespace ops {

Tensor matmul(const Tensor& a, const Tensor& b);
// activation(x @ w + b) with the bias and activation fused into the GEMM (csrc/ops/matmul/linear.cpp):
// x [..., K], w [K, N], b [N] or undefined -> [..., N].
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b, FusedActivation activation);
// Swaps the last two axes (a view).
Tensor matrix_transpose(const Tensor& x);

}  // namespace ops
}  // namespace kn
