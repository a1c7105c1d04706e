// CUDA kernels of the unary table (see unary.cpp for the dtype rules and unary_ops.h for the CPU
// functors these mirror, row by row): one functor per row, one grid-stride kernel per (row, dtype)
// over the TensorIter [out, in]. Rows that keep integer dtypes (kInt) are also instantiated for
// int32, int64 and uint8; the others only see float32/float64. isnan/isinf/isfinite read a float
// and write bool; logical_not reads and writes bool.
#include <cstdint>
#include <type_traits>

#include "cuda/loops.cuh"
#include "cuda/math.cuh"
#include "ops/elementwise/elementwise.h"
#include "ops/op_registry.h"

// uint8 rows compare with zero like the signed ones do.
#pragma nv_diag_suppress 186

namespace kn {
namespace cuda {
namespace {

// ---- the rows -------------------------------------------------------------------------------
#define KN_UNARY_ROW(Name, kIntRow, ...)                              \
  struct Name {                                                       \
    static constexpr bool kInt = kIntRow;                             \
    template <class T>                                                \
    __device__ __forceinline__ static T f(T x, const UnaryAttrs& p) { \
      __VA_ARGS__;                                                    \
    }                                                                 \
  };

KN_UNARY_ROW(NegativeOp, true, return T(-x))
KN_UNARY_ROW(AbsOp, true, return x < T(0) ? T(-x) : x)
KN_UNARY_ROW(SignOp, true, if (is_nan(x)) return x; return T((T(0) < x) - (x < T(0))))
KN_UNARY_ROW(ExpOp, false, return m_exp(x))
KN_UNARY_ROW(LogOp, false, return m_log(x))
KN_UNARY_ROW(Log1pOp, false, return m_log1p(x))
KN_UNARY_ROW(Expm1Op, false, return m_expm1(x))
KN_UNARY_ROW(SqrtOp, false, return m_sqrt(x))
KN_UNARY_ROW(RsqrtOp, false, return T(1) / m_sqrt(x))
KN_UNARY_ROW(SquareOp, true, return T(x * x))
KN_UNARY_ROW(ReciprocalOp, false, return T(1) / x)
KN_UNARY_ROW(SinOp, false, return m_sin(x))
KN_UNARY_ROW(CosOp, false, return m_cos(x))
KN_UNARY_ROW(TanOp, false, return m_tan(x))
KN_UNARY_ROW(TanhOp, false, return m_tanh(x))
KN_UNARY_ROW(SigmoidOp, false, return T(1) / (T(1) + m_exp(-x)))
// NaN propagates through relu, relu6 and clip.
KN_UNARY_ROW(ReluOp, true, return x > T(0) || is_nan(x) ? x : T(0))
KN_UNARY_ROW(Relu6Op, true, if (is_nan(x)) return x; return x < T(0) ? T(0) : (x > T(6) ? T(6) : x))
// p.approximate: the tanh approximation.
KN_UNARY_ROW(
    GeluOp, false,
    if (p.approximate) {
      const T c = T(0.7978845608028654);  // sqrt(2 / pi)
      return T(0.5) * x * (T(1) + m_tanh(c * (x + T(0.044715) * x * x * x)));
    } return T(0.5) *
        x * (T(1) + m_erf(x * T(0.7071067811865476))))
KN_UNARY_ROW(EluOp, false, return x > T(0) ? x : T(p.alpha) * m_expm1(x))
KN_UNARY_ROW(SeluOp, false,
             return T(1.0507009873554804934193349852946) *
                    (x > T(0) ? x : T(1.6732632423543772848170429916717) * m_expm1(x)))
// max(x, 0) + log1p(exp(-|x|)): no overflow for large |x|.
KN_UNARY_ROW(SoftplusOp, false, return (x > T(0) ? x : T(0)) + m_log1p(m_exp(-m_fabs(x))))
KN_UNARY_ROW(SoftsignOp, false, return x / (T(1) + m_fabs(x)))
KN_UNARY_ROW(SiluOp, false, return x * (T(1) / (T(1) + m_exp(-x))))
KN_UNARY_ROW(LeakyReluOp, false, return x > T(0) ? x : T(p.negative_slope) * x)
// Keras 3: hard_sigmoid(x) = relu6(x + 3) / 6.
KN_UNARY_ROW(HardSigmoidOp, false, const T y = x / T(6) + T(0.5);
             return y < T(0) ? T(0) : (y > T(1) ? T(1) : y))
KN_UNARY_ROW(HardSiluOp, false, const T y = x / T(6) + T(0.5);
             return x * (y < T(0) ? T(0) : (y > T(1) ? T(1) : y)))
KN_UNARY_ROW(ErfOp, false, return m_erf(x))
KN_UNARY_ROW(ArcsinhOp, false, return m_asinh(x))
KN_UNARY_ROW(FloorOp, false, return m_floor(x))
KN_UNARY_ROW(CeilOp, false, return m_ceil(x))
// Half to even, like numpy; p.a = decimals. Integers keep their dtype (see unary_ops.h).
KN_UNARY_ROW(
    RoundOp, true,
    if constexpr (std::is_integral<T>::value) {
      if (p.decimals >= 0) return x;
      const double s = ::pow(10.0, -p.decimals);
      return T(::rint(double(x) / s) * s);
    } else {
      if (p.decimals == 0) return m_rint(x);
      const T scale = T(::pow(10.0, p.decimals));
      return m_rint(x * scale) / scale;
    })
// Integers compare in double, so a bound outside the dtype's range does not wrap; hi wins when
// lo > hi.
KN_UNARY_ROW(
    ClipOp, true, if (is_nan(x)) return x; if constexpr (std::is_integral<T>::value) {
      const double v = double(x) < p.min ? p.min : double(x);
      return v > p.max ? T(p.max) : T(v);
    } else {
      const T y = x < T(p.min) ? T(p.min) : x;
      return y > T(p.max) ? T(p.max) : y;
    })
#undef KN_UNARY_ROW

// ---- kernels --------------------------------------------------------------------------------
template <class Op, class T>
struct UnaryFn {
  UnaryAttrs p;
  __device__ void operator()(char* const* ptr) const {
    store<T>(ptr[0], Op::f(load<T>(ptr[1]), p));
  }
};

template <class Op>
void unary_kernel(const TensorIter& it, DType dtype, const UnaryAttrs& p) {
  switch (dtype) {
    case DType::float32: launch_elementwise<2>(it, UnaryFn<Op, float>{p}); break;
    case DType::float64: launch_elementwise<2>(it, UnaryFn<Op, double>{p}); break;
    case DType::int32:
      if constexpr (Op::kInt) launch_elementwise<2>(it, UnaryFn<Op, int32_t>{p});
      break;
    case DType::int64:
      if constexpr (Op::kInt) launch_elementwise<2>(it, UnaryFn<Op, int64_t>{p});
      break;
    case DType::uint8:
      if constexpr (Op::kInt) launch_elementwise<2>(it, UnaryFn<Op, uint8_t>{p});
      break;
    default: break;  // the definition file never sends other dtypes
  }
}

// Predicates: float input, bool output. Kind: 0 isnan, 1 isinf, 2 isfinite.
template <int Kind, class T>
struct PredicateFn {
  __device__ void operator()(char* const* ptr) const {
    const T x = load<T>(ptr[1]);
    bool r;
    if constexpr (Kind == 0) r = ::isnan(x);
    else if constexpr (Kind == 1) r = ::isinf(x);
    else r = ::isfinite(x);
    store<bool>(ptr[0], r);
  }
};

template <int Kind>
void predicate_kernel(const TensorIter& it, DType dtype, const UnaryAttrs&) {
  if (dtype == DType::float64) launch_elementwise<2>(it, PredicateFn<Kind, double>{});
  else launch_elementwise<2>(it, PredicateFn<Kind, float>{});
}

struct LogicalNotFn {
  __device__ void operator()(char* const* ptr) const {
    store<bool>(ptr[0], load<uint8_t>(ptr[1]) == 0);
  }
};

void logical_not_kernel(const TensorIter& it, DType, const UnaryAttrs&) {
  launch_elementwise<2>(it, LogicalNotFn{});
}

// One kernel per KN_UNARY / KN_UNARY_P row of ops.def, from the row's functor.
#define KN_OP(...)
#define KN_UNARY(name, functor, domain) KN_REGISTER_CUDA_KERNEL(name, unary_kernel<functor>);
#define KN_UNARY_P(name, functor, domain) KN_UNARY(name, functor, domain)
#include "ops/ops.def"
#undef KN_UNARY_P
#undef KN_UNARY
#undef KN_OP
KN_REGISTER_CUDA_KERNEL(isnan, predicate_kernel<0>);
KN_REGISTER_CUDA_KERNEL(isinf, predicate_kernel<1>);
KN_REGISTER_CUDA_KERNEL(isfinite, predicate_kernel<2>);
KN_REGISTER_CUDA_KERNEL(logical_not, logical_not_kernel);

}  // namespace
}  // namespace cuda
}  // namespace kn
