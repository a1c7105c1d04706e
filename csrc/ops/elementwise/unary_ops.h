// The unary functors: one struct per row of the unary table, with a scalar form (every dtype the
// op accepts) and, where it pays, a Vec form. Included only by unary_cpu.cpp (ISA-namespaced).
//   kVec: 0 = scalar only, 1 = Vec<float> only (float32 transcendental), 2 = Vec<float|double>
//   kInt: the op also runs on integer tensors (otherwise the definition casts ints to float32)
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "cpu/vec/vec_math.h"
#include "ops/elementwise/elementwise.h"

namespace kn {
namespace KN_ISA_NS {

template <class T>
inline T sigmoid_scalar(T x) {
  return T(1) / (T(1) + std::exp(-x));
}

struct NegativeOp {
  static constexpr int kVec = 2;
  static constexpr bool kInt = true;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return T(-x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return -x;
  }
};
struct AbsOp {
  static constexpr int kVec = 2;
  static constexpr bool kInt = true;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return x < T(0) ? T(-x) : x;
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return V::abs(x);
  }
};
struct SignOp {
  static constexpr int kVec = 2;
  static constexpr bool kInt = true;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    if (x != x) return x;
    return T((T(0) < x) - (x < T(0)));
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    const V zero(0), one(1);
    V s = V::select(V::gt(x, zero), one, V::select(V::lt(x, zero), -one, zero));
    return V::select(V::isnan(x), x, s);
  }
};
struct ExpOp {
  static constexpr int kVec = 1;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return std::exp(x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return vexp(x);
  }
};
struct LogOp {
  static constexpr int kVec = 1;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return std::log(x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return vlog(x);
  }
};
struct Log1pOp {
  static constexpr int kVec = 1;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return std::log1p(x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return vlog1p(x);
  }
};
struct Expm1Op {
  static constexpr int kVec = 1;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return std::expm1(x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return vexpm1(x);
  }
};
struct SqrtOp {
  static constexpr int kVec = 2;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return std::sqrt(x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return V::sqrt(x);
  }
};
struct RsqrtOp {
  static constexpr int kVec = 2;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return T(1) / std::sqrt(x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return V(1) / V::sqrt(x);
  }
};
struct SquareOp {
  static constexpr int kVec = 2;
  static constexpr bool kInt = true;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return T(x * x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return x * x;
  }
};
struct ReciprocalOp {
  static constexpr int kVec = 2;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return T(1) / x;
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return V(1) / x;
  }
};
struct SinOp {
  static constexpr int kVec = 0;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return std::sin(x);
  }
};
struct CosOp {
  static constexpr int kVec = 0;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return std::cos(x);
  }
};
struct TanOp {
  static constexpr int kVec = 0;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return std::tan(x);
  }
};
struct TanhOp {
  static constexpr int kVec = 1;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return std::tanh(x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return vtanh(x);
  }
};
struct SigmoidOp {
  static constexpr int kVec = 1;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return sigmoid_scalar(x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return vsigmoid(x);
  }
};
// max(0, x) with 0 first: propagates NaN (the Vec max returns its second operand on NaN).
struct ReluOp {
  static constexpr int kVec = 2;
  static constexpr bool kInt = true;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return x > T(0) || x != x ? x : T(0);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return V::max(V(0), x);
  }
};
struct Relu6Op {
  static constexpr int kVec = 2;
  static constexpr bool kInt = true;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    if (x != x) return x;
    return x < T(0) ? T(0) : (x > T(6) ? T(6) : x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return V::min(V(6), V::max(V(0), x));
  }
};
struct GeluOp {  // p.approximate: tanh approximation
  static constexpr int kVec = 1;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs& p) {
    if (p.approximate) {
      const T c = T(0.7978845608028654);  // sqrt(2 / pi)
      return T(0.5) * x * (T(1) + std::tanh(c * (x + T(0.044715) * x * x * x)));
    }
    return T(0.5) * x * (T(1) + std::erf(x * T(0.7071067811865476)));
  }
  template <class V>
  static V vec(V x, const UnaryAttrs& p) {
    if (p.approximate) {
      const V inner = V(0.7978845608028654f) * V::fmadd(V(0.044715f) * x * x, x, x);
      return V(0.5f) * x * (V(1.0f) + vtanh(inner));
    }
    return V(0.5f) * x * (V(1.0f) + verf(x * V(0.7071067811865476f)));
  }
};
struct EluOp {  // p.alpha = alpha
  static constexpr int kVec = 1;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs& p) {
    return x > T(0) ? x : T(p.alpha) * std::expm1(x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs& p) {
    return V::select(V::gt(x, V(0.0f)), x, V(float(p.alpha)) * vexpm1(x));
  }
};
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;
struct SeluOp {
  static constexpr int kVec = 1;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return T(kSeluScale) * (x > T(0) ? x : T(kSeluAlpha) * std::expm1(x));
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return V(float(kSeluScale)) * V::select(V::gt(x, V(0.0f)), x, V(float(kSeluAlpha)) * vexpm1(x));
  }
};
// softplus(x) = max(x, 0) + log1p(exp(-|x|)): no overflow for large |x|.
struct SoftplusOp {
  static constexpr int kVec = 1;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return (x > T(0) ? x : T(0)) + std::log1p(std::exp(-std::fabs(x)));
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return V::max(V(0.0f), x) + vlog1p(vexp(-V::abs(x)));
  }
};
struct SoftsignOp {
  static constexpr int kVec = 2;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return x / (T(1) + std::fabs(x));
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return x / (V(1) + V::abs(x));
  }
};
struct SiluOp {
  static constexpr int kVec = 1;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return x * sigmoid_scalar(x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return x * vsigmoid(x);
  }
};
struct LeakyReluOp {  // p.negative_slope = negative_slope
  static constexpr int kVec = 2;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs& p) {
    return x > T(0) ? x : T(p.negative_slope) * x;
  }
  template <class V>
  static V vec(V x, const UnaryAttrs& p) {
    return V::select(V::gt(x, V(0)), x, V(p.negative_slope) * x);
  }
};
// Keras 3: hard_sigmoid(x) = relu6(x + 3) / 6.
struct HardSigmoidOp {
  static constexpr int kVec = 2;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    const T y = x / T(6) + T(0.5);
    return y < T(0) ? T(0) : (y > T(1) ? T(1) : y);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return V::min(V(1), V::max(V(0), V::fmadd(x, V(1.0 / 6.0), V(0.5))));
  }
};
struct HardSiluOp {
  static constexpr int kVec = 2;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs& p) {
    return x * HardSigmoidOp::scalar(x, p);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs& p) {
    return x * HardSigmoidOp::vec(x, p);
  }
};
struct ArcsinhOp {
  static constexpr int kVec = 0;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return std::asinh(x);
  }
};
struct ErfOp {
  static constexpr int kVec = 1;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return std::erf(x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return verf(x);
  }
};
struct FloorOp {
  static constexpr int kVec = 2;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return std::floor(x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return V::floor(x);
  }
};
struct CeilOp {
  static constexpr int kVec = 2;
  static constexpr bool kInt = false;
  template <class T>
  static T scalar(T x, const UnaryAttrs&) {
    return std::ceil(x);
  }
  template <class V>
  static V vec(V x, const UnaryAttrs&) {
    return V::ceil(x);
  }
};
// Half to even, like numpy; p.a = decimals.
// Half to even, like numpy. Integers keep their dtype (Keras): only negative decimals change
// them, rounding x / 10^-decimals (exact in double) to even.
struct RoundOp {
  static constexpr int kVec = 0;
  static constexpr bool kInt = true;
  template <class T>
  static T scalar(T x, const UnaryAttrs& p) {
    if constexpr (std::is_integral<T>::value) {
      if (p.decimals >= 0) return x;
      const double s = std::pow(10.0, -p.decimals);
      return T(std::nearbyint(double(x) / s) * s);
    }
    if (p.decimals == 0) return std::nearbyint(x);
    const T scale = T(std::pow(10.0, p.decimals));
    return std::nearbyint(x * scale) / scale;
  }
};
// min(hi, max(lo, x)): the bound first so a NaN x propagates. Integer inputs compare in double,
// so a bound outside the dtype's range (clip(uint8, -1, 2)) does not wrap around.
struct ClipOp {
  static constexpr int kVec = 2;
  static constexpr bool kInt = true;
  template <class T>
  static T scalar(T x, const UnaryAttrs& p) {
    if (x != x) return x;
    if constexpr (std::is_integral<T>::value) {
      const double v = double(x) < p.min ? p.min : double(x);
      return v > p.max ? T(p.max) : T(v);
    } else {
      const T y = x < T(p.min) ? T(p.min) : x;  // hi wins when lo > hi, as in the Vec form
      return y > T(p.max) ? T(p.max) : y;
    }
  }
  template <class V>
  static V vec(V x, const UnaryAttrs& p) {
    return V::min(V(p.max), V::max(V(p.min), x));
  }
};

}  // namespace KN_ISA_NS
}  // namespace kn
