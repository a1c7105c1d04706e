// The unary table: definition (dtype rules, dispatch, recording) and the derivative of every row,
// written with engine ops so that it can itself be differentiated.
//
//   op  | ops.def row: KN_UNARY(exp, ExpOp, Float) | derivative (kUnaryGrads below): g * y
//
// Dtype rules (the row's domain): Numeric rows (negative, abs, sign, square, relu, relu6, clip,
// round) keep integer dtypes; Float rows compute in float (int32 -> float32, like Keras);
// isnan/isinf/isfinite give bool; logical_not casts to bool. The functions ops::exp(x), ... and
// the kernels' registrations are generated from the rows; each kUnaryGrads row registers its
// op's gradient rule.
#include <cmath>

#include "ops/creation/creation.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"

namespace kn {
namespace ops {
namespace {

enum class Domain { Numeric, Float, Predicate, Logical };

Domain domain_of(OpId op) {
  switch (op) {
#define KN_OP(...)
#define KN_UNARY(name, functor, domain) \
  case OpId::name: return Domain::domain;
#define KN_UNARY_P(name, functor, domain) KN_UNARY(name, functor, domain)
#include "ops/ops.def"
#undef KN_UNARY_P
#undef KN_UNARY
#undef KN_OP
    case OpId::isnan:
    case OpId::isinf:
    case OpId::isfinite: return Domain::Predicate;
    case OpId::logical_not: return Domain::Logical;
    default: KN_FAIL_RUNTIME(op_name(op), ": not a unary op");
  }
}

// Which tensors a row's derivative reads.
enum Saves { kNone = 0, kInput = 1, kOutput = 2, kBoth = 3 };

using Deriv = Tensor (*)(const Tensor& g, const Tensor& x, const Tensor& y, const UnaryAttrs& a);

struct UnaryGrad {
  OpId op;
  Saves saves;
  Deriv dx;
};

Tensor c(double v, const Tensor& like) { return scalar_like(v, like); }
Tensor zero_grad(const Tensor& g, const Tensor&, const Tensor&, const UnaryAttrs&) {
  return zeros_like(g);
}
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
    {OpId::sqrt, kOutput,
     [](auto& g, auto&, auto& y, auto&) { return divide(multiply(g, 0.5), y); }},
    {OpId::rsqrt, kBoth,
     [](auto& g, auto& x, auto& y, auto&) { return multiply(g, multiply(divide(y, x), -0.5)); }},
    {OpId::square, kInput,
     [](auto& g, auto& x, auto&, auto&) { return multiply(g, multiply(x, 2.0)); }},
    {OpId::reciprocal, kOutput,
     [](auto& g, auto&, auto& y, auto&) { return multiply(g, negative(square(y))); }},
    {OpId::sin, kInput, [](auto& g, auto& x, auto&, auto&) { return multiply(g, cos(x)); }},
    {OpId::arcsinh, kInput,
     [](auto& g, auto& x, auto&, auto&) { return divide(g, sqrt(add(square(x), 1.0))); }},
    {OpId::cos, kInput,
     [](auto& g, auto& x, auto&, auto&) { return multiply(g, negative(sin(x))); }},
    {OpId::tan, kOutput,
     [](auto& g, auto&, auto& y, auto&) { return multiply(g, add(square(y), 1.0)); }},
    {OpId::tanh, kOutput,
     [](auto& g, auto&, auto& y, auto&) { return multiply(g, subtract(1.0, square(y))); }},
    {OpId::sigmoid, kOutput,
     [](auto& g, auto&, auto& y, auto&) { return multiply(g, multiply(y, subtract(1.0, y))); }},
    {OpId::relu, kInput,
     [](auto& g, auto& x, auto&, auto&) { return mask_grad(g, greater(x, c(0, x))); }},
    {OpId::relu6, kInput,
     [](auto& g, auto& x, auto&, auto&) {
       return mask_grad(g, logical_and(greater(x, c(0, x)), less(x, c(6, x))));
     }},
    {OpId::gelu, kInput,
     [](auto& g, auto& x, auto&, auto& a) { return multiply(g, gelu_deriv(x, a.approximate)); }},
    {OpId::elu, kBoth,
     [](auto& g, auto& x, auto& y, auto& a) {
       return where(greater(x, c(0, x)), g, multiply(g, add(y, a.alpha)));
     }},
    {OpId::selu, kBoth,
     [](auto& g, auto& x, auto& y, auto&) {
       const double alpha = 1.6732632423543772848170429916717,
                    scale = 1.0507009873554804934193349852946;
       return multiply(g, where(greater(x, c(0, x)), c(scale, x), add(y, scale * alpha)));
     }},
    {OpId::softplus, kInput,
     [](auto& g, auto& x, auto&, auto&) { return multiply(g, sigmoid(x)); }},
    {OpId::softsign, kInput,
     [](auto& g, auto& x, auto&, auto&) { return divide(g, square(add(abs(x), 1.0))); }},
    {OpId::silu, kInput,
     [](auto& g, auto& x, auto&, auto&) {
       Tensor s = sigmoid(x);
       return multiply(g, multiply(s, add(multiply(x, subtract(1.0, s)), 1.0)));
     }},
    {OpId::leaky_relu, kInput,
     [](auto& g, auto& x, auto&, auto& a) {
       return where(greater(x, c(0, x)), g, multiply(g, a.negative_slope));
     }},
    {OpId::hard_sigmoid, kInput,
     [](auto& g, auto& x, auto&, auto&) {
       return mask_grad(multiply(g, 1.0 / 6.0),
                        logical_and(greater(x, c(-3, x)), less(x, c(3, x))));
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
     [](auto& g, auto& x, auto&, auto& a) {
       return mask_grad(g, logical_and(greater_equal(x, c(a.min, x)), less_equal(x, c(a.max, x))));
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
  return {row->dx(ctx.grad(), x, y, n.attrs<UnaryAttrs>())};
}

// Every row of kUnaryGrads is the gradient rule of its op (after the table: same-file order).
[[maybe_unused]] const bool kUnaryGradsRegistered = [] {
  for (const UnaryGrad& row : kUnaryGrads) register_grad_rule(row.op, unary_backward);
  return true;
}();

}  // namespace

Tensor unary(OpId op, const Tensor& x, const UnaryAttrs& attrs) {
  const Device dev = common_device(op, {&x});
  const Domain dom = domain_of(op);
  Tensor src = x;
  DType compute = x.dtype(), out_dtype = x.dtype();
  switch (dom) {
    case Domain::Numeric:
      if (compute == DType::bool_) compute = DType::int32;
      out_dtype = compute;
      break;
    case Domain::Float: compute = out_dtype = to_floating(x.dtype()); break;
    case Domain::Predicate:
      compute = to_floating(x.dtype());
      out_dtype = DType::bool_;
      break;
    case Domain::Logical: compute = out_dtype = DType::bool_; break;
  }
  src = cast(x, compute);
  Tensor out = Tensor::empty(src.shape(), out_dtype, dev);
  if (out.numel() > 0) {
    const TensorIter it = TensorIter::make(src.shape(), {&out, &src});
    run_kernel<UnaryKernelFn>(op, dev, it, compute, attrs);
  }
  if (autograd::any_tape_recording() && is_floating(out_dtype)) {
    if (const UnaryGrad* row = find_grad(op)) {
      autograd::record(
          op, {src}, {out},
          {(row->saves & kInput) ? src : Tensor(), (row->saves & kOutput) ? out : Tensor()}, attrs);
    }
  }
  return out;
}

// The KN_UNARY rows' functions.
#define KN_OP(...)
#define KN_UNARY(name, functor, domain) \
  Tensor name(const Tensor& x) { return unary(OpId::name, x); }
#include "ops/ops.def"
#undef KN_UNARY
#undef KN_OP

Tensor gelu(const Tensor& x, bool approximate) {
  UnaryAttrs a;
  a.approximate = approximate;
  return unary(OpId::gelu, x, a);
}
Tensor elu(const Tensor& x, double alpha) {
  UnaryAttrs a;
  a.alpha = alpha;
  return unary(OpId::elu, x, a);
}
Tensor leaky_relu(const Tensor& x, double negative_slope) {
  UnaryAttrs a;
  a.negative_slope = negative_slope;
  return unary(OpId::leaky_relu, x, a);
}
Tensor round(const Tensor& x, int decimals) {
  UnaryAttrs a;
  a.decimals = decimals;
  return unary(OpId::round, x, a);
}
Tensor clip(const Tensor& x, double lo, double hi) {
  UnaryAttrs a;
  a.min = lo;
  a.max = hi;
  return unary(OpId::clip, x, a);
}
Tensor isnan(const Tensor& x) { return unary(OpId::isnan, x); }
Tensor isinf(const Tensor& x) { return unary(OpId::isinf, x); }
Tensor isfinite(const Tensor& x) { return unary(OpId::isfinite, x); }
Tensor logical_not(const Tensor& x) { return unary(OpId::logical_not, x); }

}  // namespace ops

}  // namespace kn
