// What the three recurrent op definitions (simple_rnn.cpp, lstm.cpp, gru.cpp) share: argument
// checks, output and workspace allocation, the kernel call, the tape record, and the gradient rule
// that runs the cell's backward kernel (rnn_op.cpp). Not part of the public op interface (rnn.h).
#pragma once

#include "ops/op_registry.h"
#include "ops/record.h"
#include "ops/rnn/rnn.h"

namespace kn {
namespace ops {
namespace rnn_detail {

struct RnnInputs {
  Tensor x, h0, c0, kernel, rkernel, bias, mask;  // c0 for LSTM only; bias, mask may be undefined
};

// Checks the inputs, runs the forward kernel of `op` and records it (the gradient rule is
// `rnn_gradient`). Returns {y, h_last} or {y, h_last, c_last} (LSTM).
std::vector<Tensor> run_forward(OpId op, RnnCell cell, const RnnInputs& in, const RnnOptions& opt);

// The gradient rule body: runs the backward kernel `backward_op` on the saved tensors.
TensorList rnn_gradient(OpId backward_op, RnnCell cell, const Node& n, const RnnAttrs& attrs,
                        const GradContext& ctx);

}  // namespace rnn_detail
}  // namespace ops
}  // namespace kn
