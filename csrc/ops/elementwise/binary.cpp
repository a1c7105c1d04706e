// Binary elementwise ops with numpy broadcasting: dtype rules, dispatch, gradient rules.
// Dtypes (Keras 3): arithmetic computes in the promoted dtype (bool op bool -> int32); divide
// computes in float (int -> float32); comparisons give bool; logical ops cast to bool first.
// Gradients are returned in the broadcast output shape: the engine sums them back to each input.
#include <cmath>

#include "ops/creation/creation.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/record.h"

namespace kn {
namespace ops {
namespace {

enum class Kind { Arithmetic, Divide, Compare, Logical };

Kind kind_of(OpId op) {
  switch (op) {
    case OpId::divide: return Kind::Divide;
    case OpId::equal:
    case OpId::not_equal:
    case OpId::less:
    case OpId::less_equal:
    case OpId::greater:
    case OpId::greater_equal: return Kind::Compare;
    case OpId::logical_and:
    case OpId::logical_or:
    case OpId::logical_xor: return Kind::Logical;
    default: return Kind::Arithmetic;
  }
}

Tensor zero_of(const Tensor& like) { return scalar_like(0, like); }

TensorList add_backward(const Node&, const GradContext& ctx) { return {ctx.grad(), ctx.grad()}; }
TensorList subtract_backward(const Node&, const GradContext& ctx) {
  return {ctx.grad(), ctx.needs(1) ? negative(ctx.grad()) : Tensor()};
}
TensorList multiply_backward(const Node& n, const GradContext& ctx) {
  const Tensor& g = ctx.grad();
  return {ctx.needs(0) ? multiply(g, n.saved_tensor(1)) : Tensor(),
          ctx.needs(1) ? multiply(g, n.saved_tensor(0)) : Tensor()};
}
TensorList divide_backward(const Node& n, const GradContext& ctx) {
  const Tensor& g = ctx.grad();
  const Tensor& a = n.saved_tensor(0);
  const Tensor& b = n.saved_tensor(1);
  return {ctx.needs(0) ? divide(g, b) : Tensor(),
          ctx.needs(1) ? negative(divide(multiply(g, a), square(b))) : Tensor()};
}
// d(a mod b)/da = 1, d/db = -floor(a / b) (TF's FloorMod gradient).
TensorList mod_backward(const Node& n, const GradContext& ctx) {
  const Tensor& g = ctx.grad();
  return {g, ctx.needs(1)
                 ? negative(multiply(g, floor_divide(n.saved_tensor(0), n.saved_tensor(1))))
                 : Tensor()};
}
// d(a^b)/da = b a^(b-1); d/db = a^b log(a), taken as 0 where a <= 0 (as TF does).
TensorList power_backward(const Node& n, const GradContext& ctx) {
  const Tensor& g = ctx.grad();
  const Tensor& a = n.saved_tensor(0);
  const Tensor& b = n.saved_tensor(1);
  Tensor da, db;
  if (ctx.needs(0)) da = multiply(g, multiply(b, power(a, subtract(b, scalar_like(1, b)))));
  if (ctx.needs(1)) {
    Tensor positive = greater(a, zero_of(a));
    Tensor safe_log = where(positive, log(where(positive, a, scalar_like(1, a))), zero_of(a));
    db = multiply(g, multiply(n.saved_tensor(2), safe_log));
  }
  return {da, db};
}
// maximum: ties go to the first operand (TF: x >= y); minimum likewise with x <= y.
TensorList extremum_backward(const Node& n, const GradContext& ctx) {
  const Tensor& g = ctx.grad();
  const Tensor& a = n.saved_tensor(0);
  const Tensor& b = n.saved_tensor(1);
  Tensor first = n.op == OpId::maximum ? greater_equal(a, b) : less_equal(a, b);
  Tensor z = zero_of(g);
  return {ctx.needs(0) ? where(first, g, z) : Tensor(),
          ctx.needs(1) ? where(first, z, g) : Tensor()};
}

}  // namespace

Tensor binary(OpId op, const Tensor& a, const Tensor& b) {
  const Device dev = common_device(op, {&a, &b});
  const Kind kind = kind_of(op);
  DType compute = promote_types(a.dtype(), b.dtype());
  DType out_dtype = compute;
  switch (kind) {
    case Kind::Arithmetic:
      if (compute == DType::bool_) compute = out_dtype = DType::int32;
      break;
    case Kind::Divide: compute = out_dtype = to_floating(compute); break;
    case Kind::Compare: out_dtype = DType::bool_; break;
    case Kind::Logical: compute = out_dtype = DType::bool_; break;
  }
  const Tensor ac = cast(a, compute), bc = cast(b, compute);
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), op_name(op));
  Tensor out = Tensor::empty(shape, out_dtype, dev);
  if (out.numel() > 0) {
    const TensorIter it = TensorIter::make(shape, {&out, &ac, &bc});
    run_kernel<BinaryKernelFn>(op, dev, it, compute);
  }
  if (autograd::any_tape_recording() && is_floating(out_dtype) &&
      op_info(op).kind == OpKind::KERNEL) {
    const bool save_inputs = op != OpId::add && op != OpId::subtract;
    autograd::record(
        op, {ac, bc}, {out},
        save_inputs ? TensorList{ac, bc, op == OpId::power ? out : Tensor()} : TensorList{});
  }
  return out;
}

Tensor add(const Tensor& a, const Tensor& b) { return binary(OpId::add, a, b); }
Tensor subtract(const Tensor& a, const Tensor& b) { return binary(OpId::subtract, a, b); }
Tensor multiply(const Tensor& a, const Tensor& b) { return binary(OpId::multiply, a, b); }
Tensor divide(const Tensor& a, const Tensor& b) { return binary(OpId::divide, a, b); }
Tensor true_divide(const Tensor& a, const Tensor& b) { return divide(a, b); }
Tensor floor_divide(const Tensor& a, const Tensor& b) { return binary(OpId::floor_divide, a, b); }
Tensor mod(const Tensor& a, const Tensor& b) { return binary(OpId::mod, a, b); }
Tensor power(const Tensor& a, const Tensor& b) { return binary(OpId::power, a, b); }
Tensor maximum(const Tensor& a, const Tensor& b) { return binary(OpId::maximum, a, b); }
Tensor minimum(const Tensor& a, const Tensor& b) { return binary(OpId::minimum, a, b); }
Tensor equal(const Tensor& a, const Tensor& b) { return binary(OpId::equal, a, b); }
Tensor not_equal(const Tensor& a, const Tensor& b) { return binary(OpId::not_equal, a, b); }
Tensor less(const Tensor& a, const Tensor& b) { return binary(OpId::less, a, b); }
Tensor less_equal(const Tensor& a, const Tensor& b) { return binary(OpId::less_equal, a, b); }
Tensor greater(const Tensor& a, const Tensor& b) { return binary(OpId::greater, a, b); }
Tensor greater_equal(const Tensor& a, const Tensor& b) { return binary(OpId::greater_equal, a, b); }
Tensor logical_and(const Tensor& a, const Tensor& b) { return binary(OpId::logical_and, a, b); }
Tensor logical_or(const Tensor& a, const Tensor& b) { return binary(OpId::logical_or, a, b); }
Tensor logical_xor(const Tensor& a, const Tensor& b) { return binary(OpId::logical_xor, a, b); }

Tensor add(const Tensor& a, double b) { return add(a, scalar_like(b, a)); }
Tensor multiply(const Tensor& a, double b) { return multiply(a, scalar_like(b, a)); }
Tensor subtract(double a, const Tensor& b) { return subtract(scalar_like(a, b), b); }
Tensor power(const Tensor& a, double b) { return power(a, scalar_like(b, a)); }

}  // namespace ops

KN_REGISTER_GRAD(add, ops::add_backward);
KN_REGISTER_GRAD(subtract, ops::subtract_backward);
KN_REGISTER_GRAD(multiply, ops::multiply_backward);
KN_REGISTER_GRAD(divide, ops::divide_backward);
KN_REGISTER_GRAD(mod, ops::mod_backward);
KN_REGISTER_GRAD(power, ops::power_backward);
KN_REGISTER_GRAD(maximum, ops::extremum_backward);
KN_REGISTER_GRAD(minimum, ops::extremum_backward);

}  // namespace kn
