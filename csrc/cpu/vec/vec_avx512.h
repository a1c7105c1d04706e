// Vec<float> (16 lanes) and Vec<double> (8 lanes) on AVX-512 (F, BW, DQ, VL). Masks are k
// registers; partial loads and stores are masked, so tails need no scalar loop.
#pragma once

#include <immintrin.h>

namespace kn {
namespace KN_ISA_NS {

template <class T>
struct Vec;

template <>
struct Vec<float> {
  static constexpr int size = 16;
  using Mask = __mmask16;
  __m512 v;
  Vec() = default;
  Vec(__m512 x) : v(x) {}
  Vec(float x) : v(_mm512_set1_ps(x)) {}
  static Mask tail(int n) { return static_cast<Mask>((n >= 16) ? 0xffff : ((1u << n) - 1u)); }
  static Vec broadcast(float x) { return _mm512_set1_ps(x); }
  static Vec loadu(const float* p) { return _mm512_loadu_ps(p); }
  static Vec load_partial(const float* p, int n) { return _mm512_maskz_loadu_ps(tail(n), p); }
  void storeu(float* p) const { _mm512_storeu_ps(p, v); }
  void store_partial(float* p, int n) const { _mm512_mask_storeu_ps(p, tail(n), v); }
  friend Vec operator+(Vec a, Vec b) { return _mm512_add_ps(a.v, b.v); }
  friend Vec operator-(Vec a, Vec b) { return _mm512_sub_ps(a.v, b.v); }
  friend Vec operator*(Vec a, Vec b) { return _mm512_mul_ps(a.v, b.v); }
  friend Vec operator/(Vec a, Vec b) { return _mm512_div_ps(a.v, b.v); }
  Vec operator-() const {
    return _mm512_castsi512_ps(
        _mm512_xor_si512(_mm512_castps_si512(v), _mm512_set1_epi32(0x80000000)));
  }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a.v, b.v, c.v); }
  static Vec max(Vec a, Vec b) { return _mm512_max_ps(a.v, b.v); }
  static Vec min(Vec a, Vec b) { return _mm512_min_ps(a.v, b.v); }
  static Vec abs(Vec a) { return _mm512_abs_ps(a.v); }
  static Vec sqrt(Vec a) { return _mm512_sqrt_ps(a.v); }
  static Vec floor(Vec a) {
    return _mm512_roundscale_ps(a.v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  }
  static Vec ceil(Vec a) {
    return _mm512_roundscale_ps(a.v, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC);
  }
  static Vec round(Vec a) {
    return _mm512_roundscale_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static Mask lt(Vec a, Vec b) { return _mm512_cmp_ps_mask(a.v, b.v, _CMP_LT_OQ); }
  static Mask le(Vec a, Vec b) { return _mm512_cmp_ps_mask(a.v, b.v, _CMP_LE_OQ); }
  static Mask gt(Vec a, Vec b) { return _mm512_cmp_ps_mask(a.v, b.v, _CMP_GT_OQ); }
  static Mask ge(Vec a, Vec b) { return _mm512_cmp_ps_mask(a.v, b.v, _CMP_GE_OQ); }
  static Mask eq(Vec a, Vec b) { return _mm512_cmp_ps_mask(a.v, b.v, _CMP_EQ_OQ); }
  static Mask ne(Vec a, Vec b) { return _mm512_cmp_ps_mask(a.v, b.v, _CMP_NEQ_UQ); }
  static Mask isnan(Vec a) { return _mm512_cmp_ps_mask(a.v, a.v, _CMP_UNORD_Q); }
  static Mask mask_and(Mask a, Mask b) { return a & b; }
  static Mask mask_or(Mask a, Mask b) { return a | b; }
  static Vec select(Mask m, Vec a, Vec b) { return _mm512_mask_blend_ps(m, b.v, a.v); }
  // a * 2^n for integer-valued n over the whole range (gradual underflow, overflow to inf).
  static Vec scalef(Vec a, Vec n) { return _mm512_scalef_ps(a.v, n.v); }
  static Vec pow2i(Vec n) {
    __m512i i = _mm512_cvtps_epi32(n.v);
    i = _mm512_slli_epi32(_mm512_add_epi32(i, _mm512_set1_epi32(127)), 23);
    return _mm512_castsi512_ps(i);
  }
  static void frexp(Vec x, Vec& m, Vec& e) {
    // getexp gives floor(log2|x|); getmant with [1, 2) interval gives the mantissa in [1, 2).
    e = _mm512_add_ps(_mm512_getexp_ps(x.v), _mm512_set1_ps(1.0f));
    m = _mm512_mul_ps(_mm512_getmant_ps(x.v, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src),
                      _mm512_set1_ps(0.5f));
  }
  float reduce_add() const { return _mm512_reduce_add_ps(v); }
  float reduce_max() const { return _mm512_reduce_max_ps(v); }
  float reduce_min() const { return _mm512_reduce_min_ps(v); }
};

template <>
struct Vec<double> {
  static constexpr int size = 8;
  using Mask = __mmask8;
  __m512d v;
  Vec() = default;
  Vec(__m512d x) : v(x) {}
  Vec(double x) : v(_mm512_set1_pd(x)) {}
  static Mask tail(int n) { return static_cast<Mask>((n >= 8) ? 0xff : ((1u << n) - 1u)); }
  static Vec broadcast(double x) { return _mm512_set1_pd(x); }
  static Vec loadu(const double* p) { return _mm512_loadu_pd(p); }
  static Vec load_partial(const double* p, int n) { return _mm512_maskz_loadu_pd(tail(n), p); }
  void storeu(double* p) const { _mm512_storeu_pd(p, v); }
  void store_partial(double* p, int n) const { _mm512_mask_storeu_pd(p, tail(n), v); }
  friend Vec operator+(Vec a, Vec b) { return _mm512_add_pd(a.v, b.v); }
  friend Vec operator-(Vec a, Vec b) { return _mm512_sub_pd(a.v, b.v); }
  friend Vec operator*(Vec a, Vec b) { return _mm512_mul_pd(a.v, b.v); }
  friend Vec operator/(Vec a, Vec b) { return _mm512_div_pd(a.v, b.v); }
  Vec operator-() const {
    return _mm512_castsi512_pd(
        _mm512_xor_si512(_mm512_castpd_si512(v), _mm512_set1_epi64(0x8000000000000000LL)));
  }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm512_fmadd_pd(a.v, b.v, c.v); }
  static Vec max(Vec a, Vec b) { return _mm512_max_pd(a.v, b.v); }
  static Vec min(Vec a, Vec b) { return _mm512_min_pd(a.v, b.v); }
  static Vec abs(Vec a) { return _mm512_abs_pd(a.v); }
  static Vec sqrt(Vec a) { return _mm512_sqrt_pd(a.v); }
  static Vec floor(Vec a) {
    return _mm512_roundscale_pd(a.v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  }
  static Vec ceil(Vec a) {
    return _mm512_roundscale_pd(a.v, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC);
  }
  static Vec round(Vec a) {
    return _mm512_roundscale_pd(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static Mask lt(Vec a, Vec b) { return _mm512_cmp_pd_mask(a.v, b.v, _CMP_LT_OQ); }
  static Mask le(Vec a, Vec b) { return _mm512_cmp_pd_mask(a.v, b.v, _CMP_LE_OQ); }
  static Mask gt(Vec a, Vec b) { return _mm512_cmp_pd_mask(a.v, b.v, _CMP_GT_OQ); }
  static Mask ge(Vec a, Vec b) { return _mm512_cmp_pd_mask(a.v, b.v, _CMP_GE_OQ); }
  static Mask eq(Vec a, Vec b) { return _mm512_cmp_pd_mask(a.v, b.v, _CMP_EQ_OQ); }
  static Mask ne(Vec a, Vec b) { return _mm512_cmp_pd_mask(a.v, b.v, _CMP_NEQ_UQ); }
  static Mask isnan(Vec a) { return _mm512_cmp_pd_mask(a.v, a.v, _CMP_UNORD_Q); }
  static Mask mask_and(Mask a, Mask b) { return a & b; }
  static Mask mask_or(Mask a, Mask b) { return a | b; }
  static Vec select(Mask m, Vec a, Vec b) { return _mm512_mask_blend_pd(m, b.v, a.v); }
  static Vec pow2i(Vec n) {
    __m512i i = _mm512_cvtpd_epi64(n.v);
    i = _mm512_slli_epi64(_mm512_add_epi64(i, _mm512_set1_epi64(1023)), 52);
    return _mm512_castsi512_pd(i);
  }
  static void frexp(Vec x, Vec& m, Vec& e) {
    e = _mm512_add_pd(_mm512_getexp_pd(x.v), _mm512_set1_pd(1.0));
    m = _mm512_mul_pd(_mm512_getmant_pd(x.v, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src),
                      _mm512_set1_pd(0.5));
  }
  double reduce_add() const { return _mm512_reduce_add_pd(v); }
  double reduce_max() const { return _mm512_reduce_max_pd(v); }
  double reduce_min() const { return _mm512_reduce_min_pd(v); }
};

}  // namespace KN_ISA_NS
}  // namespace kn
