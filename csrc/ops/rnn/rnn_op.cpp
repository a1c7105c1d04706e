// The shared body of the recurrent op definitions: checks, allocation, kernel call, recording
// and the gradient rule (see rnn_op.h). The node's attributes are an RnnAttrs (rnn.h).
#include "ops/rnn/rnn_op.h"

#include "core/errors.h"
#include "ops/dispatch.h"
#include "ops/record.h"
#include "ops/shape/shape.h"

namespace kn {

RnnActivation rnn_activation_from_name(const std::string& name, const char* what) {
  if (name == "tanh") return RnnActivation::Tanh;
  if (name == "sigmoid") return RnnActivation::Sigmoid;
  if (name == "relu") return RnnActivation::Relu;
  if (name == "linear") return RnnActivation::Linear;
  if (name == "hard_sigmoid") return RnnActivation::HardSigmoid;
  KN_CHECK(false, what,
           ": expected one of 'tanh', 'sigmoid', 'relu', 'linear', 'hard_sigmoid', got '", name,
           "'");
  return RnnActivation::Linear;
}

namespace ops {
namespace rnn_detail {
namespace {

// Saved tensors, in this order: xs, kernel, rkernel, gates, hs, [cs], [mask] (rnn.h: the
// kernels' step-major buffers; hs[0] and cs[0] are the initial states).
enum Saved { kXs = 0, kKernel, kRkernel, kGates, kHs, kCs };

void check_inputs(OpId op, RnnCell cell, const RnnInputs& in, const RnnOptions& opt) {
  const char* name = op_name(op);
  const Tensor& x = in.x;
  KN_CHECK(x.ndim() == 3, name,
           ": expected inputs of rank 3 (batch, timesteps, features), got shape ", x.shape());
  KN_CHECK_TYPE(is_floating(x.dtype()), name, ": expected float inputs, got ",
                dtype_name(x.dtype()));
  const int64_t B = x.dim(0), I = x.dim(2);
  KN_CHECK(in.rkernel.ndim() == 2, name, ": expected a recurrent kernel of rank 2, got shape ",
           in.rkernel.shape());
  const int64_t U = in.rkernel.dim(0), N = rnn_gates(cell) * U;
  KN_CHECK(in.rkernel.dim(1) == N, name, ": expected a recurrent kernel of shape (", U, ", ", N,
           "), got ", in.rkernel.shape());
  KN_CHECK(in.kernel.ndim() == 2 && in.kernel.dim(0) == I && in.kernel.dim(1) == N, name,
           ": expected a kernel of shape (", I, ", ", N, ") for inputs of shape ", x.shape(),
           ", got ", in.kernel.shape());
  auto check_state = [&](const Tensor& s, const char* what) {
    KN_CHECK(s.ndim() == 2 && s.dim(0) == B && s.dim(1) == U, name, ": expected ", what,
             " of shape (", B, ", ", U, "), got ", s.shape());
  };
  check_state(in.h0, "an initial state");
  if (cell == RnnCell::Lstm) check_state(in.c0, "an initial cell state");
  if (in.bias.defined()) {
    const bool two_rows = cell == RnnCell::Gru && opt.reset_after;
    const bool ok = two_rows ? (in.bias.ndim() == 2 && in.bias.dim(0) == 2 && in.bias.dim(1) == N)
                             : (in.bias.ndim() == 1 && in.bias.dim(0) == N);
    KN_CHECK(ok, name, ": expected a bias of shape ", two_rows ? "(2, " : "(", N, "), got ",
             in.bias.shape());
  }
  std::vector<const Tensor*> floats{&x, &in.h0, &in.kernel, &in.rkernel};
  if (cell == RnnCell::Lstm) floats.push_back(&in.c0);
  if (in.bias.defined()) floats.push_back(&in.bias);
  for (const Tensor* t : floats) {
    KN_CHECK_TYPE(t->dtype() == x.dtype(), name,
                  ": expected the inputs, states and weights in one dtype (", dtype_name(x.dtype()),
                  "), got ", dtype_name(t->dtype()));
    KN_CHECK(t->device() == x.device(), name, ": expected all tensors on ", x.device().str(),
             ", got ", t->device().str());
  }
  if (in.mask.defined()) {
    KN_CHECK_TYPE(in.mask.dtype() == DType::bool_, name, ": expected a bool mask, got ",
                  dtype_name(in.mask.dtype()));
    KN_CHECK(in.mask.ndim() == 2 && in.mask.dim(0) == B && in.mask.dim(1) == x.dim(1), name,
             ": expected a mask of shape (", B, ", ", x.dim(1), "), got ", in.mask.shape());
  }
}

}  // namespace

std::vector<Tensor> run_forward(OpId op, RnnCell cell, const RnnInputs& in_arg,
                                const RnnOptions& opt) {
  check_inputs(op, cell, in_arg, opt);
  RnnInputs in;
  in.x = contiguous(in_arg.x);
  in.h0 = contiguous(in_arg.h0);
  in.c0 = cell == RnnCell::Lstm ? contiguous(in_arg.c0) : Tensor();
  in.kernel = contiguous(in_arg.kernel);
  in.rkernel = contiguous(in_arg.rkernel);
  in.bias = in_arg.bias.defined() ? contiguous(in_arg.bias) : Tensor();
  in.mask = in_arg.mask.defined() ? contiguous(in_arg.mask) : Tensor();
  const Device dev = in.x.device();
  const DType dt = in.x.dtype();
  const int64_t B = in.x.dim(0), T = in.x.dim(1), I = in.x.dim(2), U = in.rkernel.dim(0);
  const bool lstm = cell == RnnCell::Lstm;
  const int64_t S = std::max(rnn_gates(cell), rnn_saved_gates(cell, opt.reset_after));

  // Backward needs every step's buffers; inference keeps the current step only (rnn.h).
  const bool keep = autograd::any_tape_recording();
  Tensor y = Tensor::empty(Shape{B, T, U}, dt, dev);
  Tensor h_last = Tensor::empty(Shape{B, U}, dt, dev);
  Tensor c_last = lstm ? Tensor::empty(Shape{B, U}, dt, dev) : Tensor();
  Tensor xs = keep ? Tensor::empty(Shape{T, B, I}, dt, dev) : Tensor();
  Tensor gates = Tensor::empty(Shape{keep ? T : 1, B, S * U}, dt, dev);
  Tensor hs = Tensor::empty(Shape{keep ? T + 1 : 2, B, U}, dt, dev);
  Tensor cs = lstm ? Tensor::empty(Shape{keep ? T + 1 : 2, B, U}, dt, dev) : Tensor();
  Tensor work = Tensor::empty(Shape{rnn_forward_work(cell, B, I, U)}, dt, dev);

  RnnForwardArgs a{cell, B, T, I, U};
  a.x = in.x.raw_data();
  a.h0 = in.h0.raw_data();
  a.c0 = lstm ? in.c0.raw_data() : nullptr;
  a.kernel = in.kernel.raw_data();
  a.rkernel = in.rkernel.raw_data();
  a.bias = in.bias.defined() ? in.bias.raw_data() : nullptr;
  a.mask = in.mask.defined() ? static_cast<const bool*>(in.mask.raw_data()) : nullptr;
  a.y = y.raw_data();
  a.h_last = h_last.raw_data();
  a.c_last = lstm ? c_last.raw_data() : nullptr;
  a.gates = gates.raw_data();
  a.keep = keep;
  a.xs = keep ? xs.raw_data() : nullptr;
  a.hs = hs.raw_data();
  a.cs = lstm ? cs.raw_data() : nullptr;
  a.work = work.raw_data();
  a.opt = opt;
  a.dtype = dt;
  run_kernel<RnnForwardKernelFn>(op, dev, a);

  std::vector<Tensor> outs{y, h_last};
  if (lstm) outs.push_back(c_last);
  if (keep) {
    RnnAttrs attrs{opt, in.bias.defined(), in.mask.defined()};
    TensorList inputs{in_arg.x, in_arg.h0};
    if (lstm) inputs.push_back(in_arg.c0);
    inputs.push_back(in_arg.kernel);
    inputs.push_back(in_arg.rkernel);
    if (in.bias.defined()) inputs.push_back(in_arg.bias);
    TensorList saved{xs, in.kernel, in.rkernel, gates, hs};
    if (lstm) saved.push_back(cs);
    if (in.mask.defined()) saved.push_back(in.mask);
    autograd::record(op, inputs, outs, saved, attrs);
  }
  return outs;
}

TensorList rnn_gradient(OpId backward_op, RnnCell cell, const Node& n, const RnnAttrs& attrs,
                        const GradContext& ctx) {
  const bool lstm = cell == RnnCell::Lstm;
  const Tensor& xs = n.saved_tensor(kXs);
  const Tensor& kernel = n.saved_tensor(kKernel);
  const Tensor& rkernel = n.saved_tensor(kRkernel);
  const Tensor mask = attrs.has_mask ? n.saved_tensor(lstm ? kCs + 1 : kCs) : Tensor();
  const Device dev = xs.device();
  const DType dt = xs.dtype();
  const int64_t T = xs.dim(0), B = xs.dim(1), I = xs.dim(2), U = rkernel.dim(0);

  const Tensor dy = contiguous(ctx.grads[0]);
  const Tensor dh_last = contiguous(ctx.grads[1]);
  const Tensor dc_last = lstm ? contiguous(ctx.grads[2]) : Tensor();
  Tensor dx = Tensor::empty(Shape{B, T, I}, dt, dev);
  Tensor dh0 = Tensor::empty(Shape{B, U}, dt, dev);
  Tensor dc0 = lstm ? Tensor::empty(Shape{B, U}, dt, dev) : Tensor();
  Tensor dkernel = Tensor::empty(kernel.shape(), dt, dev);
  Tensor drkernel = Tensor::empty(rkernel.shape(), dt, dev);
  const bool two_rows = cell == RnnCell::Gru && attrs.opt.reset_after;
  const int64_t N = rnn_gates(cell) * U;
  Tensor dbias =
      attrs.has_bias ? Tensor::empty(two_rows ? Shape{2, N} : Shape{N}, dt, dev) : Tensor();
  Tensor work = Tensor::empty(Shape{rnn_backward_work(cell, attrs.opt, B, T, I, U)}, dt, dev);

  RnnBackwardArgs a{cell, B, T, I, U};
  a.dy = dy.raw_data();
  a.dh_last = dh_last.raw_data();
  a.dc_last = lstm ? dc_last.raw_data() : nullptr;
  a.xs = xs.raw_data();
  a.kernel = kernel.raw_data();
  a.rkernel = rkernel.raw_data();
  a.mask = attrs.has_mask ? static_cast<const bool*>(mask.raw_data()) : nullptr;
  a.gates = n.saved_tensor(kGates).raw_data();
  a.hs = n.saved_tensor(kHs).raw_data();
  a.cs = lstm ? n.saved_tensor(kCs).raw_data() : nullptr;
  a.dx = dx.raw_data();
  a.dh0 = dh0.raw_data();
  a.dc0 = lstm ? dc0.raw_data() : nullptr;
  a.dkernel = dkernel.raw_data();
  a.drkernel = drkernel.raw_data();
  a.dbias = attrs.has_bias ? dbias.raw_data() : nullptr;
  a.work = work.raw_data();
  a.opt = attrs.opt;
  a.dtype = dt;
  run_kernel<RnnBackwardKernelFn>(backward_op, dev, a);

  TensorList grads{dx, dh0};
  if (lstm) grads.push_back(dc0);
  grads.push_back(dkernel);
  grads.push_back(drkernel);
  if (attrs.has_bias) grads.push_back(dbias);
  return grads;
}

}  // namespace rnn_detail
}  // namespace ops
}  // namespace kn
