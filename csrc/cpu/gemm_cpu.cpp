// The GEMM kernels (compiled once per ISA level; see gemm.h for the contract).
//
// Note [GEMM blocking]
// Loops, outermost first: jc over N by NC, pc over K by KC (B block packed once, shared by the
// threads), then the (ic block of MC rows) x (jr panel of NR columns) tiles are handed out to the
// threads; each thread packs the A block it works on into its own buffer. When M has too few
// MC blocks to keep the threads busy (skinny and small-M shapes), the work is split along N
// panels instead. The micro-kernel keeps an MR x NR tile of C in registers:
//   AVX-512: 12 x 32 (24 zmm accumulators)   AVX2: 6 x 16 (12 ymm)   generic: 4 x 4 floats
// and writes it once per K block (adding the previous partial sums; the epilogue runs on the
// last K block). Edge tiles go through a small buffer (4- and 8-row tail kernels on AVX-512),
// and on AVX-512 full tiles read a row-major A in place (Note [A in place]).
//
// Which path a product takes (sgemm_kernel): small ones and few-row ones with row-major B run
// the unpacked kernel (Note [Unpacked small GEMM]); narrow ones (N <= 2 vectors) their own
// row kernel; small parallel ones split C between the threads (Note [Small parallel GEMM]);
// long K over a small C splits K; everything else is the blocked algorithm above.
//
// Why one file of ~800 lines: the blocking constants, the packing routines, the micro-kernels and
// the drivers that choose between them are tuned together and inlined into each other within one
// translation unit per ISA level (the micro-kernel into the macro-kernel loop, the packing into
// the blocked driver). Split into several *_cpu.cpp files they would either call each other
// across translation units in the innermost loops or move into a header of inline functions that
// is just this file under another name.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "core/allocator.h"
#include "core/parallel.h"
#include "cpu/gemm.h"
#include "cpu/vec/vec.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

#if defined(__AVX512F__)
constexpr int kMR = 12;
constexpr int kNV = 2;  // vectors per row of the tile
// A 12 x KC panel of A fills L1 for KC = 1024; B micro-panels stream from L2. A long K block
// means C is read and written 4x less often than with the textbook KC = 256. MC = 48 (not 96):
// the same speed on one thread, 4-7% faster on two at N = 512..2048, where 96-row blocks
// leave one thread a block short at the end of each K block.
int64_t kKC = 1024, kMC = 48, kNC = 1024;
#elif defined(__AVX2__)
constexpr int kMR = 6;
constexpr int kNV = 2;
int64_t kKC = 512, kMC = 96, kNC = 1024;
#else
constexpr int kMR = 4;
constexpr int kNV = 4;
int64_t kKC = 256, kMC = 64, kNC = 2048;
#endif
// KN_GEMM_KC / KN_GEMM_MC / KN_GEMM_NC override the blocking (for tuning on a new machine).
struct TuneFromEnv {
  TuneFromEnv() {
    if (const char* e = std::getenv("KN_GEMM_KC")) kKC = std::atoll(e);
    if (const char* e = std::getenv("KN_GEMM_MC")) kMC = std::atoll(e);
    if (const char* e = std::getenv("KN_GEMM_NC")) kNC = std::atoll(e);
  }
} tune_from_env;

using VF = Vec<float>;
constexpr int kNR = kNV * VF::size;

#if defined(__AVX512F__)
// Transposes 16 x 16 floats held in 16 registers (r[i] = row i) in place: afterwards r[j] holds
// column j.
inline void transpose16x16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int h = 0; h < 16; h += 8) {
    for (int i = 0; i < 4; ++i) {
      t[h + i] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0x88);
      t[h + i + 4] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0xdd);
    }
  }
  for (int i = 0; i < 8; ++i) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
  }
}

// Row-major A (Dense inputs, dy): the 12 rows of a panel are read 16 columns at a time and
// transposed in registers (a 16 x 16 transpose with 4 zero rows), instead of one scalar move per
// element. Returns how many columns it packed (a multiple of 16).
int64_t pack_a_rows_transposed(const float* a, int64_t rsa, int64_t kc, float* out) {
  static_assert(kMR == 12, "the transpose below pads 12 rows to 16");
  int64_t k = 0;
  for (; k + 16 <= kc; k += 16) {
    __m512 r[16];
    for (int i = 0; i < kMR; ++i) r[i] = _mm512_loadu_ps(a + i * rsa + k);
    for (int i = kMR; i < 16; ++i) r[i] = _mm512_setzero_ps();
    transpose16x16(r);
    for (int j = 0; j < 16; ++j)
      _mm512_mask_storeu_ps(out + (k + j) * kMR, __mmask16(0x0fff), r[j]);
  }
  return k;
}

// Column-major B (B transposed, as in dy @ W^T): each column of a panel is contiguous along k, so
// 16 columns x 16 k are loaded as rows and transposed in registers. Returns the k rows packed.
int64_t pack_b_cols_transposed(const float* b, int64_t csb, int64_t kc, float* out) {
  static_assert(kNR == 32, "two 16-column halves per panel");
  int64_t k = 0;
  for (; k + 16 <= kc; k += 16) {
    for (int h = 0; h < 2; ++h) {
      __m512 r[16];
      for (int j = 0; j < 16; ++j) r[j] = _mm512_loadu_ps(b + (h * 16 + j) * csb + k);
      transpose16x16(r);
      for (int i = 0; i < 16; ++i) _mm512_storeu_ps(out + (k + i) * kNR + h * 16, r[i]);
    }
  }
  return k;
}
#endif

// Packs rows [i0, i0+mc) x cols [k0, k0+kc) of A into MR-row panels: panel p, step k holds
// A(i0 + p*MR + r, k0 + k) at [p*kc*MR + k*MR + r]; rows past M are zero.
void pack_a(const GemmArgs<float>& g, int64_t i0, int64_t mc, int64_t k0, int64_t kc, float* dst) {
  for (int64_t p = 0; p < mc; p += kMR) {
    const int64_t rows = std::min<int64_t>(kMR, mc - p);
    float* out = dst + (p / kMR) * kc * kMR;
    const float* a = g.A + (i0 + p) * g.rsa + k0 * g.csa;
    if (g.csa == 1 && rows == kMR) {
      int64_t k = 0;
#if defined(__AVX512F__)
      k = pack_a_rows_transposed(a, g.rsa, kc, out);
#endif
      for (; k < kc; ++k) {
        for (int r = 0; r < kMR; ++r) out[k * kMR + r] = a[r * g.rsa + k];
      }
    } else if (g.rsa == 1 && rows == kMR) {
      for (int64_t k = 0; k < kc; ++k)
        std::memcpy(out + k * kMR, a + k * g.csa, sizeof(float) * kMR);
    } else {
      for (int64_t k = 0; k < kc; ++k) {
        for (int r = 0; r < kMR; ++r) out[k * kMR + r] = r < rows ? a[r * g.rsa + k * g.csa] : 0.0f;
      }
    }
  }
}

// Packs rows [k0, k0+kc) x cols [j0, j0+nr) of B into one NR-wide panel [kc][NR].
void pack_b_panel(const GemmArgs<float>& g, int64_t k0, int64_t kc, int64_t j0, int64_t nr,
                  float* out) {
  const float* b = g.B + k0 * g.rsb + j0 * g.csb;
  if (g.csb == 1 && nr == kNR) {
    for (int64_t k = 0; k < kc; ++k) std::memcpy(out + k * kNR, b + k * g.rsb, sizeof(float) * kNR);
  } else if (g.csb == 1) {
    for (int64_t k = 0; k < kc; ++k) {
      std::memcpy(out + k * kNR, b + k * g.rsb, sizeof(float) * nr);
      std::memset(out + k * kNR + nr, 0, sizeof(float) * (kNR - nr));
    }
  } else {
    int64_t k = 0;
#if defined(__AVX512F__)
    if (g.rsb == 1 && nr == kNR) k = pack_b_cols_transposed(b, g.csb, kc, out);
#endif
    for (; k < kc; ++k) {
      for (int64_t j = 0; j < kNR; ++j) out[k * kNR + j] = j < nr ? b[k * g.rsb + j * g.csb] : 0.0f;
    }
  }
}

// Micro-kernels: c[MR x NR] (leading dimension ldc) = (add ? c : 0) + sum_k a[k] (x) b[k] over
// packed panels. Written per ISA with explicit registers so the compiler cannot spill the tile.
// clang-format off: the register tiles below are laid out by hand (a macro per row, one line
// per k step), which clang-format cannot keep.
#if defined(__AVX512F__)
// The tile's accumulators (two vectors per row), one row's update and its write-back, shared by
// the kernels below (packed A, A in place, tails).
#define KN_ACC_DECL(r) __m512 c##r##0 = _mm512_setzero_ps(), c##r##1 = _mm512_setzero_ps();
#define KN_ACC_FMA(r, x)                                 \
  {                                                      \
    const __m512 av = _mm512_set1_ps(x);                 \
    c##r##0 = _mm512_fmadd_ps(av, b0, c##r##0);          \
    c##r##1 = _mm512_fmadd_ps(av, b1, c##r##1);          \
  }
#define KN_ACC_STORE(r)                                                               \
  {                                                                                   \
    float* row = c + r * ldc;                                                         \
    if (add) {                                                                        \
      c##r##0 = _mm512_add_ps(c##r##0, _mm512_loadu_ps(row));                         \
      c##r##1 = _mm512_add_ps(c##r##1, _mm512_loadu_ps(row + 16));                    \
    }                                                                                 \
    _mm512_storeu_ps(row, c##r##0);                                                   \
    _mm512_storeu_ps(row + 16, c##r##1);                                              \
  }
#define KN_PACKED_FMA(r) KN_ACC_FMA(r, a[r])
#define KN_ROWS4(X) X(0) X(1) X(2) X(3)
#define KN_ROWS8(X) KN_ROWS4(X) X(4) X(5) X(6) X(7)
#define KN_ROWS12(X) KN_ROWS8(X) X(8) X(9) X(10) X(11)

void micro_kernel(int64_t kc, const float* __restrict a, const float* __restrict b, float* __restrict c,
                  int64_t ldc, bool add) {
  KN_ROWS12(KN_ACC_DECL)
  for (int64_t k = 0; k < kc; ++k, a += kMR, b += kNR) {
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
    _mm_prefetch(reinterpret_cast<const char*>(b + 8 * kNR), _MM_HINT_T0);
    KN_ROWS12(KN_PACKED_FMA)
  }
  KN_ROWS12(KN_ACC_STORE)
}

// Tail tiles of 4 or 8 rows (M % 12 != 0) from the same packed panel, into the edge buffer:
// computing all 12 rows of a 4-row tail wasted two thirds of its multiplies (11% of 64x256x512).
#define KN_TAIL_KERNEL(NAME, ROWS)                                                                   \
  void NAME(int64_t kc, const float* __restrict a, const float* __restrict b, float* __restrict c) { \
    constexpr int64_t ldc = kNR;                                                                     \
    constexpr bool add = false;                                                                      \
    ROWS(KN_ACC_DECL)                                                                                \
    for (int64_t k = 0; k < kc; ++k, a += kMR, b += kNR) {                                          \
      const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);                           \
      ROWS(KN_PACKED_FMA)                                                                            \
    }                                                                                                \
    ROWS(KN_ACC_STORE)                                                                               \
  }
KN_TAIL_KERNEL(micro_kernel_tail4, KN_ROWS4)
KN_TAIL_KERNEL(micro_kernel_tail8, KN_ROWS8)
#undef KN_TAIL_KERNEL

// The same with A read in place: row r of the tile at a + r * lda (row-major A, Note [A in place]).
// Four base rows and offsets of one and two rows: every address is base + lda * {0, 1, 2}.
void micro_kernel_rows(int64_t kc, const float* a, int64_t lda, const float* __restrict b, float* __restrict c,
                       int64_t ldc, bool add) {
  KN_ROWS12(KN_ACC_DECL)
  const float* p0 = a;
  const float* p3 = a + 3 * lda;
  const float* p6 = a + 6 * lda;
  const float* p9 = a + 9 * lda;
  for (int64_t k = 0; k < kc; ++k, ++p0, ++p3, ++p6, ++p9, b += kNR) {
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
    _mm_prefetch(reinterpret_cast<const char*>(b + 8 * kNR), _MM_HINT_T0);
    KN_ACC_FMA(0, p0[0]) KN_ACC_FMA(1, p0[lda]) KN_ACC_FMA(2, p0[2 * lda])
    KN_ACC_FMA(3, p3[0]) KN_ACC_FMA(4, p3[lda]) KN_ACC_FMA(5, p3[2 * lda])
    KN_ACC_FMA(6, p6[0]) KN_ACC_FMA(7, p6[lda]) KN_ACC_FMA(8, p6[2 * lda])
    KN_ACC_FMA(9, p9[0]) KN_ACC_FMA(10, p9[lda]) KN_ACC_FMA(11, p9[2 * lda])
  }
  KN_ROWS12(KN_ACC_STORE)
}
#undef KN_ROWS12
#undef KN_ROWS8
#undef KN_ROWS4
#undef KN_PACKED_FMA
#undef KN_ACC_STORE
#undef KN_ACC_FMA
#undef KN_ACC_DECL
constexpr bool kHasMicroKernelRows = true;
#elif defined(__AVX2__)
void micro_kernel(int64_t kc, const float* __restrict a, const float* __restrict b, float* __restrict c,
                  int64_t ldc, bool add) {
#define KN_ROW(r) __m256 c##r##0 = _mm256_setzero_ps(), c##r##1 = _mm256_setzero_ps();
  KN_ROW(0) KN_ROW(1) KN_ROW(2) KN_ROW(3) KN_ROW(4) KN_ROW(5)
#undef KN_ROW
  for (int64_t k = 0; k < kc; ++k) {
    const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
#define KN_FMA(r)                                        \
  {                                                      \
    const __m256 av = _mm256_broadcast_ss(a + r);        \
    c##r##0 = _mm256_fmadd_ps(av, b0, c##r##0);          \
    c##r##1 = _mm256_fmadd_ps(av, b1, c##r##1);          \
  }
    KN_FMA(0) KN_FMA(1) KN_FMA(2) KN_FMA(3) KN_FMA(4) KN_FMA(5)
#undef KN_FMA
    a += kMR;
    b += kNR;
  }
#define KN_STORE(r)                                                     \
  {                                                                     \
    float* row = c + r * ldc;                                           \
    if (add) {                                                          \
      c##r##0 = _mm256_add_ps(c##r##0, _mm256_loadu_ps(row));           \
      c##r##1 = _mm256_add_ps(c##r##1, _mm256_loadu_ps(row + 8));       \
    }                                                                   \
    _mm256_storeu_ps(row, c##r##0);                                     \
    _mm256_storeu_ps(row + 8, c##r##1);                                 \
  }
  KN_STORE(0) KN_STORE(1) KN_STORE(2) KN_STORE(3) KN_STORE(4) KN_STORE(5)
#undef KN_STORE
}
#else
void micro_kernel(int64_t kc, const float* __restrict a, const float* __restrict b, float* __restrict c,
                  int64_t ldc, bool add) {
  float acc[kMR][kNR] = {};
  for (int64_t k = 0; k < kc; ++k) {
    for (int r = 0; r < kMR; ++r) {
      for (int j = 0; j < kNR; ++j) acc[r][j] += a[k * kMR + r] * b[k * kNR + j];
    }
  }
  for (int r = 0; r < kMR; ++r) {
    for (int j = 0; j < kNR; ++j) c[r * ldc + j] = add ? c[r * ldc + j] + acc[r][j] : acc[r][j];
  }
}
#endif
// clang-format on
#if !defined(__AVX512F__)
constexpr bool kHasMicroKernelRows = false;
#endif

// The epilogue on a finished region of C: + bias per column, then the activation.
void epilogue(const GemmArgs<float>& g, float* c, int64_t mr, int64_t nr, int64_t j0) {
  for (int64_t r = 0; r < mr; ++r) {
    float* row = c + r * g.ldc;
    if (g.bias)
      for (int64_t j = 0; j < nr; ++j) row[j] += g.bias[j0 + j];
    if (g.activation == FusedActivation::Relu)
      for (int64_t j = 0; j < nr; ++j) row[j] = row[j] > 0.0f ? row[j] : 0.0f;
  }
}

// C[i0:i0+mc, j0:j0+nc] over one K block, from packed A (this block) and packed B panels.
// a_rows: A's block in place (full tiles read it, see micro_kernel_rows), or nullptr: packed.
void macro_kernel(const GemmArgs<float>& g, const float* ap, const float* bp, int64_t i0,
                  int64_t mc, int64_t j0, int64_t jpanel_begin, int64_t jpanel_end, int64_t nc,
                  int64_t kc, bool add, bool last, const float* a_rows = nullptr) {
  const bool has_epilogue = last && (g.bias != nullptr || g.activation != FusedActivation::Linear);
  alignas(64) float edge[kMR * kNR];
  for (int64_t q = jpanel_begin; q < jpanel_end; ++q) {
    const int64_t jj = q * kNR;
    const int64_t nr = std::min<int64_t>(kNR, nc - jj);
    const float* b = bp + q * kc * kNR;
    for (int64_t p = 0; p < mc; p += kMR) {
      const int64_t mr = std::min<int64_t>(kMR, mc - p);
      float* c = g.C + (i0 + p) * g.ldc + j0 + jj;
      if (mr == kMR && nr == kNR) {
#if defined(__AVX512F__)
        if (a_rows) {
          micro_kernel_rows(kc, a_rows + p * g.rsa, g.rsa, b, c, g.ldc, add);
          if (has_epilogue) epilogue(g, c, mr, nr, j0 + jj);
          continue;
        }
#endif
        micro_kernel(kc, ap + (p / kMR) * kc * kMR, b, c, g.ldc, add);
      } else if (a_rows &&
                 mr == kMR) {  // a partial panel of B: the full A tile in place, C via edge
#if defined(__AVX512F__)
        micro_kernel_rows(kc, a_rows + p * g.rsa, g.rsa, b, edge, kNR, false);
#endif
        for (int64_t r = 0; r < mr; ++r) {
          for (int64_t j = 0; j < nr; ++j)
            c[r * g.ldc + j] = add ? c[r * g.ldc + j] + edge[r * kNR + j] : edge[r * kNR + j];
        }
      } else {
#if defined(__AVX512F__)
        if (mr <= 4) micro_kernel_tail4(kc, ap + (p / kMR) * kc * kMR, b, edge);
        else if (mr <= 8) micro_kernel_tail8(kc, ap + (p / kMR) * kc * kMR, b, edge);
        else micro_kernel(kc, ap + (p / kMR) * kc * kMR, b, edge, kNR, false);
#else
        micro_kernel(kc, ap + (p / kMR) * kc * kMR, b, edge, kNR, false);
#endif
        for (int64_t r = 0; r < mr; ++r) {
          for (int64_t j = 0; j < nr; ++j)
            c[r * g.ldc + j] = add ? c[r * g.ldc + j] + edge[r * kNR + j] : edge[r * kNR + j];
        }
      }
      if (has_epilogue) epilogue(g, c, mr, nr, j0 + jj);
    }
  }
}

// Direct path for small problems: row x panel FMAs, no packing.
template <class T>
void gemm_small(const GemmArgs<T>& g) {
  for (int64_t i = 0; i < g.M; ++i) {
    T* c = g.C + i * g.ldc;
    if (!g.accumulate)
      for (int64_t j = 0; j < g.N; ++j) c[j] = T(0);
    for (int64_t k = 0; k < g.K; ++k) {
      const T a = g.A[i * g.rsa + k * g.csa];
      const T* b = g.B + k * g.rsb;
      if (g.csb == 1) {
        for (int64_t j = 0; j < g.N; ++j) c[j] += a * b[j];
      } else {
        for (int64_t j = 0; j < g.N; ++j) c[j] += a * b[j * g.csb];
      }
    }
    if (g.bias)
      for (int64_t j = 0; j < g.N; ++j) c[j] += g.bias[j];
    if (g.activation == FusedActivation::Relu)
      for (int64_t j = 0; j < g.N; ++j) c[j] = c[j] > T(0) ? c[j] : T(0);
  }
}

// Narrow products (N at most two vectors: a classifier head, Dense(10)): no packing, each row of
// B loaded once per four rows of C (masked to N), accumulators in registers. The blocked path
// would pad N to a whole NR panel and spend most of its multiplies on zeros.
// R rows of C at a time: R * NV independent accumulator chains keep both FMA units busy
// (an FMA's latency is four of its issue slots). R = 8 with NV = 1, or R = 4 with NV = 2.
template <int NV, int R>
void gemm_narrow_rows(const GemmArgs<float>& g, int64_t i0, int64_t i1) {
  static_assert((NV == 1 && R == 8) || (NV == 2 && R == 4),
                "the accumulators below cover these two");
  using V = Vec<float>;
  const int n0 = int(std::min<int64_t>(g.N, V::size)), n1 = int(g.N) - n0;
  const float* B = g.B;
  const int64_t rsb = g.rsb;
  auto load_b = [B, rsb, n0, n1](int64_t k, V* b) {
    const float* row = B + k * rsb;
    b[0] = n0 == V::size ? V::loadu(row) : V::load_partial(row, n0);
    if (NV == 2)
      b[1] = n1 == V::size ? V::loadu(row + V::size) : V::load_partial(row + V::size, n1);
  };
  auto store_row = [&](int64_t i, const V* acc) {
    float* c = g.C + i * g.ldc;
    V out[2] = {acc[0], NV == 2 ? acc[1] : acc[0]};
    if (g.accumulate) {
      out[0] = out[0] + V::load_partial(c, n0);
      if (NV == 2) out[1] = out[1] + V::load_partial(c + V::size, n1);
    }
    out[0].store_partial(c, n0);
    if (NV == 2) out[1].store_partial(c + V::size, n1);
    epilogue(g, c, 1, g.N, 0);
  };
  // Locals, not g's fields, and one named variable per accumulator: with an array of vectors
  // GCC writes every accumulator back to the stack on every step (store-bound, 2x slower).
  const int64_t K = g.K, rsa = g.rsa, csa = g.csa;
  int64_t i = i0;
  for (; i + R <= i1; i += R) {
    const float* a = g.A + i * rsa;
    const V z = V::broadcast(0.0f);
    V c00 = z, c10 = z, c20 = z, c30 = z, c40 = z, c50 = z, c60 = z, c70 = z;
    V c01 = z, c11 = z, c21 = z, c31 = z;
    for (int64_t k = 0; k < K; ++k) {
      V b[NV];
      load_b(k, b);
      const float* ak = a + k * csa;
      c00 = V::fmadd(V::broadcast(ak[0]), b[0], c00);
      c10 = V::fmadd(V::broadcast(ak[rsa]), b[0], c10);
      c20 = V::fmadd(V::broadcast(ak[2 * rsa]), b[0], c20);
      c30 = V::fmadd(V::broadcast(ak[3 * rsa]), b[0], c30);
      if constexpr (NV == 2) {
        c01 = V::fmadd(V::broadcast(ak[0]), b[1], c01);
        c11 = V::fmadd(V::broadcast(ak[rsa]), b[1], c11);
        c21 = V::fmadd(V::broadcast(ak[2 * rsa]), b[1], c21);
        c31 = V::fmadd(V::broadcast(ak[3 * rsa]), b[1], c31);
      }
      if constexpr (R == 8) {
        c40 = V::fmadd(V::broadcast(ak[4 * rsa]), b[0], c40);
        c50 = V::fmadd(V::broadcast(ak[5 * rsa]), b[0], c50);
        c60 = V::fmadd(V::broadcast(ak[6 * rsa]), b[0], c60);
        c70 = V::fmadd(V::broadcast(ak[7 * rsa]), b[0], c70);
      }
    }
    const V rows[8][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31},
                          {c40, z},   {c50, z},   {c60, z},   {c70, z}};
    for (int r = 0; r < R; ++r) store_row(i + r, rows[r]);
  }
  for (; i < i1; ++i) {
    V acc[NV];
    for (auto& v : acc) v = V::broadcast(0.0f);
    const float* a = g.A + i * g.rsa;
    for (int64_t k = 0; k < g.K; ++k) {
      V b[NV];
      load_b(k, b);
      const V x = V::broadcast(a[k * g.csa]);
      for (int v = 0; v < NV; ++v) acc[v] = V::fmadd(x, b[v], acc[v]);
    }
    store_row(i, acc);
  }
}

void gemm_narrow(const GemmArgs<float>& g) {
  constexpr int64_t kRows = 8;  // rows per task unit (a multiple of both row blockings)
  const double row_flops = 2.0 * double(g.N) * double(std::max<int64_t>(g.K, 1));
  const int64_t grain = std::max<int64_t>(1, int64_t(2e6 / (row_flops * kRows)));
  parallel_for(0, (g.M + kRows - 1) / kRows, grain, [&](int64_t b0, int64_t b1) {
    const int64_t i0 = b0 * kRows, i1 = std::min(g.M, b1 * kRows);
    if (g.N <= Vec<float>::size) gemm_narrow_rows<1, 8>(g, i0, i1);
    else gemm_narrow_rows<2, 4>(g, i0, i1);
  });
}

// Note [Unpacked small GEMM]
// Below ~1.5 MFLOP with row-major B, packing A and B costs about as much as the multiplies (a
// third of 64^3). Tiles of 4 rows x 4 vectors of C instead read B's rows in place and broadcast
// A's elements, both from L1; 16 named accumulators keep the two FMA units busy. kFull: the four
// vectors lie inside N (otherwise masked loads and stores of n[v] columns).
template <bool kFull>
void gemm_unpacked_cols(const GemmArgs<float>& g, int64_t j0, const int* n) {
  using V = Vec<float>;
  constexpr int S = V::size;
  const float* B = g.B + j0;
  const int64_t K = g.K, rsa = g.rsa, csa = g.csa, rsb = g.rsb;
  const int width = n[0] + n[1] + n[2] + n[3];
  auto ld = [&](const float* p, int v) {
    return kFull ? V::loadu(p + v * S) : V::load_partial(p + v * S, n[v]);
  };
  auto store_row = [&](int64_t i, V a0, V a1, V a2, V a3) {
    float* c = g.C + i * g.ldc + j0;
    if (g.accumulate) {
      a0 = a0 + ld(c, 0);
      a1 = a1 + ld(c, 1);
      a2 = a2 + ld(c, 2);
      a3 = a3 + ld(c, 3);
    }
    if (kFull) {
      a0.storeu(c);
      a1.storeu(c + S);
      a2.storeu(c + 2 * S);
      a3.storeu(c + 3 * S);
    } else {
      a0.store_partial(c, n[0]);
      a1.store_partial(c + S, n[1]);
      a2.store_partial(c + 2 * S, n[2]);
      a3.store_partial(c + 3 * S, n[3]);
    }
    epilogue(g, c, 1, width, j0);
  };
  int64_t i = 0;
  for (; i + 4 <= g.M; i += 4) {
    const float* a = g.A + i * rsa;
    const V z = V::broadcast(0.0f);
    V c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
    V c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
    for (int64_t k = 0; k < K; ++k) {
      const float* b = B + k * rsb;
      const V b0 = ld(b, 0), b1 = ld(b, 1), b2 = ld(b, 2), b3 = ld(b, 3);
      const float* ak = a + k * csa;
      V x = V::broadcast(ak[0]);
      c00 = V::fmadd(x, b0, c00), c01 = V::fmadd(x, b1, c01), c02 = V::fmadd(x, b2, c02),
      c03 = V::fmadd(x, b3, c03);
      x = V::broadcast(ak[rsa]);
      c10 = V::fmadd(x, b0, c10), c11 = V::fmadd(x, b1, c11), c12 = V::fmadd(x, b2, c12),
      c13 = V::fmadd(x, b3, c13);
      x = V::broadcast(ak[2 * rsa]);
      c20 = V::fmadd(x, b0, c20), c21 = V::fmadd(x, b1, c21), c22 = V::fmadd(x, b2, c22),
      c23 = V::fmadd(x, b3, c23);
      x = V::broadcast(ak[3 * rsa]);
      c30 = V::fmadd(x, b0, c30), c31 = V::fmadd(x, b1, c31), c32 = V::fmadd(x, b2, c32),
      c33 = V::fmadd(x, b3, c33);
    }
    store_row(i, c00, c01, c02, c03);
    store_row(i + 1, c10, c11, c12, c13);
    store_row(i + 2, c20, c21, c22, c23);
    store_row(i + 3, c30, c31, c32, c33);
  }
  for (; i < g.M; ++i) {
    const float* a = g.A + i * rsa;
    const V z = V::broadcast(0.0f);
    V c0 = z, c1 = z, c2 = z, c3 = z;
    for (int64_t k = 0; k < K; ++k) {
      const float* b = B + k * rsb;
      const V x = V::broadcast(a[k * csa]);
      c0 = V::fmadd(x, ld(b, 0), c0);
      c1 = V::fmadd(x, ld(b, 1), c1);
      c2 = V::fmadd(x, ld(b, 2), c2);
      c3 = V::fmadd(x, ld(b, 3), c3);
    }
    store_row(i, c0, c1, c2, c3);
  }
}

void gemm_unpacked(const GemmArgs<float>& g) {
  constexpr int64_t S = Vec<float>::size, W = 4 * S;
  int64_t j0 = 0;
  const int full[4] = {int(S), int(S), int(S), int(S)};
  for (; j0 + W <= g.N; j0 += W) gemm_unpacked_cols<true>(g, j0, full);
  if (j0 < g.N && g.N - j0 <= 2 * S) {  // up to two vectors left: the narrow kernel's tiles
    GemmArgs<float> rest = g;
    rest.N = g.N - j0;
    rest.B = g.B + j0;
    rest.C = g.C + j0;
    if (g.bias) rest.bias = g.bias + j0;
    if (rest.N <= S) gemm_narrow_rows<1, 8>(rest, 0, g.M);
    else gemm_narrow_rows<2, 4>(rest, 0, g.M);
  } else if (j0 < g.N) {
    int n[4];
    for (int v = 0; v < 4; ++v)
      n[v] = int(std::min<int64_t>(S, std::max<int64_t>(0, g.N - j0 - v * S)));
    gemm_unpacked_cols<false>(g, j0, n);
  }
}

// The blocked algorithm over K in [k_begin, k_end) (see Note [GEMM blocking]).
void gemm_blocked(const GemmArgs<float>& g, int64_t k_begin, int64_t k_end, bool parallel) {
  const int nthreads = parallel ? get_num_threads() : 1;
  const int64_t K = k_end - k_begin;
  const int64_t kc_max = std::min<int64_t>(kKC, K);
  const int64_t nc_max = std::min<int64_t>(kNC, (g.N + kNR - 1) / kNR * kNR);
  const int64_t mc_max = std::min<int64_t>(kMC, (g.M + kMR - 1) / kMR * kMR);
  const size_t b_bytes = size_t(kc_max * nc_max) * sizeof(float);
  const size_t a_floats = size_t(kc_max * mc_max);
  float* bp = static_cast<float*>(allocate(b_bytes, Device{}));
  const int64_t m_blocks = (g.M + mc_max - 1) / mc_max;
  // One packed A block per thread, or (few row blocks) one per row block, shared.
  const size_t a_slots =
      size_t(std::max<int64_t>(nthreads, m_blocks < 2 * nthreads ? m_blocks : 0));
  float* ap_all = static_cast<float*>(allocate(a_floats * sizeof(float) * a_slots, Device{}));

  for (int64_t j0 = 0; j0 < g.N; j0 += kNC) {
    const int64_t nc = std::min<int64_t>(kNC, g.N - j0);
    const int64_t npanels = (nc + kNR - 1) / kNR;
    for (int64_t k0 = k_begin; k0 < k_end; k0 += kKC) {
      const int64_t kc = std::min<int64_t>(kKC, k_end - k0);
      const bool add = g.accumulate || k0 > k_begin;
      const bool last = k0 + kc >= k_end;
      // Note [A in place]: a row-major A is read where it lies by the full 12-row tiles; only a
      // block's last partial panel is packed. Measured against packing, interleaved: 1-4% faster
      // on one thread, up to 8% (skinny 128x784x256) on two. Not for leading dimensions that are
      // multiples of 1024 floats: 12 rows 4 KB apart share cache sets (2-3% slower at 2048).
      const bool a_in_place = kHasMicroKernelRows && g.csa == 1 && g.rsa % 1024 != 0;
      auto pack_a_block = [&](int64_t i0, int64_t mc, float* dst) {
        if (!a_in_place) {
          pack_a(g, i0, mc, k0, kc, dst);
          return;
        }
        const int64_t full = mc / kMR * kMR;
        if (full < mc) pack_a(g, i0 + full, mc - full, k0, kc, dst + full * kc);
      };
      auto a_rows = [&](int64_t i0) { return a_in_place ? g.A + i0 * g.rsa + k0 : nullptr; };
      auto pack_b = [&](int64_t q0, int64_t q1) {
        for (int64_t q = q0; q < q1; ++q) {
          pack_b_panel(g, k0, kc, j0 + q * kNR, std::min<int64_t>(kNR, nc - q * kNR),
                       bp + q * kc * kNR);
        }
      };

      if (!parallel) {
        pack_b(0, npanels);
        for (int64_t i0 = 0; i0 < g.M; i0 += mc_max) {
          const int64_t mc = std::min<int64_t>(mc_max, g.M - i0);
          pack_a_block(i0, mc, ap_all);
          macro_kernel(g, ap_all, bp, i0, mc, j0, 0, npanels, nc, kc, add, last, a_rows(i0));
        }
      } else if (m_blocks >= 2 * nthreads) {
        // Enough row blocks: each task is one MC block over all panels, packing its own A block.
        parallel_for_dynamic(0, npanels, std::max<int64_t>(1, npanels / (4 * nthreads)), pack_b);
        parallel_for_dynamic(0, m_blocks, 1, [&](int64_t b0, int64_t b1) {
          float* ap = ap_all + size_t(thread_index()) * a_floats;
          for (int64_t b = b0; b < b1; ++b) {
            const int64_t i0 = b * mc_max, mc = std::min<int64_t>(mc_max, g.M - i0);
            pack_a_block(i0, mc, ap);
            macro_kernel(g, ap, bp, i0, mc, j0, 0, npanels, nc, kc, add, last, a_rows(i0));
          }
        });
      } else {
        // Few row blocks (small or skinny M): A is small, so every block is packed once into a
        // shared buffer (in the same job as B), then the (row block x column panels) tasks share
        // it, instead of each task repacking the A block it needs.
        const int64_t b_tasks = std::min<int64_t>(npanels, 2 * nthreads);
        const int64_t b_per_task = (npanels + b_tasks - 1) / b_tasks;
        parallel_for_dynamic(0, m_blocks + b_tasks, 1, [&](int64_t t0, int64_t t1) {
          for (int64_t t = t0; t < t1; ++t) {
            if (t < m_blocks) {
              const int64_t i0 = t * mc_max;
              pack_a_block(i0, std::min<int64_t>(mc_max, g.M - i0), ap_all + size_t(t) * a_floats);
            } else {
              const int64_t q0 = (t - m_blocks) * b_per_task;
              pack_b(q0, std::min(npanels, q0 + b_per_task));
            }
          }
        });
        const int64_t tasks_per_block =
            std::max<int64_t>(1, std::min<int64_t>(npanels, 4 * nthreads / m_blocks));
        const int64_t panels_per_task = (npanels + tasks_per_block - 1) / tasks_per_block;
        parallel_for_dynamic(0, m_blocks * tasks_per_block, 1, [&](int64_t t0, int64_t t1) {
          for (int64_t t = t0; t < t1; ++t) {
            const int64_t b = t / tasks_per_block, part = t % tasks_per_block;
            const int64_t i0 = b * mc_max, mc = std::min<int64_t>(mc_max, g.M - i0);
            const int64_t q0 = part * panels_per_task, q1 = std::min(npanels, q0 + panels_per_task);
            if (q0 < q1) {
              macro_kernel(g, ap_all + size_t(b) * a_floats, bp, i0, mc, j0, q0, q1, nc, kc, add,
                           last, a_rows(i0));
            }
          }
        });
      }
    }
  }
  deallocate(ap_all, a_floats * sizeof(float) * a_slots, Device{});
  deallocate(bp, b_bytes, Device{});
}

// Measured on the 2-core AVX-512 machine, alternating the paths in one process: the unpacked
// kernel beats packing up to about 112^3 (23 vs 31 us) and ties at 128^3; the split beats the
// shared-block parallel path from 96^3 to 64x256x512 (0.88x) and loses from 256^3 up, where the
// shared blocks stay in L2 long enough.
constexpr double kUnpackedMaxFlops = 3e6, kSplitMinFlops = 1.5e6, kSplitMaxFlops = 2e7;

// Whether the unpacked kernel beats packing (one thread): small products, and products with few
// rows whose B stays in L2, where a packed B would serve too few row tiles to pay for its copy.
// Interleaved in one process: 16x784x256 0.64x the time, 8x1024x512 0.55x, 32x192x256 0.95x;
// but 32 rows with B of 1.6 MB or more were 1.2-1.5x slower (B re-read from L2 every 4 rows).
bool prefer_unpacked(const GemmArgs<float>& g) {
  if (g.csb != 1) return false;
  const double flops = 2.0 * double(g.M) * double(g.N) * double(g.K);
  const int64_t b_bytes = g.K * g.N * int64_t(sizeof(float));
  return flops < kUnpackedMaxFlops || (g.M <= 16 && b_bytes <= (int64_t(2) << 20)) ||
         (g.M <= 32 && b_bytes <= (int64_t(512) << 10));
}

// Note [Small parallel GEMM]
// In a small product the packed blocks are the whole problem, and a thread that computes with
// blocks another core packed reads them through the shared L3 (2x slower than one thread alone
// at 128^3). Each thread instead computes its own slice of C (rows, or columns when M is short)
// with the serial algorithm, packing everything it reads itself: the other operand is packed once
// per thread, which costs less than the cross-core traffic it saves.
bool gemm_split(const GemmArgs<float>& g, int nthreads) {
  const int64_t parts = nthreads;
  const bool by_rows = g.M >= parts * 2 * kMR && g.N <= 2 * g.M;
  const int64_t unit = by_rows ? kMR : kNR, extent = by_rows ? g.M : g.N;
  if (!by_rows && extent < parts * 2 * unit) return false;
  const int64_t units = (extent + unit - 1) / unit;
  parallel_for_dynamic(0, parts, 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const int64_t lo = std::min(extent, units * p / parts * unit);
      const int64_t hi = std::min(extent, units * (p + 1) / parts * unit);
      if (lo >= hi) continue;
      GemmArgs<float> sub = g;
      if (by_rows) {
        sub.M = hi - lo;
        sub.A = g.A + lo * g.rsa;
        sub.C = g.C + lo * g.ldc;
      } else {
        sub.N = hi - lo;
        sub.B = g.B + lo * g.csb;
        sub.C = g.C + lo;
        if (g.bias) sub.bias = g.bias + lo;
      }
      if (prefer_unpacked(sub)) gemm_unpacked(sub);
      else gemm_blocked(sub, 0, g.K, false);
    }
  });
  return true;
}

void sgemm_kernel(const GemmArgs<float>& g) {
  if (g.M == 0 || g.N == 0) return;
  if (g.K == 0) {
    gemm_small(g);  // C = bias (or C) only
    return;
  }
  if (g.M * g.N * g.K < 32768) {  // tiny: no threads, no packing
    if (g.csb == 1) {
      gemm_unpacked(g);
      return;
    }
    // B transposed (dy @ W^T of a small Dense layer): copy it row-major first; K x N is at most
    // 32K floats, and the copy costs less than multiplying with strided loads.
    const size_t bytes = size_t(g.K * g.N) * sizeof(float);
    float* b = static_cast<float*>(allocate(bytes, Device{}));
    for (int64_t k = 0; k < g.K; ++k) {
      for (int64_t j = 0; j < g.N; ++j) b[k * g.N + j] = g.B[k * g.rsb + j * g.csb];
    }
    GemmArgs<float> dense = g;
    dense.B = b;
    dense.rsb = g.N;
    dense.csb = 1;
    gemm_unpacked(dense);
    deallocate(b, bytes, Device{});
    return;
  }
  if (g.N <= 2 * Vec<float>::size && g.csb == 1) {
    gemm_narrow(g);
    return;
  }
  const int nthreads = get_num_threads();
  const double flops = 2.0 * double(g.M) * double(g.N) * double(g.K);
  const bool can_thread = nthreads > 1 && !in_parallel_region();
  // Note [Unpacked small GEMM]; with threads, the split path below takes over from 1.5 MFLOP.
  if (prefer_unpacked(g) && (!can_thread || flops < kSplitMinFlops)) {
    gemm_unpacked(g);
    return;
  }
  if (can_thread && flops >= kSplitMinFlops && flops <= kSplitMaxFlops && g.K <= 4 * kKC &&
      gemm_split(g, nthreads)) {
    return;
  }
  const bool parallel = can_thread && flops > 4e6;
  const int64_t tiles = ((g.M + kMR - 1) / kMR) * ((g.N + kNR - 1) / kNR);
  // A long K over a small C (weight gradients: K is every position of the batch) splits K, no
  // matter how many tiles C has: the blocked path would synchronise the threads on every K block.
  const bool long_k = g.K >= 8 * kKC && g.M * g.N <= (int64_t(1) << 17);
  if (!parallel || g.K < 4 * kKC || (tiles >= 4 * nthreads && !long_k)) {
    gemm_blocked(g, 0, g.K, parallel);
    return;
  }
  // Few output tiles or a long K (filter gradients, skinny products): each thread reduces a
  // slice of K into its own buffer, and the buffers are summed (in a fixed order) at the end.
  const int64_t parts = std::min<int64_t>(nthreads * 2, g.K / kKC);
  const int64_t chunk = (g.K + parts - 1) / parts;
  const size_t c_floats = size_t(g.M * g.N);
  float* partial =
      static_cast<float*>(allocate(c_floats * sizeof(float) * size_t(parts), Device{}));
  GemmArgs<float> sub = g;
  sub.C = nullptr;
  sub.ldc = g.N;
  sub.accumulate = false;
  sub.bias = nullptr;
  sub.activation = FusedActivation::Linear;
  parallel_for_dynamic(0, parts, 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      GemmArgs<float> mine = sub;
      mine.C = partial + size_t(p) * c_floats;
      gemm_blocked(mine, p * chunk, std::min(g.K, (p + 1) * chunk), false);
    }
  });
  parallel_for(0, g.M, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, g.N)),
               [&](int64_t r0, int64_t r1) {
                 for (int64_t r = r0; r < r1; ++r) {
                   float* c = g.C + r * g.ldc;
                   for (int64_t j = 0; j < g.N; ++j) {
                     float acc = g.accumulate ? c[j] : 0.0f;
                     for (int64_t p = 0; p < parts; ++p)
                       acc += partial[size_t(p) * c_floats + size_t(r * g.N + j)];
                     c[j] = acc;
                   }
                   epilogue(g, c, 1, g.N, 0);
                 }
               });
  deallocate(partial, c_floats * sizeof(float) * size_t(parts), Device{});
}

// float64: a cache-blocked loop (correctness first; float64 is for checks, not speed).
void dgemm_kernel(const GemmArgs<double>& g) {
  if (g.M == 0 || g.N == 0) return;
  const int64_t grain =
      std::max<int64_t>(1, 65536 / std::max<int64_t>(1, g.N * std::max<int64_t>(g.K, 1)));
  parallel_for(0, g.M, grain, [&](int64_t i0, int64_t i1) {
    GemmArgs<double> part = g;
    part.M = i1 - i0;
    part.A = g.A + i0 * g.rsa;
    part.C = g.C + i0 * g.ldc;
    gemm_small(part);
  });
}

struct GemmRegistrar {
  GemmRegistrar() { register_gemm(KN_ISA_LEVEL, sgemm_kernel, dgemm_kernel); }
};
GemmRegistrar registrar;

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
