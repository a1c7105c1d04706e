// matmul_bias_act: activation(x @ w + b) in one GEMM pass, for Dense layers.
//
// The bias add and the ReLU run in the GEMM's epilogue (csrc/cpu/gemm.h) while each tile of the
// output is still in registers or L1, instead of as two more passes over the whole output. The
// gradient rule: dz = dy (masked by y > 0 for ReLU), dx = dz @ w^T, dw = x^T @ dz, db = sum(dz).
// On a device without the fused kernel (CUDA) the same result is composed of matmul, add, relu.
#include "core/errors.h"
#include "ops/creation/creation.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/matmul/matmul.h"
#include "ops/reduce/reduce.h"
#include "ops/shape/shape.h"

namespace kn {
namespace ops {
namespace {

TensorList matmul_bias_act_backward(const Node& n, const MatmulBiasActAttrs& a,
                                    const GradContext& ctx) {
  const Tensor& x = n.saved_tensor(0);
  const Tensor& w = n.saved_tensor(1);
  Tensor dz = ctx.grad();
  if (a.activation == FusedActivation::Relu) {
    const Tensor& y = n.saved_tensor(2);
    dz = where(greater(y, scalar_like(0.0, y)), dz, scalar_like(0.0, dz));
  }
  const int64_t K = w.dim(0), N = w.dim(1);
  TensorList out;
  out.push_back(ctx.needs(0) ? matmul(dz, matrix_transpose(w)) : Tensor());
  if (ctx.needs(1)) {
    out.push_back(matmul(matrix_transpose(reshape(x, Dims{-1, K})), reshape(dz, Dims{-1, N})));
  } else {
    out.push_back(Tensor());
  }
  if (a.has_bias) {
    Dims lead;
    for (int i = 0; i + 1 < dz.ndim(); ++i) lead.push_back(i);
    out.push_back(ctx.needs(2) ? sum(dz, lead) : Tensor());
  }
  return out;
}

}  // namespace

Tensor matmul_bias_act(const Tensor& x, const Tensor& w, const Tensor& b,
                       FusedActivation activation) {
  const bool has_bias = b.defined();
  const Device dev = has_bias ? common_device(OpId::matmul_bias_act, {&x, &w, &b})
                              : common_device(OpId::matmul_bias_act, {&x, &w});
  KN_CHECK(x.ndim() >= 1 && w.ndim() == 2,
           "matmul_bias_act: expected inputs of rank >= 1 and a kernel of rank 2, got shapes ",
           x.shape(), " and ", w.shape());
  const int64_t K = w.dim(0), N = w.dim(1);
  KN_CHECK(x.dim(-1) == K, "matmul_bias_act: the last axis of the inputs (shape ", x.shape(),
           ") must equal the first axis of the kernel (shape ", w.shape(), ")");
  KN_CHECK(!has_bias || (b.ndim() == 1 && b.dim(0) == N),
           "matmul_bias_act: the bias must have shape (", N, "), got ", b.shape());
  KN_CHECK_TYPE(
      is_floating(x.dtype()) && x.dtype() == w.dtype() && (!has_bias || b.dtype() == x.dtype()),
      "matmul_bias_act: expected inputs, kernel and bias of one float dtype, got ",
      dtype_name(x.dtype()), ", ", dtype_name(w.dtype()),
      has_bias ? std::string(", ") + dtype_name(b.dtype()) : std::string());
  if (dev.is_cuda()) {
    Tensor y = matmul(x, w);
    if (has_bias) y = add(y, b);
    return activation == FusedActivation::Relu ? relu(y) : y;
  }
  Shape out_shape = x.shape();
  out_shape[size_t(x.ndim() - 1)] = N;
  Tensor y = Tensor::empty(out_shape, x.dtype(), dev);
  if (y.numel() > 0) {
    Tensor x2;
    {
      autograd::PauseRecording pause;  // the node below records x itself
      x2 = reshape(x, Dims{-1, K});
    }
    const Tensor bias = has_bias ? contiguous(b) : Tensor();
    const int64_t zero = 0;
    // clang-format off: one row per matrix (dims; A, strides; B, strides; C)
    MatmulArgs args{1, x2.dim(0), N, K,
                    x2.raw_data(), &zero, x2.strides()[0], x2.strides()[1],
                    w.raw_data(), &zero, w.strides()[0], w.strides()[1],
                    y.raw_data(), x.dtype()};
    // clang-format on
    args.bias = has_bias ? bias.raw_data() : nullptr;
    args.activation = activation;
    run_kernel<MatmulKernelFn>(OpId::matmul_bias_act, dev, args);
  }
  if (autograd::any_tape_recording()) {
    MatmulBiasActAttrs attrs{activation, has_bias};
    if (has_bias)
      autograd::record(OpId::matmul_bias_act, {x, w, b}, {y}, {x, w, y}, std::move(attrs));
    else autograd::record(OpId::matmul_bias_act, {x, w}, {y}, {x, w, y}, std::move(attrs));
  }
  return y;
}

}  // namespace ops

KN_REGISTER_GRAD(matmul_bias_act, ops::matmul_bias_act_backward);

}  // namespace kn
