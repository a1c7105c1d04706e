// Register-tile kernels of the float32 convolutions (ISA-namespaced like vec.h; included by
// conv_cpu.cpp and conv_backprop_filter_cpu.cpp). They read image patches through row pointers
// instead of packing them (an indirect GEMM):
//
//   conv_tile:   y[r, 0:NR] = sum_q sum_c rows[q][r][c] * wp[q][c][0:NR]       r < MR
//   conv_tile_row: conv_tile for MR neighbouring positions of one output row (few channels)
//   dw_tile:     dw[c0 + i, 0:NR] += sum_k xrows[k * xs][c0 + i] * dy[k, 0:NR]  i < MR
//   dw_tile_rows: dw[r, 0:NR] += sum_k base[r][k * step] * dy[k, 0:NR]         r < MR
//
// rows[q][r] points at the input channels of output position r under kernel tap q (or at a
// zero row in the padding); wp is the weight panel packed [kvol][Cg][NR]. MR x NR is the
// register tile: AVX-512 12 x 32, AVX2 6 x 16, generic 4 x 4.
#pragma once

#ifndef KN_ISA_NS
#error "conv_tiles.h is for *_cpu.cpp kernel files"
#endif

#include <cstdint>

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

namespace kn {
namespace KN_ISA_NS {

#if defined(__AVX512F__)
constexpr int kConvMR = 12;
constexpr int kConvNR = 32;
#define KN_R12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

// Full tile; `out` has leading dimension ldo. add: out += tile.
inline void conv_tile(const float* const* rows, int64_t kvol, int64_t cg, const float* wp,
                      float* out, int64_t ldo, bool add) {
#define KN_DECL(r) __m512 c##r##0 = _mm512_setzero_ps(), c##r##1 = _mm512_setzero_ps();
  KN_R12(KN_DECL)
#undef KN_DECL
  for (int64_t q = 0; q < kvol; ++q) {
    const float* const* rq = rows + q * kConvMR;
#define KN_PTR(r) const float* p##r = rq[r];
    KN_R12(KN_PTR)
#undef KN_PTR
    const float* w = wp + q * cg * kConvNR;
    for (int64_t c = 0; c < cg; ++c, w += kConvNR) {
      const __m512 b0 = _mm512_loadu_ps(w), b1 = _mm512_loadu_ps(w + 16);
#define KN_FMA(r)                              \
  {                                            \
    const __m512 a = _mm512_set1_ps(p##r[c]);  \
    c##r##0 = _mm512_fmadd_ps(a, b0, c##r##0); \
    c##r##1 = _mm512_fmadd_ps(a, b1, c##r##1); \
  }
      KN_R12(KN_FMA)
#undef KN_FMA
    }
  }
#define KN_ST(r)                                                 \
  {                                                              \
    float* o = out + r * ldo;                                    \
    if (add) {                                                   \
      c##r##0 = _mm512_add_ps(c##r##0, _mm512_loadu_ps(o));      \
      c##r##1 = _mm512_add_ps(c##r##1, _mm512_loadu_ps(o + 16)); \
    }                                                            \
    _mm512_storeu_ps(o, c##r##0);                                \
    _mm512_storeu_ps(o + 16, c##r##1);                           \
  }
  KN_R12(KN_ST)
#undef KN_ST
}

// Tile of MR consecutive positions of one output row, for few input channels: row r reads pair t
// (tap, channel) at xs[toff[t] + r * STEP] (STEP = stride * C floats between the windows of
// neighbouring positions), so no per-position pointers are loaded; wp is [T][NR].
template <int STEP>
inline void conv_tile_row(const float* xs, const int64_t* toff, int64_t T, const float* wp,
                          float* out, int64_t ldo) {
#define KN_DECL(r) __m512 c##r##0 = _mm512_setzero_ps(), c##r##1 = _mm512_setzero_ps();
  KN_R12(KN_DECL)
#undef KN_DECL
  for (int64_t t = 0; t < T; ++t, wp += kConvNR) {
    const float* p = xs + toff[t];
    const __m512 b0 = _mm512_loadu_ps(wp), b1 = _mm512_loadu_ps(wp + 16);
#define KN_FMA(r)                                 \
  {                                               \
    const __m512 a = _mm512_set1_ps(p[r * STEP]); \
    c##r##0 = _mm512_fmadd_ps(a, b0, c##r##0);    \
    c##r##1 = _mm512_fmadd_ps(a, b1, c##r##1);    \
  }
    KN_R12(KN_FMA)
#undef KN_FMA
  }
#define KN_ST(r)                            \
  _mm512_storeu_ps(out + r * ldo, c##r##0); \
  _mm512_storeu_ps(out + r * ldo + 16, c##r##1);
  KN_R12(KN_ST)
#undef KN_ST
}
constexpr bool kHasConvTileRow = true;

// dw tile: MR consecutive channels x NR filters, accumulated over `nk` output positions.
// dw_tile8 is the same with 8 channels: for channel counts that are a multiple of 8 but not of
// 12 (32, 64, 128), where a 12-row tiling wastes part of its last tile.
#define KN_DW_TILE(NAME, ROWS)                                                                     \
  inline void NAME(const float* const* xrows, int64_t xs, int64_t nk, int64_t c0, const float* dy, \
                   int64_t ldy, float* out, int64_t ldo) {                                         \
    ROWS(KN_DW_DECL)                                                                               \
    for (int64_t k = 0; k < nk; ++k) {                                                             \
      const float* x = xrows[k * xs] + c0;                                                         \
      const float* d = dy + k * ldy;                                                               \
      const __m512 b0 = _mm512_loadu_ps(d), b1 = _mm512_loadu_ps(d + 16);                          \
      ROWS(KN_DW_FMA)                                                                              \
    }                                                                                              \
    ROWS(KN_DW_ST)                                                                                 \
  }
#define KN_DW_DECL(r) \
  __m512 c##r##0 = _mm512_loadu_ps(out + r * ldo), c##r##1 = _mm512_loadu_ps(out + r * ldo + 16);
#define KN_DW_FMA(r)                           \
  {                                            \
    const __m512 a = _mm512_set1_ps(x[r]);     \
    c##r##0 = _mm512_fmadd_ps(a, b0, c##r##0); \
    c##r##1 = _mm512_fmadd_ps(a, b1, c##r##1); \
  }
#define KN_DW_ST(r)                         \
  _mm512_storeu_ps(out + r * ldo, c##r##0); \
  _mm512_storeu_ps(out + r * ldo + 16, c##r##1);
#define KN_R8(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
KN_DW_TILE(dw_tile, KN_R12)
KN_DW_TILE(dw_tile8, KN_R8)
constexpr bool kHasDwTile8 = true;
#undef KN_R8
#undef KN_DW_ST
#undef KN_DW_FMA
#undef KN_DW_DECL
#undef KN_DW_TILE

// dw tile whose row r reads base[r][k * step] at position k: rows are (tap, channel) pairs along
// one output row, for inputs with fewer channels than MR.
inline void dw_tile_rows(const float* const* base, int64_t step, int64_t nk, const float* dy,
                         int64_t ldy, float* out, int64_t ldo) {
#define KN_DECL(r) \
  __m512 c##r##0 = _mm512_loadu_ps(out + r * ldo), c##r##1 = _mm512_loadu_ps(out + r * ldo + 16);
  KN_R12(KN_DECL)
#undef KN_DECL
#define KN_PTR(r) const float* p##r = base[r];
  KN_R12(KN_PTR)
#undef KN_PTR
  for (int64_t k = 0, off = 0; k < nk; ++k, off += step) {
    const float* d = dy + k * ldy;
    const __m512 b0 = _mm512_loadu_ps(d), b1 = _mm512_loadu_ps(d + 16);
#define KN_FMA(r)                               \
  {                                             \
    const __m512 a = _mm512_set1_ps(p##r[off]); \
    c##r##0 = _mm512_fmadd_ps(a, b0, c##r##0);  \
    c##r##1 = _mm512_fmadd_ps(a, b1, c##r##1);  \
  }
    KN_R12(KN_FMA)
#undef KN_FMA
  }
#define KN_ST(r)                            \
  _mm512_storeu_ps(out + r * ldo, c##r##0); \
  _mm512_storeu_ps(out + r * ldo + 16, c##r##1);
  KN_R12(KN_ST)
#undef KN_ST
}
#undef KN_R12

#elif defined(__AVX2__)
constexpr int kConvMR = 6;
constexpr bool kHasDwTile8 = false;
constexpr bool kHasConvTileRow = false;
constexpr int kConvNR = 16;
#define KN_R6(X) X(0) X(1) X(2) X(3) X(4) X(5)

inline void conv_tile(const float* const* rows, int64_t kvol, int64_t cg, const float* wp,
                      float* out, int64_t ldo, bool add) {
#define KN_DECL(r) __m256 c##r##0 = _mm256_setzero_ps(), c##r##1 = _mm256_setzero_ps();
  KN_R6(KN_DECL)
#undef KN_DECL
  for (int64_t q = 0; q < kvol; ++q) {
    const float* const* rq = rows + q * kConvMR;
#define KN_PTR(r) const float* p##r = rq[r];
    KN_R6(KN_PTR)
#undef KN_PTR
    const float* w = wp + q * cg * kConvNR;
    for (int64_t c = 0; c < cg; ++c, w += kConvNR) {
      const __m256 b0 = _mm256_loadu_ps(w), b1 = _mm256_loadu_ps(w + 8);
#define KN_FMA(r)                                   \
  {                                                 \
    const __m256 a = _mm256_broadcast_ss(p##r + c); \
    c##r##0 = _mm256_fmadd_ps(a, b0, c##r##0);      \
    c##r##1 = _mm256_fmadd_ps(a, b1, c##r##1);      \
  }
      KN_R6(KN_FMA)
#undef KN_FMA
    }
  }
#define KN_ST(r)                                                \
  {                                                             \
    float* o = out + r * ldo;                                   \
    if (add) {                                                  \
      c##r##0 = _mm256_add_ps(c##r##0, _mm256_loadu_ps(o));     \
      c##r##1 = _mm256_add_ps(c##r##1, _mm256_loadu_ps(o + 8)); \
    }                                                           \
    _mm256_storeu_ps(o, c##r##0);                               \
    _mm256_storeu_ps(o + 8, c##r##1);                           \
  }
  KN_R6(KN_ST)
#undef KN_ST
}

inline void dw_tile(const float* const* xrows, int64_t xs, int64_t nk, int64_t c0, const float* dy,
                    int64_t ldy, float* out, int64_t ldo) {
#define KN_DECL(r) \
  __m256 c##r##0 = _mm256_loadu_ps(out + r * ldo), c##r##1 = _mm256_loadu_ps(out + r * ldo + 8);
  KN_R6(KN_DECL)
#undef KN_DECL
  for (int64_t k = 0; k < nk; ++k) {
    const float* x = xrows[k * xs] + c0;
    const float* d = dy + k * ldy;
    const __m256 b0 = _mm256_loadu_ps(d), b1 = _mm256_loadu_ps(d + 8);
#define KN_FMA(r)                                \
  {                                              \
    const __m256 a = _mm256_broadcast_ss(x + r); \
    c##r##0 = _mm256_fmadd_ps(a, b0, c##r##0);   \
    c##r##1 = _mm256_fmadd_ps(a, b1, c##r##1);   \
  }
    KN_R6(KN_FMA)
#undef KN_FMA
  }
#define KN_ST(r)                            \
  _mm256_storeu_ps(out + r * ldo, c##r##0); \
  _mm256_storeu_ps(out + r * ldo + 8, c##r##1);
  KN_R6(KN_ST)
#undef KN_ST
}

inline void dw_tile_rows(const float* const* base, int64_t step, int64_t nk, const float* dy,
                         int64_t ldy, float* out, int64_t ldo) {
#define KN_DECL(r) \
  __m256 c##r##0 = _mm256_loadu_ps(out + r * ldo), c##r##1 = _mm256_loadu_ps(out + r * ldo + 8);
  KN_R6(KN_DECL)
#undef KN_DECL
#define KN_PTR(r) const float* p##r = base[r];
  KN_R6(KN_PTR)
#undef KN_PTR
  for (int64_t k = 0, off = 0; k < nk; ++k, off += step) {
    const float* d = dy + k * ldy;
    const __m256 b0 = _mm256_loadu_ps(d), b1 = _mm256_loadu_ps(d + 8);
#define KN_FMA(r)                                     \
  {                                                   \
    const __m256 a = _mm256_broadcast_ss(p##r + off); \
    c##r##0 = _mm256_fmadd_ps(a, b0, c##r##0);        \
    c##r##1 = _mm256_fmadd_ps(a, b1, c##r##1);        \
  }
    KN_R6(KN_FMA)
#undef KN_FMA
  }
#define KN_ST(r)                            \
  _mm256_storeu_ps(out + r * ldo, c##r##0); \
  _mm256_storeu_ps(out + r * ldo + 8, c##r##1);
  KN_R6(KN_ST)
#undef KN_ST
}
#undef KN_R6

#else
constexpr int kConvMR = 4;
constexpr bool kHasDwTile8 = false;
constexpr bool kHasConvTileRow = false;
constexpr int kConvNR = 4;

inline void conv_tile(const float* const* rows, int64_t kvol, int64_t cg, const float* wp,
                      float* out, int64_t ldo, bool add) {
  float acc[kConvMR][kConvNR] = {};
  for (int64_t q = 0; q < kvol; ++q) {
    for (int64_t c = 0; c < cg; ++c) {
      const float* w = wp + (q * cg + c) * kConvNR;
      for (int r = 0; r < kConvMR; ++r) {
        const float a = rows[q * kConvMR + r][c];
        for (int j = 0; j < kConvNR; ++j) acc[r][j] += a * w[j];
      }
    }
  }
  for (int r = 0; r < kConvMR; ++r) {
    for (int j = 0; j < kConvNR; ++j)
      out[r * ldo + j] = add ? out[r * ldo + j] + acc[r][j] : acc[r][j];
  }
}

inline void dw_tile(const float* const* xrows, int64_t xs, int64_t nk, int64_t c0, const float* dy,
                    int64_t ldy, float* out, int64_t ldo) {
  float acc[kConvMR][kConvNR];
  for (int r = 0; r < kConvMR; ++r) {
    for (int j = 0; j < kConvNR; ++j) acc[r][j] = out[r * ldo + j];
  }
  for (int64_t k = 0; k < nk; ++k) {
    for (int r = 0; r < kConvMR; ++r) {
      const float a = xrows[k * xs][c0 + r];
      for (int j = 0; j < kConvNR; ++j) acc[r][j] += a * dy[k * ldy + j];
    }
  }
  for (int r = 0; r < kConvMR; ++r) {
    for (int j = 0; j < kConvNR; ++j) out[r * ldo + j] = acc[r][j];
  }
}

inline void dw_tile_rows(const float* const* base, int64_t step, int64_t nk, const float* dy,
                         int64_t ldy, float* out, int64_t ldo) {
  for (int64_t k = 0; k < nk; ++k) {
    for (int r = 0; r < kConvMR; ++r) {
      const float a = base[r][k * step];
      for (int j = 0; j < kConvNR; ++j) out[r * ldo + j] += a * dy[k * ldy + j];
    }
  }
}
#endif

}  // namespace KN_ISA_NS
}  // namespace kn
