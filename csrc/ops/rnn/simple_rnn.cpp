// simple_rnn: a whole fully-connected RNN sequence, h = act(x W + b + h' U), as one op;
// simple_rnn_backward: its gradient kernel, run by the gradient rule. Kernels:
// simple_rnn_cpu.cpp; shared body: rnn_op.cpp.
#include "ops/rnn/rnn_op.h"

namespace kn {
namespace ops {
namespace {

TensorList simple_rnn_gradient(const Node& n, const RnnAttrs& a, const GradContext& ctx) {
  return rnn_detail::rnn_gradient(OpId::simple_rnn_backward, RnnCell::SimpleRnn, n, a, ctx);
}

}  // namespace

std::vector<Tensor> simple_rnn(const Tensor& x, const Tensor& h0, const Tensor& kernel,
                               const Tensor& recurrent_kernel, const Tensor& bias,
                               const Tensor& mask, const RnnOptions& opt) {
  return rnn_detail::run_forward(OpId::simple_rnn, RnnCell::SimpleRnn,
                                 {x, h0, Tensor(), kernel, recurrent_kernel, bias, mask}, opt);
}

}  // namespace ops

KN_REGISTER_GRAD(simple_rnn, ops::simple_rnn_gradient);

}  // namespace kn
