// CPU kernels of the unary table (compiled once per ISA level). One template walks the
// TensorIter: dense runs use Vec when the functor has a Vec form for this dtype, everything else
// is a strided scalar loop.
#include <cmath>

#include "cpu/loops.h"
#include "ops/elementwise/unary_ops.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <class Op, class T>
void unary_run(char* const* p, const int64_t* s, int64_t n, const UnaryParams& prm) {
  T* out = reinterpret_cast<T*>(p[0]);
  const T* in = reinterpret_cast<const T*>(p[1]);
  constexpr bool use_vec = (Op::kVec == 2 && std::is_floating_point<T>::value) ||
                           (Op::kVec == 1 && std::is_same<T, float>::value);
  if (s[0] == int64_t(sizeof(T)) && s[1] == int64_t(sizeof(T))) {
    if constexpr (use_vec) {
      using V = Vec<T>;
      int64_t i = 0;
      for (; i + V::size <= n; i += V::size) Op::vec(V::loadu(in + i), prm).storeu(out + i);
      if (i < n) Op::vec(V::load_partial(in + i, int(n - i)), prm).store_partial(out + i, int(n - i));
    } else {
      for (int64_t i = 0; i < n; ++i) out[i] = Op::scalar(in[i], prm);
    }
    return;
  }
  char* po = p[0];
  const char* pi = p[1];
  for (int64_t i = 0; i < n; ++i, po += s[0], pi += s[1]) {
    *reinterpret_cast<T*>(po) = Op::scalar(*reinterpret_cast<const T*>(pi), prm);
  }
}

template <class Op>
void unary_kernel(const TensorIter& it, DType dtype, const UnaryParams& prm) {
  auto run = [&](auto tag) {
    using T = decltype(tag);
    for_each_inner(it, kElementwiseGrain, [&](char* const* p, const int64_t* s, int64_t n) {
      unary_run<Op, T>(p, s, n, prm);
    });
  };
  switch (dtype) {
    case DType::float32: run(float{}); break;
    case DType::float64: run(double{}); break;
    case DType::int32: if constexpr (Op::kInt) run(int32_t{}); break;
    case DType::int64: if constexpr (Op::kInt) run(int64_t{}); break;
    case DType::uint8: if constexpr (Op::kInt) run(uint8_t{}); break;
    default: break;  // the definition file never sends other dtypes
  }
}

// Predicates: float input, bool output.
template <class T, class Pred>
void predicate_run(const TensorIter& it, Pred pred) {
  for_each_inner(it, kElementwiseGrain, [&](char* const* p, const int64_t* s, int64_t n) {
    char* po = p[0];
    const char* pi = p[1];
    for (int64_t i = 0; i < n; ++i, po += s[0], pi += s[1]) {
      *reinterpret_cast<bool*>(po) = pred(*reinterpret_cast<const T*>(pi));
    }
  });
}

template <int Kind>  // 0 isnan, 1 isinf, 2 isfinite
void predicate_kernel(const TensorIter& it, DType dtype, const UnaryParams&) {
  auto pick = [](auto x) {
    if constexpr (Kind == 0) return std::isnan(x);
    else if constexpr (Kind == 1) return std::isinf(x);
    else return std::isfinite(x);
  };
  if (dtype == DType::float64) predicate_run<double>(it, pick);
  else predicate_run<float>(it, pick);
}

void logical_not_kernel(const TensorIter& it, DType, const UnaryParams&) {
  for_each_inner(it, kElementwiseGrain, [&](char* const* p, const int64_t* s, int64_t n) {
    char* po = p[0];
    const char* pi = p[1];
    for (int64_t i = 0; i < n; ++i, po += s[0], pi += s[1]) *po = !*pi;
  });
}

KN_REGISTER_CPU_KERNEL(negative, unary_kernel<NegativeOp>);
KN_REGISTER_CPU_KERNEL(abs, unary_kernel<AbsOp>);
KN_REGISTER_CPU_KERNEL(sign, unary_kernel<SignOp>);
KN_REGISTER_CPU_KERNEL(exp, unary_kernel<ExpOp>);
KN_REGISTER_CPU_KERNEL(log, unary_kernel<LogOp>);
KN_REGISTER_CPU_KERNEL(log1p, unary_kernel<Log1pOp>);
KN_REGISTER_CPU_KERNEL(expm1, unary_kernel<Expm1Op>);
KN_REGISTER_CPU_KERNEL(sqrt, unary_kernel<SqrtOp>);
KN_REGISTER_CPU_KERNEL(rsqrt, unary_kernel<RsqrtOp>);
KN_REGISTER_CPU_KERNEL(square, unary_kernel<SquareOp>);
KN_REGISTER_CPU_KERNEL(reciprocal, unary_kernel<ReciprocalOp>);
KN_REGISTER_CPU_KERNEL(sin, unary_kernel<SinOp>);
KN_REGISTER_CPU_KERNEL(cos, unary_kernel<CosOp>);
KN_REGISTER_CPU_KERNEL(tan, unary_kernel<TanOp>);
KN_REGISTER_CPU_KERNEL(tanh, unary_kernel<TanhOp>);
KN_REGISTER_CPU_KERNEL(sigmoid, unary_kernel<SigmoidOp>);
KN_REGISTER_CPU_KERNEL(relu, unary_kernel<ReluOp>);
KN_REGISTER_CPU_KERNEL(relu6, unary_kernel<Relu6Op>);
KN_REGISTER_CPU_KERNEL(gelu, unary_kernel<GeluOp>);
KN_REGISTER_CPU_KERNEL(elu, unary_kernel<EluOp>);
KN_REGISTER_CPU_KERNEL(selu, unary_kernel<SeluOp>);
KN_REGISTER_CPU_KERNEL(softplus, unary_kernel<SoftplusOp>);
KN_REGISTER_CPU_KERNEL(softsign, unary_kernel<SoftsignOp>);
KN_REGISTER_CPU_KERNEL(silu, unary_kernel<SiluOp>);
KN_REGISTER_CPU_KERNEL(leaky_relu, unary_kernel<LeakyReluOp>);
KN_REGISTER_CPU_KERNEL(hard_sigmoid, unary_kernel<HardSigmoidOp>);
KN_REGISTER_CPU_KERNEL(hard_silu, unary_kernel<HardSiluOp>);
KN_REGISTER_CPU_KERNEL(erf, unary_kernel<ErfOp>);
KN_REGISTER_CPU_KERNEL(floor, unary_kernel<FloorOp>);
KN_REGISTER_CPU_KERNEL(ceil, unary_kernel<CeilOp>);
KN_REGISTER_CPU_KERNEL(round, unary_kernel<RoundOp>);
KN_REGISTER_CPU_KERNEL(clip, unary_kernel<ClipOp>);
KN_REGISTER_CPU_KERNEL(isnan, predicate_kernel<0>);
KN_REGISTER_CPU_KERNEL(isinf, predicate_kernel<1>);
KN_REGISTER_CPU_KERNEL(isfinite, predicate_kernel<2>);
KN_REGISTER_CPU_KERNEL(logical_not, logical_not_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
