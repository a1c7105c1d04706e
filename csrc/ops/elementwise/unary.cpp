// The unary table: definition (dtype rules, dispatch, recording) and the derivative of every row,
// written with engine ops so that it can itself be differentiated.
//
//   op            | kernel functor (unary_ops.h) | derivative (below)
//   exp           | ExpOp                        | g * y
//   ...
// Dtype rules: negative, abs, sign, square, relu, relu6, clip and round keep integer dtypes; every other
// op computes in float (int32 -> float32, like Keras); isnan/isinf/isfinite give bool;
// logical_not casts to bool.
#include <cmath>

#include "autograd/tape.h"
#include "ops/creation/creation.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"

namespace kn {
namespace ops {
namespace {

enum class Domain { Numeric, Float, Predicate, Logical };

Domain domain_of(OpId op) {
  switch (op) {
    case OpId::negative: case OpId::abs: case OpId::sign: case OpId::square:
    case OpId::relu: case OpId::relu6: case OpId::clip: case OpId::round:
      return Domain::Numeric;
    case OpId::isnan: case OpId::isinf: case OpId::isfinite:
      return Domain::Predicate;
    case OpId::logical_not:
      return Domain::Logical;
    default:
      return Domain::Float;
  }
}

// Which tensors a row's derivative reads.
enum Saves { kNone = 0, kInput = 1, kOutput = 2, kBoth = 3 };

using Deriv = Tensor (*)(const Tensor& g, const Tensor& x, const Tensor& y, const Node& n);

struct UnaryGrad {
  OpId op;
  Saves saves;
  Deriv dx;
};

Tensor c(double v, const Tensor& like) { return scalar_like(v, like); }
Tensor zero_grad(const Tensor& g, const Tensor&, const Tensor&, const Node&) { return zeros_like(g); }
Tensor mask_grad(const Tensor& g, const Tensor& mask) { return where(mask, g, c(0, g)); }

Tensor gelu_deriv(const Tensor& x, bool approximate) {
  if (approximate) {
    const double k = 0.7978845608028654, a = 0.044715;
    Tensor x2 = square(x);
    Tensor t = tanh(multiply(multiply(x, add(multiply(x2, a), 1.0)), k));
    Tensor left = multiply(add(t, 1.0), 0.5);
    Tensor dt = multiply(subtract(1.0, square(t)), multiply(add(multiply(x2, 3 * a), 1.0), k));
    return add(left, multiply(multiply(x, dt), 0.5));
  }
  Tensor cdf = multiply(add(erf(multiply(x, 0.7071067811865476)), 1.0), 0.5);
  Tensor pdf = multiply(exp(multiply(square(x), -0.5)), 0.3989422804014327);
  return add(cdf, multiply(x, pdf));
}

const UnaryGrad kUnaryGrads[] = {
    {OpId::negative, kNone, [](auto& g, auto&, auto&, auto&) { return negative(g); }},
    {OpId::abs, kInput, [](auto& g, auto& x, auto&, auto&) { return multiply(g, sign(x)); }},
    {OpId::sign, kNone, zero_grad},
    {OpId::exp, kOutput, [](auto& g, auto&, auto& y, auto&) { return multiply(g, y); }},
    {OpId::log, kInput, [](auto& g, auto& x, auto&, auto&) { return divide(g, x); }},
    {OpId::log1p, kInput, [](auto& g, auto& x, auto&, auto&) { return divide(g, add(x, 1.0)); }},
    {OpId::expm1, kOutput, [](auto& g, auto&, auto& y, auto&) { return multiply(g, add(y, 1.0)); }},
    {OpId::sqrt, kOutput, [](auto& g, auto&, auto& y, auto&) { return divide(multiply(g, 0.5), y); }},
    {OpId::rsqrt, kBoth,
     [](auto& g, auto& x, auto& y, auto&) { return multiply(g, multiply(divide(y, x), -0.5)); }},
    {OpId::square, kInput, [](auto& g, auto& x, auto&, auto&) { return multiply(g, multiply(x, 2.0)); }},
    {OpId::reciprocal, kOutput,
     [](auto& g, auto&, auto& y, auto&) { return multiply(g, negative(square(y))); }},
    {OpId::sin, kInput, [](auto& g, auto& x, auto&, auto&) { return multiply(g, cos(x)); }},
    {OpId::cos, kInput, [](auto& g, auto& x, auto&, auto&) { return multiply(g, negative(sin(x))); }},
    {OpId::tan, kOutput, [](auto& g, auto&, auto& y, auto&) { return multiply(g, add(square(y), 1.0)); }},
    {OpId::tanh, kOutput,
     [](auto& g, auto&, auto& y, auto&) { return multiply(g, subtract(1.0, square(y))); }},
    {OpId::sigmoid, kOutput,
     [](auto& g, auto&, auto& y, auto&) { return multiply(g, multiply(y, subtract(1.0, y))); }},
    {OpId::relu, kInput, [](auto& g, auto& x, auto&, auto&) { return mask_grad(g, greater(x, c(0, x))); }},
    {OpId::relu6, kInput,
     [](auto& g, auto& x, auto&, auto&) {
       return mask_grad(g, logical_and(greater(x, c(0, x)), less(x, c(6, x))));
     }},
    {OpId::gelu, kInput,
     [](auto& g, auto& x, auto&, auto& n) { return multiply(g, gelu_deriv(x, n.scalars[0] != 0)); }},
    {OpId::elu, kBoth,
     [](auto& g, auto& x, auto& y, auto& n) {
       return where(greater(x, c(0, x)), g, multiply(g, add(y, n.scalars[0])));
     }},
    {OpId::selu, kBoth,
     [](auto& g, auto& x, auto& y, auto&) {
       const double alpha = 1.6732632423543772848170429916717, scale = 1.0507009873554804934193349852946;
       return multiply(g, where(greater(x, c(0, x)), c(scale, x), add(y, scale * alpha)));
     }},
    {OpId::softplus, kInput, [](auto& g, auto& x, auto&, auto&) { return multiply(g, sigmoid(x)); }},
    {OpId::softsign, kInput,
     [](auto& g, auto& x, auto&, auto&) { return divide(g, square(add(abs(x), 1.0))); }},
    {OpId::silu, kInput,
     [](auto& g, auto& x, auto&, auto&) {
       Tensor s = sigmoid(x);
       return multiply(g, multiply(s, add(multiply(x, subtract(1.0, s)), 1.0)));
     }},
    {OpId::leaky_relu, kInput,
     [](auto& g, auto& x, auto&, auto& n) {
       return where(greater(x, c(0, x)), g, multiply(g, n.scalars[0]));
     }},
    {OpId::hard_sigmoid, kInput,
     [](auto& g, auto& x, auto&, auto&) {
       return mask_grad(multiply(g, 1.0 / 6.0), logical_and(greater(x, c(-3, x)), less(x, c(3, x))));
     }},
    {OpId::hard_silu, kInput,
     [](auto& g, auto& x, auto&, auto&) {
       Tensor inside = logical_and(greater(x, c(-3, x)), less(x, c(3, x)));
       Tensor d = add(hard_sigmoid(x), where(inside, multiply(x, 1.0 / 6.0), c(0, x)));
       return multiply(g, d);
     }},
    {OpId::erf, kInput,
     [](auto& g, auto& x, auto&, auto&) {
       return multiply(g, multiply(exp(negative(square(x))), 1.1283791670955126));
     }},
    {OpId::floor, kNone, zero_grad},
    {OpId::ceil, kNone, zero_grad},
    {OpId::round, kNone, zero_grad},
    {OpId::clip, kInput,
     [](auto& g, auto& x, auto&, auto& n) {
       return mask_grad(g, logical_and(greater_equal(x, c(n.scalars[0], x)),
                                       less_equal(x, c(n.scalars[1], x))));
     }},
};

const UnaryGrad* find_grad(OpId op) {
  for (const UnaryGrad& row : kUnaryGrads) {
    if (row.op == op) return &row;
  }
  return nullptr;
}

TensorList unary_backward(const Node& n, const GradContext& ctx) {
  const UnaryGrad* row = find_grad(n.op);
  const Tensor x = (row->saves & kInput) ? n.saved_tensor(0) : Tensor();
  const Tensor y = (row->saves & kOutput) ? n.saved_tensor(1) : Tensor();
  return {row->dx(ctx.grad(), x, y, n)};
}

}  // namespace

Tensor unary(OpId op, const Tensor& x, UnaryParams p) {
  const Device dev = common_device(op, {&x});
  const Domain dom = domain_of(op);
  Tensor src = x;
  DType compute = x.dtype(), out_dtype = x.dtype();
  switch (dom) {
    case Domain::Numeric:
      if (compute == DType::bool_) compute = DType::int32;
      out_dtype = compute;
      break;
    case Domain::Float:
      compute = out_dtype = to_floating(x.dtype());
      break;
    case Domain::Predicate:
      compute = to_floating(x.dtype());
      out_dtype = DType::bool_;
      break;
    case Domain::Logical:
      compute = out_dtype = DType::bool_;
      break;
  }
  src = cast(x, compute);
  Tensor out = Tensor::empty(src.shape(), out_dtype, dev);
  if (out.numel() > 0) {
    const TensorIter it = TensorIter::make(src.shape(), {&out, &src});
    run_kernel<UnaryKernelFn>(op, dev, it, compute, p);
  }
  if (autograd::any_tape_recording() && is_floating(out_dtype)) {
    if (const UnaryGrad* row = find_grad(op)) {
      autograd::Attrs attrs;
      attrs.s0 = p.a;
      attrs.s1 = p.b;
      autograd::record(op, {src}, {out},
                       {(row->saves & kInput) ? src : Tensor(), (row->saves & kOutput) ? out : Tensor()},
                       std::move(attrs));
    }
  }
  return out;
}

Tensor negative(const Tensor& x) { return unary(OpId::negative, x); }
Tensor abs(const Tensor& x) { return unary(OpId::abs, x); }
Tensor sign(const Tensor& x) { return unary(OpId::sign, x); }
Tensor exp(const Tensor& x) { return unary(OpId::exp, x); }
Tensor log(const Tensor& x) { return unary(OpId::log, x); }
Tensor log1p(const Tensor& x) { return unary(OpId::log1p, x); }
Tensor expm1(const Tensor& x) { return unary(OpId::expm1, x); }
Tensor sqrt(const Tensor& x) { return unary(OpId::sqrt, x); }
Tensor rsqrt(const Tensor& x) { return unary(OpId::rsqrt, x); }
Tensor square(const Tensor& x) { return unary(OpId::square, x); }
Tensor reciprocal(const Tensor& x) { return unary(OpId::reciprocal, x); }
Tensor sin(const Tensor& x) { return unary(OpId::sin, x); }
Tensor cos(const Tensor& x) { return unary(OpId::cos, x); }
Tensor tan(const Tensor& x) { return unary(OpId::tan, x); }
Tensor tanh(const Tensor& x) { return unary(OpId::tanh, x); }
Tensor sigmoid(const Tensor& x) { return unary(OpId::sigmoid, x); }
Tensor relu(const Tensor& x) { return unary(OpId::relu, x); }
Tensor relu6(const Tensor& x) { return unary(OpId::relu6, x); }
Tensor gelu(const Tensor& x, bool approximate) { return unary(OpId::gelu, x, {approximate ? 1.0 : 0.0, 0}); }
Tensor elu(const Tensor& x, double alpha) { return unary(OpId::elu, x, {alpha, 0}); }
Tensor selu(const Tensor& x) { return unary(OpId::selu, x); }
Tensor softplus(const Tensor& x) { return unary(OpId::softplus, x); }
Tensor softsign(const Tensor& x) { return unary(OpId::softsign, x); }
Tensor silu(const Tensor& x) { return unary(OpId::silu, x); }
Tensor leaky_relu(const Tensor& x, double slope) { return unary(OpId::leaky_relu, x, {slope, 0}); }
Tensor hard_sigmoid(const Tensor& x) { return unary(OpId::hard_sigmoid, x); }
Tensor hard_silu(const Tensor& x) { return unary(OpId::hard_silu, x); }
Tensor erf(const Tensor& x) { return unary(OpId::erf, x); }
Tensor floor(const Tensor& x) { return unary(OpId::floor, x); }
Tensor ceil(const Tensor& x) { return unary(OpId::ceil, x); }
Tensor round(const Tensor& x, int decimals) { return unary(OpId::round, x, {double(decimals), 0}); }
Tensor clip(const Tensor& x, double lo, double hi) { return unary(OpId::clip, x, {lo, hi}); }
Tensor isnan(const Tensor& x) { return unary(OpId::isnan, x); }
Tensor isinf(const Tensor& x) { return unary(OpId::isinf, x); }
Tensor isfinite(const Tensor& x) { return unary(OpId::isfinite, x); }
Tensor logical_not(const Tensor& x) { return unary(OpId::logical_not, x); }

}  // namespace ops

#define KN_UNARY_GRAD(name) KN_REGISTER_GRAD(name, ops::unary_backward)
KN_UNARY_GRAD(negative); KN_UNARY_GRAD(abs); KN_UNARY_GRAD(sign); KN_UNARY_GRAD(exp);
KN_UNARY_GRAD(log); KN_UNARY_GRAD(log1p); KN_UNARY_GRAD(expm1); KN_UNARY_GRAD(sqrt);
KN_UNARY_GRAD(rsqrt); KN_UNARY_GRAD(square); KN_UNARY_GRAD(reciprocal); KN_UNARY_GRAD(sin);
KN_UNARY_GRAD(cos); KN_UNARY_GRAD(tan); KN_UNARY_GRAD(tanh); KN_UNARY_GRAD(sigmoid);
KN_UNARY_GRAD(relu); KN_UNARY_GRAD(relu6); KN_UNARY_GRAD(gelu); KN_UNARY_GRAD(elu);
KN_UNARY_GRAD(selu); KN_UNARY_GRAD(softplus); KN_UNARY_GRAD(softsign); KN_UNARY_GRAD(silu);
KN_UNARY_GRAD(leaky_relu); KN_UNARY_GRAD(hard_sigmoid); KN_UNARY_GRAD(hard_silu); KN_UNARY_GRAD(erf);
KN_UNARY_GRAD(floor); KN_UNARY_GRAD(ceil); KN_UNARY_GRAD(round); KN_UNARY_GRAD(clip);
#undef KN_UNARY_GRAD

}  // namespace kn
