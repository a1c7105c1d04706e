// attention (see attention.h): checks, the broadcast views of bias and mask, the kernel call, the
// tape record; the gradient rule runs attention_backward on the saved inputs, output and lse.
#include "ops/attention/attention.h"

#include "core/errors.h"
#include "ops/dispatch.h"
#include "ops/record.h"
#include "ops/reduce/reduce.h"
#include "ops/shape/shape.h"

namespace kn {
namespace ops {
namespace {

// The [B, N, T, S] broadcast view of a bias or mask (numpy rules), as element strides.
void broadcast_strides(const char* what, const Tensor& t, const Shape& full, int64_t* strides) {
  KN_CHECK(t.ndim() <= 4, "attention: the ", what, " must broadcast to (B, N, T, S) = ", full,
           ", got shape ", t.shape());
  const Tensor view = broadcast_to(t, full);
  for (int i = 0; i < 4; ++i) strides[i] = view.strides()[size_t(i)];
}

AttentionArgs make_args(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& bias,
                        const Tensor& mask, double scale, bool causal) {
  AttentionArgs a{};
  a.B = q.dim(0), a.T = q.dim(1), a.N = q.dim(2), a.H = q.dim(3);
  a.S = k.dim(1), a.K = k.dim(2), a.Hv = v.dim(3);
  a.q = q.raw_data();
  a.k = k.raw_data();
  a.v = v.raw_data();
  const Shape full{a.B, a.N, a.T, a.S};
  if (bias.defined()) {
    broadcast_strides("bias", bias, full, a.bias_strides);
    a.bias = bias.raw_data();
  }
  if (mask.defined()) {
    broadcast_strides("mask", mask, full, a.mask_strides);
    a.mask = static_cast<const bool*>(mask.raw_data());
  }
  a.scale = scale;
  a.causal = causal;
  a.dtype = q.dtype();
  return a;
}

void check_inputs(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& bias,
                  const Tensor& mask) {
  KN_CHECK(
      q.ndim() == 4 && k.ndim() == 4 && v.ndim() == 4,
      "attention: expected query, key and value of rank 4 (batch, seq, heads, dim), got shapes ",
      q.shape(), ", ", k.shape(), " and ", v.shape());
  KN_CHECK_TYPE(is_floating(q.dtype()) && k.dtype() == q.dtype() && v.dtype() == q.dtype(),
                "attention: expected query, key and value of one float dtype, got ",
                dtype_name(q.dtype()), ", ", dtype_name(k.dtype()), " and ", dtype_name(v.dtype()));
  KN_CHECK(k.dim(0) == q.dim(0) && v.dim(0) == q.dim(0) && v.dim(1) == k.dim(1) &&
               v.dim(2) == k.dim(2) && k.dim(3) == q.dim(3),
           "attention: incompatible shapes: query ", q.shape(), ", key ", k.shape(), ", value ",
           v.shape(), " (expected (B, T, N, H), (B, S, K, H), (B, S, K, Hv))");
  KN_CHECK(k.dim(2) > 0 && q.dim(2) % k.dim(2) == 0, "attention: the number of query heads (",
           q.dim(2), ") must be a multiple of the number of key/value heads (", k.dim(2), ")");
  if (bias.defined()) {
    KN_CHECK_TYPE(bias.dtype() == q.dtype(), "attention: expected a bias of dtype ",
                  dtype_name(q.dtype()), ", got ", dtype_name(bias.dtype()));
  }
  if (mask.defined()) {
    KN_CHECK_TYPE(mask.dtype() == DType::bool_, "attention: expected a bool mask, got ",
                  dtype_name(mask.dtype()));
  }
}

// Saved tensors: q, k, v, out, lse, [bias], [mask].
enum Saved { kQ = 0, kK, kV, kOut, kLse };

TensorList attention_gradient(const Node& n, const AttentionAttrs& a, const GradContext& ctx) {
  const Tensor& q = n.saved_tensor(kQ);
  const Tensor& k = n.saved_tensor(kK);
  const Tensor& v = n.saved_tensor(kV);
  int next = kLse + 1;
  const Tensor bias = a.has_bias ? n.saved_tensor(next++) : Tensor();
  const Tensor mask = a.has_mask ? n.saved_tensor(next++) : Tensor();
  AttentionBackwardArgs b{};
  b.fwd = make_args(q, k, v, bias, mask, a.scale, a.causal);
  b.fwd.dropout = a.dropout;
  b.fwd.out = n.saved_tensor(kOut).raw_data();
  b.fwd.lse = n.saved_tensor(kLse).raw_data();
  const Tensor dout = contiguous(ctx.grad());
  b.dout = dout.raw_data();
  Tensor dq = Tensor::empty(q.shape(), q.dtype(), q.device());
  Tensor dk = Tensor::empty(k.shape(), k.dtype(), k.device());
  Tensor dv = Tensor::empty(v.shape(), v.dtype(), v.device());
  b.dq = dq.raw_data();
  b.dk = dk.raw_data();
  b.dv = dv.raw_data();
  // The bias gradient is the scores' gradient summed over the broadcast axes: only then is the
  // [B, N, T, S] matrix made.
  const bool bias_grad = a.has_bias && ctx.needs(3);
  Tensor dscores = bias_grad ? Tensor::empty(Shape{q.dim(0), q.dim(2), q.dim(1), k.dim(1)},
                                             q.dtype(), q.device())
                             : Tensor();
  b.dscores = bias_grad ? dscores.raw_data() : nullptr;
  run_kernel<AttentionBackwardKernelFn>(OpId::attention_backward, q.device(), b);
  TensorList grads{dq, dk, dv};
  if (a.has_bias) grads.push_back(dscores);  // in the output shape: un-broadcast centrally
  return grads;
}

}  // namespace

Tensor attention(const Tensor& q_in, const Tensor& k_in, const Tensor& v_in, const Tensor& bias_in,
                 const Tensor& mask_in, double scale, bool causal,
                 const AttentionDropout& dropout) {
  KN_CHECK(dropout.rate >= 0.0 && dropout.rate < 1.0,
           "attention: the dropout rate must be in [0, 1), got ", dropout.rate);
  check_inputs(q_in, k_in, v_in, bias_in, mask_in);
  common_device(OpId::attention, {&q_in, &k_in, &v_in});
  const Tensor q = contiguous(q_in), k = contiguous(k_in), v = contiguous(v_in);
  const Tensor bias = bias_in.defined() ? bias_in : Tensor();
  const Tensor mask = mask_in.defined() ? mask_in : Tensor();
  AttentionArgs a = make_args(q, k, v, bias, mask, scale, causal);
  a.dropout = dropout;
  Tensor out = Tensor::empty(Shape{a.B, a.T, a.N, a.Hv}, q.dtype(), q.device());
  Tensor lse = Tensor::empty(Shape{a.B, a.N, a.T}, q.dtype(), q.device());
  a.out = out.raw_data();
  a.lse = lse.raw_data();
  run_kernel<AttentionKernelFn>(OpId::attention, q.device(), a);
  if (autograd::any_tape_recording()) {
    AttentionAttrs attrs{scale, causal, bias.defined(), mask.defined(), dropout};
    TensorList inputs{q_in, k_in, v_in};
    if (bias.defined()) inputs.push_back(bias_in);
    TensorList saved{q, k, v, out, lse};
    if (bias.defined()) saved.push_back(bias);
    if (mask.defined()) saved.push_back(mask);
    autograd::record(OpId::attention, inputs, {out}, saved, attrs);
  }
  return out;
}

}  // namespace ops

KN_REGISTER_GRAD(attention, ops::attention_gradient);

}  // namespace kn
