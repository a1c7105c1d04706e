// lstm: a whole LSTM sequence as one op (gates i, f, c, o as Keras); lstm_backward: its gradient
// kernel, run by the gradient rule. Kernels: lstm_cpu.cpp; shared body: rnn_op.cpp.
#include "ops/rnn/rnn_op.h"

namespace kn {
namespace ops {
namespace {

TensorList lstm_gradient(const Node& n, const RnnAttrs& a, const GradContext& ctx) {
  return rnn_detail::rnn_gradient(OpId::lstm_backward, RnnCell::Lstm, n, a, ctx);
}

}  // namespace

std::vector<Tensor> lstm(const Tensor& x, const Tensor& h0, const Tensor& c0, const Tensor& kernel,
                         const Tensor& recurrent_kernel, const Tensor& bias, const Tensor& mask,
                         const RnnOptions& opt) {
  return rnn_detail::run_forward(OpId::lstm, RnnCell::Lstm,
                                 {x, h0, c0, kernel, recurrent_kernel, bias, mask}, opt);
}

}  // namespace ops

KN_REGISTER_GRAD(lstm, ops::lstm_gradient);

}  // namespace kn
