// gru: a whole GRU sequence as one op (gates z, r, h as Keras, reset_after either way);
// gru_backward: its gradient kernel, run by the gradient rule. Kernels: gru_cpu.cpp; shared
// body: rnn_op.cpp.
#include "ops/rnn/rnn_op.h"

namespace kn {
namespace ops {
namespace {

TensorList gru_gradient(const Node& n, const RnnAttrs& a, const GradContext& ctx) {
  return rnn_detail::rnn_gradient(OpId::gru_backward, RnnCell::Gru, n, a, ctx);
}

}  // namespace

std::vector<Tensor> gru(const Tensor& x, const Tensor& h0, const Tensor& kernel,
                        const Tensor& recurrent_kernel, const Tensor& bias, const Tensor& mask,
                        const RnnOptions& opt) {
  return rnn_detail::run_forward(OpId::gru, RnnCell::Gru,
                                 {x, h0, Tensor(), kernel, recurrent_kernel, bias, mask}, opt);
}

}  // namespace ops

KN_REGISTER_GRAD(gru, ops::gru_gradient);

}  // namespace kn
