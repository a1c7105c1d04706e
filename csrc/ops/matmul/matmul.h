// matmul with numpy semantics: batched, batch dims broadcast, 1-D operands promoted and squeezed.
// Shapes: a [..., M, K], b [..., K, N] -> [..., M, N].
#pragma once

#include "core/tensor.h"

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
};
using MatmulKernelFn = void (*)(const MatmulArgs& args);

namespace ops {

Tensor matmul(const Tensor& a, const Tensor& b);
// Swaps the last two axes (a view).
Tensor matrix_transpose(const Tensor& x);

}  // namespace ops
}  // namespace kn
