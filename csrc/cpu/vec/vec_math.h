// Vectorised float32 transcendental functions on Vec<float>, written once against the Vec
// interface (so each ISA level gets its own copy). Accuracy: within a few ulp of the correctly
// rounded result over the whole range; inf, -inf and NaN behave as in <cmath>.
// float64 kernels call <cmath> per element instead (accuracy first, float64 is not the fast path).
#pragma once

#include <cfloat>

#include "cpu/vec/vec.h"

namespace kn {
namespace KN_ISA_NS {

using VecF = Vec<float>;

// exp: x = n ln2 + r with |r| <= ln2/2, e^r by a degree-6 polynomial (Cephes expf), times 2^n.
// 2^n is built from the exponent bits, so n outside [-125, 127] is applied in two steps.
inline VecF vexp(VecF x) {
  const VecF hi(88.7228391f), lo(-103.972084f);
  const VecF xc = VecF::min(VecF::max(x, lo), hi);
  const VecF n = VecF::round(xc * VecF(1.44269504088896341f));
  VecF r = VecF::fmadd(n, VecF(-0.693359375f), xc);
  r = VecF::fmadd(n, VecF(2.12194440e-4f), r);
  VecF p(1.9875691500e-4f);
  p = VecF::fmadd(p, r, VecF(1.3981999507e-3f));
  p = VecF::fmadd(p, r, VecF(8.3334519073e-3f));
  p = VecF::fmadd(p, r, VecF(4.1665795894e-2f));
  p = VecF::fmadd(p, r, VecF(1.6666665459e-1f));
  p = VecF::fmadd(p, r, VecF(5.0000001201e-1f));
  p = VecF::fmadd(p * r, r, r + VecF(1.0f));
#if defined(__AVX512F__)
  VecF y = VecF::scalef(p, n);  // one instruction for the whole exponent range
#else
  const auto deep = VecF::lt(n, VecF(-125.0f));
  const auto high = VecF::gt(n, VecF(127.0f));
  VecF ns = VecF::select(deep, n + VecF(64.0f), n);
  ns = VecF::select(high, n - VecF(1.0f), ns);
  VecF y = p * VecF::pow2i(ns);
  y = VecF::select(deep, y * VecF(5.42101086e-20f), y);  // 2^-64
  y = VecF::select(high, y * VecF(2.0f), y);
#endif
  y = VecF::select(VecF::lt(x, lo), VecF(0.0f), y);
  y = VecF::select(VecF::gt(x, hi), VecF(HUGE_VALF), y);
  return VecF::select(VecF::isnan(x), x, y);
}

// log: x = m 2^e with m in [sqrt(0.5), sqrt(2)), log(m) by the Cephes logf polynomial.
inline VecF vlog(VecF x) {
  // Denormals: scale into the normal range first.
  const auto tiny = VecF::lt(x, VecF(FLT_MIN));
  const VecF xs = VecF::select(tiny, x * VecF(8388608.0f), x);  // 2^23
  VecF m, e;
  VecF::frexp(xs, m, e);
  e = VecF::select(tiny, e - VecF(23.0f), e);
  const auto small = VecF::lt(m, VecF(0.707106781186547524f));
  // m < sqrt(0.5): use 2m - 1 and e - 1; else m - 1.
  m = VecF::select(small, m + m, m) - VecF(1.0f);
  e = VecF::select(small, e - VecF(1.0f), e);
  const VecF z = m * m;
  VecF p(7.0376836292e-2f);
  p = VecF::fmadd(p, m, VecF(-1.1514610310e-1f));
  p = VecF::fmadd(p, m, VecF(1.1676998740e-1f));
  p = VecF::fmadd(p, m, VecF(-1.2420140846e-1f));
  p = VecF::fmadd(p, m, VecF(1.4249322787e-1f));
  p = VecF::fmadd(p, m, VecF(-1.6668057665e-1f));
  p = VecF::fmadd(p, m, VecF(2.0000714765e-1f));
  p = VecF::fmadd(p, m, VecF(-2.4999993993e-1f));
  p = VecF::fmadd(p, m, VecF(3.3333331174e-1f));
  VecF y = p * m * z;
  y = VecF::fmadd(e, VecF(-2.12194440e-4f), y);
  y = VecF::fmadd(z, VecF(-0.5f), y);
  y = m + y;
  y = VecF::fmadd(e, VecF(0.693359375f), y);
  y = VecF::select(VecF::eq(x, VecF(0.0f)), VecF(-HUGE_VALF), y);
  y = VecF::select(VecF::lt(x, VecF(0.0f)), VecF(NAN), y);
  y = VecF::select(VecF::eq(x, VecF(HUGE_VALF)), x, y);
  return VecF::select(VecF::isnan(x), x, y);
}

// expm1: a polynomial near 0 (where exp(x) - 1 would cancel), exp(x) - 1 elsewhere.
inline VecF vexpm1(VecF x) {
  VecF p(1.0f / 5040.0f);
  p = VecF::fmadd(p, x, VecF(1.0f / 720.0f));
  p = VecF::fmadd(p, x, VecF(1.0f / 120.0f));
  p = VecF::fmadd(p, x, VecF(1.0f / 24.0f));
  p = VecF::fmadd(p, x, VecF(1.0f / 6.0f));
  p = VecF::fmadd(p, x, VecF(0.5f));
  const VecF near = VecF::fmadd(p * x, x, x);
  const VecF far = vexp(x) - VecF(1.0f);
  return VecF::select(VecF::lt(VecF::abs(x), VecF(0.25f)), near, far);
}

// log1p: log(u) - ((u - 1) - x) / u with u = 1 + x corrects the rounding of 1 + x.
inline VecF vlog1p(VecF x) {
  const VecF u = x + VecF(1.0f);
  const VecF d = u - VecF(1.0f);
  const VecF lu = vlog(u);
  const VecF corrected = lu - (d - x) / u;
  VecF y = VecF::select(VecF::eq(d, VecF(0.0f)), x, corrected);
  y = VecF::select(VecF::eq(u, VecF(0.0f)), lu, y);  // x = -1: -inf, not -inf - 0/0
  return VecF::select(VecF::eq(x, VecF(HUGE_VALF)), x, y);
}

// tanh: odd polynomial for |x| < 0.625 (Cephes tanhf), 1 - 2 / (e^{2|x|} + 1) beyond.
inline VecF vtanh(VecF x) {
  const VecF ax = VecF::abs(x);
  const VecF z = x * x;
  VecF p(-5.70498872745e-3f);
  p = VecF::fmadd(p, z, VecF(2.06390887954e-2f));
  p = VecF::fmadd(p, z, VecF(-5.37397155531e-2f));
  p = VecF::fmadd(p, z, VecF(1.33314422036e-1f));
  p = VecF::fmadd(p, z, VecF(-3.33332819422e-1f));
  const VecF near = VecF::fmadd(p * z, x, x);
  VecF far = VecF(1.0f) - VecF(2.0f) / (vexp(ax + ax) + VecF(1.0f));
  far = VecF::select(VecF::lt(x, VecF(0.0f)), -far, far);
  const VecF y = VecF::select(VecF::lt(ax, VecF(0.625f)), near, far);
  return VecF::select(VecF::isnan(x), x, y);
}

inline VecF vsigmoid(VecF x) { return VecF(1.0f) / (VecF(1.0f) + vexp(-x)); }

// erf: Taylor series for |x| < 0.5; for larger |x|, 1 - t exp(-x^2 + P(t)) with t = 1/(1+|x|/2)
// (the Chebyshev fit of Numerical Recipes, relative error < 1.2e-7 in erfc).
inline VecF verf(VecF x) {
  const VecF ax = VecF::abs(x);
  const VecF z = x * x;
  VecF s(-1.0f / 75600.0f * 1.1283791671f);
  s = VecF::fmadd(s, z, VecF(1.0f / 9360.0f * 1.1283791671f));
  s = VecF::fmadd(s, z, VecF(-1.0f / 1320.0f * 1.1283791671f));
  s = VecF::fmadd(s, z, VecF(1.0f / 216.0f * 1.1283791671f));
  s = VecF::fmadd(s, z, VecF(-1.0f / 42.0f * 1.1283791671f));
  s = VecF::fmadd(s, z, VecF(1.0f / 10.0f * 1.1283791671f));
  s = VecF::fmadd(s, z, VecF(-1.0f / 3.0f * 1.1283791671f));
  s = VecF::fmadd(s, z, VecF(1.1283791671f));
  const VecF near = s * x;
  const VecF t = VecF(1.0f) / VecF::fmadd(VecF(0.5f), ax, VecF(1.0f));
  VecF q(0.17087277f);
  q = VecF::fmadd(q, t, VecF(-0.82215223f));
  q = VecF::fmadd(q, t, VecF(1.48851587f));
  q = VecF::fmadd(q, t, VecF(-1.13520398f));
  q = VecF::fmadd(q, t, VecF(0.27886807f));
  q = VecF::fmadd(q, t, VecF(-0.18628806f));
  q = VecF::fmadd(q, t, VecF(0.09678418f));
  q = VecF::fmadd(q, t, VecF(0.37409196f));
  q = VecF::fmadd(q, t, VecF(1.00002368f));
  q = VecF::fmadd(q, t, VecF(-1.26551223f));
  VecF far = VecF(1.0f) - t * vexp(q - z);
  far = VecF::select(VecF::lt(x, VecF(0.0f)), -far, far);
  const VecF y = VecF::select(VecF::lt(ax, VecF(0.5f)), near, far);
  return VecF::select(VecF::isnan(x), x, y);
}

}  // namespace KN_ISA_NS
}  // namespace kn
