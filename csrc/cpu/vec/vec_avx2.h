// Vec<float> (8 lanes) and Vec<double> (4 lanes) on AVX2 + FMA. Masks are full-width registers
// whose lanes are all ones or all zeros.
#pragma once

#include <immintrin.h>

namespace kn {
namespace KN_ISA_NS {

template <class T>
struct Vec;

namespace detail {
inline __m256i partial_mask_epi32(int n) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), idx);
}
inline __m256i partial_mask_epi64(int n) {
  const __m256i idx = _mm256_setr_epi64x(0, 1, 2, 3);
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), idx);
}
}  // namespace detail

template <>
struct Vec<float> {
  static constexpr int size = 8;
  using Mask = __m256;
  __m256 v;
  Vec() = default;
  Vec(__m256 x) : v(x) {}
  Vec(float x) : v(_mm256_set1_ps(x)) {}
  static Vec broadcast(float x) { return _mm256_set1_ps(x); }
  static Vec loadu(const float* p) { return _mm256_loadu_ps(p); }
  static Vec load_partial(const float* p, int n) {
    return _mm256_maskload_ps(p, detail::partial_mask_epi32(n));
  }
  void storeu(float* p) const { _mm256_storeu_ps(p, v); }
  void store_partial(float* p, int n) const {
    _mm256_maskstore_ps(p, detail::partial_mask_epi32(n), v);
  }
  friend Vec operator+(Vec a, Vec b) { return _mm256_add_ps(a.v, b.v); }
  friend Vec operator-(Vec a, Vec b) { return _mm256_sub_ps(a.v, b.v); }
  friend Vec operator*(Vec a, Vec b) { return _mm256_mul_ps(a.v, b.v); }
  friend Vec operator/(Vec a, Vec b) { return _mm256_div_ps(a.v, b.v); }
  Vec operator-() const { return _mm256_xor_ps(v, _mm256_set1_ps(-0.0f)); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a.v, b.v, c.v); }
  static Vec max(Vec a, Vec b) { return _mm256_max_ps(a.v, b.v); }
  static Vec min(Vec a, Vec b) { return _mm256_min_ps(a.v, b.v); }
  static Vec abs(Vec a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a.v); }
  static Vec sqrt(Vec a) { return _mm256_sqrt_ps(a.v); }
  static Vec floor(Vec a) {
    return _mm256_round_ps(a.v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  }
  static Vec ceil(Vec a) { return _mm256_round_ps(a.v, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC); }
  static Vec round(Vec a) {
    return _mm256_round_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static Mask lt(Vec a, Vec b) { return _mm256_cmp_ps(a.v, b.v, _CMP_LT_OQ); }
  static Mask le(Vec a, Vec b) { return _mm256_cmp_ps(a.v, b.v, _CMP_LE_OQ); }
  static Mask gt(Vec a, Vec b) { return _mm256_cmp_ps(a.v, b.v, _CMP_GT_OQ); }
  static Mask ge(Vec a, Vec b) { return _mm256_cmp_ps(a.v, b.v, _CMP_GE_OQ); }
  static Mask eq(Vec a, Vec b) { return _mm256_cmp_ps(a.v, b.v, _CMP_EQ_OQ); }
  static Mask ne(Vec a, Vec b) { return _mm256_cmp_ps(a.v, b.v, _CMP_NEQ_UQ); }
  static Mask isnan(Vec a) { return _mm256_cmp_ps(a.v, a.v, _CMP_UNORD_Q); }
  static Mask mask_and(Mask a, Mask b) { return _mm256_and_ps(a, b); }
  static Mask mask_or(Mask a, Mask b) { return _mm256_or_ps(a, b); }
  static Vec select(Mask m, Vec a, Vec b) { return _mm256_blendv_ps(b.v, a.v, m); }
  static Vec pow2i(Vec n) {
    __m256i i = _mm256_cvtps_epi32(n.v);
    i = _mm256_slli_epi32(_mm256_add_epi32(i, _mm256_set1_epi32(127)), 23);
    return _mm256_castsi256_ps(i);
  }
  static void frexp(Vec x, Vec& m, Vec& e) {
    const __m256i bits = _mm256_castps_si256(x.v);
    const __m256i ex = _mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(126));
    e = _mm256_cvtepi32_ps(ex);
    const __m256i mant = _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x807fffff)),
                                         _mm256_set1_epi32(0x3f000000));
    m = _mm256_castsi256_ps(mant);
  }
  float reduce_add() const {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
  float reduce_max() const {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
  float reduce_min() const {
    __m128 s = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_min_ps(s, _mm_movehl_ps(s, s));
    s = _mm_min_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
};

template <>
struct Vec<double> {
  static constexpr int size = 4;
  using Mask = __m256d;
  __m256d v;
  Vec() = default;
  Vec(__m256d x) : v(x) {}
  Vec(double x) : v(_mm256_set1_pd(x)) {}
  static Vec broadcast(double x) { return _mm256_set1_pd(x); }
  static Vec loadu(const double* p) { return _mm256_loadu_pd(p); }
  static Vec load_partial(const double* p, int n) {
    return _mm256_maskload_pd(p, detail::partial_mask_epi64(n));
  }
  void storeu(double* p) const { _mm256_storeu_pd(p, v); }
  void store_partial(double* p, int n) const {
    _mm256_maskstore_pd(p, detail::partial_mask_epi64(n), v);
  }
  friend Vec operator+(Vec a, Vec b) { return _mm256_add_pd(a.v, b.v); }
  friend Vec operator-(Vec a, Vec b) { return _mm256_sub_pd(a.v, b.v); }
  friend Vec operator*(Vec a, Vec b) { return _mm256_mul_pd(a.v, b.v); }
  friend Vec operator/(Vec a, Vec b) { return _mm256_div_pd(a.v, b.v); }
  Vec operator-() const { return _mm256_xor_pd(v, _mm256_set1_pd(-0.0)); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm256_fmadd_pd(a.v, b.v, c.v); }
  static Vec max(Vec a, Vec b) { return _mm256_max_pd(a.v, b.v); }
  static Vec min(Vec a, Vec b) { return _mm256_min_pd(a.v, b.v); }
  static Vec abs(Vec a) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), a.v); }
  static Vec sqrt(Vec a) { return _mm256_sqrt_pd(a.v); }
  static Vec floor(Vec a) {
    return _mm256_round_pd(a.v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  }
  static Vec ceil(Vec a) { return _mm256_round_pd(a.v, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC); }
  static Vec round(Vec a) {
    return _mm256_round_pd(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static Mask lt(Vec a, Vec b) { return _mm256_cmp_pd(a.v, b.v, _CMP_LT_OQ); }
  static Mask le(Vec a, Vec b) { return _mm256_cmp_pd(a.v, b.v, _CMP_LE_OQ); }
  static Mask gt(Vec a, Vec b) { return _mm256_cmp_pd(a.v, b.v, _CMP_GT_OQ); }
  static Mask ge(Vec a, Vec b) { return _mm256_cmp_pd(a.v, b.v, _CMP_GE_OQ); }
  static Mask eq(Vec a, Vec b) { return _mm256_cmp_pd(a.v, b.v, _CMP_EQ_OQ); }
  static Mask ne(Vec a, Vec b) { return _mm256_cmp_pd(a.v, b.v, _CMP_NEQ_UQ); }
  static Mask isnan(Vec a) { return _mm256_cmp_pd(a.v, a.v, _CMP_UNORD_Q); }
  static Mask mask_and(Mask a, Mask b) { return _mm256_and_pd(a, b); }
  static Mask mask_or(Mask a, Mask b) { return _mm256_or_pd(a, b); }
  static Vec select(Mask m, Vec a, Vec b) { return _mm256_blendv_pd(b.v, a.v, m); }
  static Vec pow2i(Vec n) {
    alignas(32) double t[4];
    _mm256_store_pd(t, n.v);
    for (double& x : t) x = std::ldexp(1.0, int(x));
    return _mm256_load_pd(t);
  }
  static void frexp(Vec x, Vec& m, Vec& e) {
    alignas(32) double t[4], mm[4], ee[4];
    _mm256_store_pd(t, x.v);
    for (int i = 0; i < 4; ++i) {
      int ex;
      mm[i] = std::frexp(t[i], &ex);
      ee[i] = ex;
    }
    m = _mm256_load_pd(mm);
    e = _mm256_load_pd(ee);
  }
  double reduce_add() const {
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
  }
  double reduce_max() const {
    __m128d s = _mm_max_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_max_sd(s, _mm_unpackhi_pd(s, s)));
  }
  double reduce_min() const {
    __m128d s = _mm_min_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_min_sd(s, _mm_unpackhi_pd(s, s)));
  }
};

}  // namespace KN_ISA_NS
}  // namespace kn
