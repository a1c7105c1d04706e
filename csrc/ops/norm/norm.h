// Normalisations along an axis: softmax and log_softmax (numerically stable: the row max is
// subtracted first).
#pragma once

#include "core/tensor.h"

namespace kn {

// x, out: dense [rows, n]; the op runs along n.
using SoftmaxKernelFn = void (*)(const void* x, void* out, int64_t rows, int64_t n, DType dtype);

namespace ops {

Tensor softmax(const Tensor& x, int64_t axis = -1);
Tensor log_softmax(const Tensor& x, int64_t axis = -1);

}  // namespace ops
}  // namespace kn
