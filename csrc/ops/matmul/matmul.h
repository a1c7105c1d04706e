// matmul with numpy semantics: batched, batch dims broadcast, 1-D operands promoted and squeezed;
// matmul_bias_act, the fused product of Dense layers.
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
  // The fused epilogue (matmul_bias_act): + bias [N] per row, then the activation.
  const void* bias = nullptr;
  FusedActivation activation = FusedActivation::Linear;
};
using MatmulKernelFn = void (*)(const MatmulArgs& args);

// matmul_bias_act's tape attributes.
struct MatmulBiasActAttrs {
  FusedActivation activation = FusedActivation::Linear;
  bool has_bias = false;
};

namespace ops {

Tensor matmul(const Tensor& a, const Tensor& b);
// activation(x @ w + b) with the bias and activation fused into the GEMM
// (csrc/ops/matmul/matmul_bias_act.cpp): x [..., K], w [K, N], b [N] or undefined -> [..., N].
Tensor matmul_bias_act(const Tensor& x, const Tensor& w, const Tensor& b,
                       FusedActivation activation);
// Swaps the last two axes (a view).
Tensor matrix_transpose(const Tensor& x);

}  // namespace ops
}  // namespace kn
