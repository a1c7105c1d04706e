// CPU kernels of attention and attention_backward (compiled once per ISA level). Shapes:
// attention.h.
//
// Note [Attention tiles]
// The scores are never held for a whole head. Forward: each task takes BQ query rows of one head
// and walks the keys in chunks of at most KC; a chunk's scores (BQ x KC, one GEMM against the
// head's keys transposed once) get the scale, bias and masks, then an online softmax keeps each
// row's running max m and sum l: acc = acc * e^(m_old - m_new) + P V_chunk. Causal chunks wholly
// above the diagonal are skipped. The task writes out = acc / l and lse = m + log l.
// Backward: one task per (batch, key/value head) so that dK and dV have one writer; for each of
// its query heads and query tiles it recomputes a chunk's P = exp(scores - lse), then
//   dV += P^T dO,  dP = dO V^T,  dS = P (dP - D) with D = rowsum(dO out),
//   dK += dS^T Q scale,  dQ += dS K scale.
// Dropout of the probabilities draws its keep mask from the counter-based generator, the same
// in backward. Memory: per thread a few BQ x KC buffers, never [B, N, T, S] (only for a bias
// gradient).
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "core/parallel.h"
#include "cpu/gemm.h"
#include "cpu/vec/vec_math.h"
#include "ops/attention/attention.h"
#include "ops/op_registry.h"
#include "ops/random/philox.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

constexpr int64_t kBQ = 64;   // query rows per tile
constexpr int64_t kKC = 512;  // keys per chunk

template <class T>
inline void gemm(const GemmArgs<T>& a);
template <>
inline void gemm<float>(const GemmArgs<float>& a) {
  sgemm(a);
}
template <>
inline void gemm<double>(const GemmArgs<double>& a) {
  dgemm(a);
}

// C[M, N] (ldc) (+)= A (row i at A + i*lda, or column-major when a_t) @ B (row k at B + k*ldb).
template <class T>
inline void mm(int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, bool a_t, const T* B,
               int64_t ldb, bool b_t, T* C, int64_t ldc, bool accumulate) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    if (!accumulate) {
      for (int64_t i = 0; i < M; ++i) std::fill(C + i * ldc, C + i * ldc + N, T(0));
    }
    return;
  }
  GemmArgs<T> g{M, N, K, A, a_t ? 1 : lda, a_t ? lda : 1, B, b_t ? 1 : ldb, b_t ? ldb : 1, C, ldc};
  g.accumulate = accumulate;
  gemm(g);
}

template <class T>
inline T large_negative() {
  return T(-0.7) * std::numeric_limits<T>::max();
}

// exp(x[j] - m) in place for j < n, returning the sum.
template <class T>
inline T exp_shift_sum(T* x, int64_t n, T m) {
  T sum = 0;
  for (int64_t j = 0; j < n; ++j) {
    x[j] = std::exp(x[j] - m);
    sum += x[j];
  }
  return sum;
}
template <>
inline float exp_shift_sum<float>(float* x, int64_t n, float m) {
  using V = Vec<float>;
  const V mv(m);
  V acc(0.0f);
  int64_t j = 0;
  for (; j + V::size <= n; j += V::size) {
    const V e = vexp(V::loadu(x + j) - mv);
    e.storeu(x + j);
    acc = acc + e;
  }
  float sum = acc.reduce_add();
  for (; j < n; ++j) {
    x[j] = std::exp(x[j] - m);
    sum += x[j];
  }
  return sum;
}

// x[j] *= c for j < n.
template <class T>
inline void scale_row(T* x, int64_t n, T c) {
  using V = Vec<T>;
  const V cv(c);
  int64_t j = 0;
  for (; j + V::size <= n; j += V::size) (V::loadu(x + j) * cv).storeu(x + j);
  if (j < n) (V::load_partial(x + j, int(n - j)) * cv).store_partial(x + j, int(n - j));
}

// max over x[0..n), n >= 1.
template <class T>
inline T row_max(const T* x, int64_t n) {
  using V = Vec<T>;
  int64_t j = 0;
  T m = x[0];
  if (n >= V::size) {
    V mv = V::loadu(x);
    for (j = V::size; j + V::size <= n; j += V::size) mv = V::max(V::loadu(x + j), mv);
    m = mv.reduce_max();
  }
  for (; j < n; ++j) m = x[j] > m ? x[j] : m;
  return m;
}

// dp[j] = p[j] * (dp[j] - d) * c: the scores' gradient from the probabilities' (c = the scale,
// or 1 for the bias gradient).
template <class T>
inline void softmax_grad_row(const T* p, T* dp, int64_t n, T d, T c) {
  using V = Vec<T>;
  const V dv(d), cv(c);
  int64_t j = 0;
  for (; j + V::size <= n; j += V::size)
    (V::loadu(p + j) * (V::loadu(dp + j) - dv) * cv).storeu(dp + j);
  if (j < n) {
    const int r = int(n - j);
    (V::load_partial(p + j, r) * (V::load_partial(dp + j, r) - dv) * cv).store_partial(dp + j, r);
  }
}

// Dropout of one row of probabilities (query t of head n, keys c0..c0+cn): dst[j] = src[j] /
// (1 - rate) where the draw for (b, n, t, c0 + j) is >= rate, else 0 (attention.h). Draws come
// four per Philox block; a row's blocks start at a multiple of 4 keys.
template <class T>
void dropout_row(const AttentionArgs& a, int64_t b, int64_t n, int64_t t, int64_t c0, int64_t cn,
                 const T* src, T* dst) {
  const float rate = float(a.dropout.rate);
  const T keep_scale = T(1) / T(1 - a.dropout.rate);
  const uint64_t row =
      (uint64_t(b * a.N + n) * uint64_t(a.T) + uint64_t(t)) * uint64_t((a.S + 3) / 4);
  for (int64_t j = 0; j < cn;) {
    const int64_t s = c0 + j;
    const Philox4 r = philox4x32(a.dropout.offset + row + uint64_t(s / 4), a.dropout.seed);
    for (int64_t w = s % 4; w < 4 && j < cn; ++w, ++j) {
      dst[j] = philox_unit_float(r.v[w]) >= rate ? src[j] * keep_scale : T(0);
    }
  }
}

// The head's keys (or values) transposed: dst[h, s] = src[b, s, kv, h] (row stride K*D).
template <class T>
void transpose_head(const T* src, int64_t S, int64_t rs, int64_t D, T* dst) {
  for (int64_t s = 0; s < S; ++s) {
    for (int64_t h = 0; h < D; ++h) dst[h * S + s] = src[s * rs + h];
  }
}

// Scores of one chunk: x[r, j] = scale * x[r, j] + bias, or the large negative where masked
// (mask false, or key after query with causal). Rows t0.., keys c0..; row stride ld.
template <class T>
void finish_scores(const AttentionArgs& a, int64_t b, int64_t n, int64_t t0, int64_t rows,
                   int64_t c0, int64_t cn, T* x, int64_t ld) {
  const T scale = T(a.scale), neg = large_negative<T>();
  const T* bias = static_cast<const T*>(a.bias);
  for (int64_t r = 0; r < rows; ++r) {
    T* row = x + r * ld;
    const int64_t t = t0 + r;
    scale_row(row, cn, scale);
    if (bias) {
      const T* bp = bias + b * a.bias_strides[0] + n * a.bias_strides[1] + t * a.bias_strides[2];
      for (int64_t j = 0; j < cn; ++j) row[j] += bp[(c0 + j) * a.bias_strides[3]];
    }
    if (a.mask) {
      const bool* mp =
          a.mask + b * a.mask_strides[0] + n * a.mask_strides[1] + t * a.mask_strides[2];
      for (int64_t j = 0; j < cn; ++j) {
        if (!mp[(c0 + j) * a.mask_strides[3]]) row[j] = neg;
      }
    }
    if (a.causal) {
      for (int64_t j = std::max<int64_t>(0, t + 1 - c0); j < cn; ++j) row[j] = neg;
    }
  }
}

// Keys a query tile [t0, t0+rows) reads: all, or those up to its last row with causal.
inline int64_t key_end(const AttentionArgs& a, int64_t t0, int64_t rows) {
  return a.causal ? std::min(a.S, t0 + rows) : a.S;
}

template <class T>
void attention_forward(const AttentionArgs& a) {
  const int64_t B = a.B, Tq = a.T, S = a.S, N = a.N, K = a.K, H = a.H, Hv = a.Hv, G = N / K;
  const T* q = static_cast<const T*>(a.q);
  const T* k = static_cast<const T*>(a.k);
  const T* v = static_cast<const T*>(a.v);
  T* out = static_cast<T*>(a.out);
  T* lse = static_cast<T*>(a.lse);
  // Keys transposed per (batch, kv head): [B, K, H, S].
  std::vector<T> kt(size_t(B * K * H * S));
  parallel_for(0, B * K, 1, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      transpose_head(k + (i / K) * S * K * H + (i % K) * H, S, K * H, H, kt.data() + i * H * S);
    }
  });
  const int64_t tiles = (Tq + kBQ - 1) / kBQ;
  const T neg = large_negative<T>();
  parallel_for(0, B * N * tiles, 1, [&](int64_t w0, int64_t w1) {
    std::vector<T> sc(size_t(kBQ * kKC)), acc(size_t(kBQ * Hv)), m(kBQ), l(kBQ);
    for (int64_t w = w0; w < w1; ++w) {
      const int64_t b = w / (N * tiles), n = (w / tiles) % N, t0 = (w % tiles) * kBQ;
      const int64_t rows = std::min(kBQ, Tq - t0), kv = n / G;
      const T* qt = q + ((b * Tq + t0) * N + n) * H;  // row stride N*H
      const T* kth = kt.data() + (b * K + kv) * H * S;
      const T* vh = v + b * S * K * Hv + kv * Hv;  // row stride K*Hv
      std::fill(acc.begin(), acc.end(), T(0));
      std::fill(m.begin(), m.end(), -std::numeric_limits<T>::infinity());
      std::fill(l.begin(), l.end(), T(0));
      const int64_t send = key_end(a, t0, rows);
      for (int64_t c0 = 0; c0 < send; c0 += kKC) {
        const int64_t cn = std::min(kKC, send - c0);
        mm<T>(rows, cn, H, qt, N * H, false, kth + c0, S, false, sc.data(), kKC, false);
        finish_scores<T>(a, b, n, t0, rows, c0, cn, sc.data(), kKC);
        for (int64_t r = 0; r < rows; ++r) {
          T* row = sc.data() + r * kKC;
          const T mx = row_max(row, cn);
          const T m_new = std::max(m[r], mx);
          const T corr = std::exp(m[r] - m_new);
          l[r] = l[r] * corr + exp_shift_sum<T>(row, cn, m_new);
          m[r] = m_new;
          if (corr != T(1)) {
            for (int64_t h = 0; h < Hv; ++h) acc[r * Hv + h] *= corr;
          }
          // Dropout after the normaliser has the row's full sum (the kept mass is not
          // renormalised).
          if (a.dropout.rate > 0) dropout_row<T>(a, b, n, t0 + r, c0, cn, row, row);
        }
        mm<T>(rows, Hv, cn, sc.data(), kKC, false, vh + c0 * K * Hv, K * Hv, false, acc.data(), Hv,
              true);
      }
      for (int64_t r = 0; r < rows; ++r) {
        T* o = out + ((b * Tq + t0 + r) * N + n) * Hv;
        T* lrow = lse + (b * N + n) * Tq + t0 + r;
        if (m[r] <= neg && send < S) {
          // Every key this row read was masked: Keras' large negative scores make it attend
          // uniformly to all S keys, including those after it that the causal walk skipped.
          for (int64_t h = 0; h < Hv; ++h) {
            T s = 0;
            for (int64_t j = 0; j < S; ++j) s += vh[j * K * Hv + h];
            o[h] = s / T(S);
          }
          *lrow = neg + std::log(T(S));
          continue;
        }
        const T inv = T(1) / l[r];
        for (int64_t h = 0; h < Hv; ++h) o[h] = acc[r * Hv + h] * inv;
        *lrow = m[r] + std::log(l[r]);
      }
    }
  });
}

template <class T>
void attention_backward(const AttentionBackwardArgs& ba) {
  const AttentionArgs& a = ba.fwd;
  const int64_t B = a.B, Tq = a.T, S = a.S, N = a.N, K = a.K, H = a.H, Hv = a.Hv, G = N / K;
  const T* q = static_cast<const T*>(a.q);
  const T* k = static_cast<const T*>(a.k);
  const T* v = static_cast<const T*>(a.v);
  const T* out = static_cast<const T*>(a.out);
  const T* lse = static_cast<const T*>(a.lse);
  const T* dout = static_cast<const T*>(ba.dout);
  T* dq = static_cast<T*>(ba.dq);
  T* dk = static_cast<T*>(ba.dk);
  T* dv = static_cast<T*>(ba.dv);
  T* dscores = static_cast<T*>(ba.dscores);
  const T scale = T(a.scale), neg = large_negative<T>();
  const int64_t tiles = (Tq + kBQ - 1) / kBQ;
  parallel_for(0, B * K, 1, [&](int64_t w0, int64_t w1) {
    std::vector<T> kt(size_t(H * S)), vt(size_t(Hv * S)), p(size_t(kBQ * kKC)),
        dp(size_t(kBQ * kKC)), pd(a.dropout.rate > 0 ? size_t(kBQ * kKC) : 0);
    std::vector<T> dqt(size_t(kBQ * H)), d(kBQ);
    for (int64_t w = w0; w < w1; ++w) {
      const int64_t b = w / K, kv = w % K;
      const T* kh = k + b * S * K * H + kv * H;  // row stride K*H
      const T* vh = v + b * S * K * Hv + kv * Hv;
      T* dkh = dk + b * S * K * H + kv * H;
      T* dvh = dv + b * S * K * Hv + kv * Hv;
      transpose_head(kh, S, K * H, H, kt.data());
      transpose_head(vh, S, K * Hv, Hv, vt.data());
      for (int64_t s = 0; s < S; ++s) {
        std::fill(dkh + s * K * H, dkh + s * K * H + H, T(0));
        std::fill(dvh + s * K * Hv, dvh + s * K * Hv + Hv, T(0));
      }
      for (int64_t n = kv * G; n < (kv + 1) * G; ++n) {
        for (int64_t tile = 0; tile < tiles; ++tile) {
          const int64_t t0 = tile * kBQ, rows = std::min(kBQ, Tq - t0);
          const T* qt = q + ((b * Tq + t0) * N + n) * H;       // row stride N*H
          const T* dot = dout + ((b * Tq + t0) * N + n) * Hv;  // row stride N*Hv
          const T* ot = out + ((b * Tq + t0) * N + n) * Hv;
          const T* lrow = lse + (b * N + n) * Tq + t0;
          for (int64_t r = 0; r < rows; ++r) {
            T s = 0;
            for (int64_t h = 0; h < Hv; ++h) s += dot[r * N * Hv + h] * ot[r * N * Hv + h];
            d[r] = s;
          }
          std::fill(dqt.begin(), dqt.end(), T(0));
          const int64_t send = key_end(a, t0, rows);
          for (int64_t c0 = 0; c0 < send; c0 += kKC) {
            const int64_t cn = std::min(kKC, send - c0);
            mm<T>(rows, cn, H, qt, N * H, false, kt.data() + c0, S, false, p.data(), kKC, false);
            finish_scores<T>(a, b, n, t0, rows, c0, cn, p.data(), kKC);
            for (int64_t r = 0; r < rows; ++r) {
              T* row = p.data() + r * kKC;
              // A row with every key masked attended uniformly (its lse, near the large
              // negative, has lost the log S in float32): P = 1/S.
              if (lrow[r] <= neg / T(2)) std::fill(row, row + cn, T(1) / T(S));
              else exp_shift_sum<T>(row, cn, lrow[r]);
            }
            // dV += P^T dO;  dP = dO V^T. With dropout, V met the dropped P~ = P Z / (1 - rate):
            // dV += P~^T dO and the gradient reaching P is dP Z / (1 - rate).
            const bool drop = a.dropout.rate > 0;
            if (drop) {
              for (int64_t r = 0; r < rows; ++r) {
                dropout_row<T>(a, b, n, t0 + r, c0, cn, p.data() + r * kKC, pd.data() + r * kKC);
              }
            }
            mm<T>(cn, Hv, rows, drop ? pd.data() : p.data(), kKC, true, dot, N * Hv, false,
                  dvh + c0 * K * Hv, K * Hv, true);
            mm<T>(rows, cn, Hv, dot, N * Hv, false, vt.data() + c0, S, false, dp.data(), kKC,
                  false);
            if (drop) {
              for (int64_t r = 0; r < rows; ++r) {
                T* dpr = dp.data() + r * kKC;
                dropout_row<T>(a, b, n, t0 + r, c0, cn, dpr, dpr);
              }
            }
            for (int64_t r = 0; r < rows; ++r) {
              T* pr = p.data() + r * kKC;
              T* dpr = dp.data() + r * kKC;
              const bool masked_row = a.mask || a.causal;
              // dS = P (dP - D), times the scale unless the unscaled values are needed first.
              softmax_grad_row(pr, dpr, cn, d[r], (dscores || masked_row) ? T(1) : scale);
              if (dscores)
                std::memcpy(dscores + ((b * N + n) * Tq + t0 + r) * S + c0, dpr,
                            size_t(cn) * sizeof(T));
              // Masked scores are constants: no gradient reaches q or k through them.
              if (a.mask || a.causal) {
                const int64_t t = t0 + r;
                const bool* mp = a.mask ? a.mask + b * a.mask_strides[0] + n * a.mask_strides[1] +
                                              t * a.mask_strides[2]
                                        : nullptr;
                for (int64_t j = 0; j < cn; ++j) {
                  const bool dead =
                      (mp && !mp[(c0 + j) * a.mask_strides[3]]) || (a.causal && c0 + j > t);
                  if (dead) dpr[j] = T(0);
                }
                if (dscores) {
                  for (int64_t j = 0; j < cn; ++j) {
                    const bool dead =
                        (mp && !mp[(c0 + j) * a.mask_strides[3]]) || (a.causal && c0 + j > t);
                    if (dead) dscores[((b * N + n) * Tq + t) * S + c0 + j] = T(0);
                  }
                }
              }
              if (dscores || masked_row) scale_row(dpr, cn, scale);
            }
            // dK += dS^T Q;  dQ += dS K
            mm<T>(cn, H, rows, dp.data(), kKC, true, qt, N * H, false, dkh + c0 * K * H, K * H,
                  true);
            mm<T>(rows, H, cn, dp.data(), kKC, false, kh + c0 * K * H, K * H, false, dqt.data(), H,
                  true);
          }
          // Rows that attended uniformly past the causal walk (every key masked): their dO
          // reaches the skipped values too.
          for (int64_t r = 0; r < rows && send < S; ++r) {
            if (lrow[r] > neg / T(2)) continue;
            for (int64_t s2 = send; s2 < S; ++s2) {
              for (int64_t h = 0; h < Hv; ++h) dvh[s2 * K * Hv + h] += dot[r * N * Hv + h] / T(S);
            }
            if (dscores) {
              for (int64_t s2 = send; s2 < S; ++s2)
                dscores[((b * N + n) * Tq + t0 + r) * S + s2] = T(0);
            }
          }
          if (dscores) {
            for (int64_t r = 0; r < rows; ++r) {
              std::fill(dscores + ((b * N + n) * Tq + t0 + r) * S + send,
                        dscores + ((b * N + n) * Tq + t0 + r + 1) * S, T(0));
            }
          }
          for (int64_t r = 0; r < rows; ++r) {
            std::memcpy(dq + ((b * Tq + t0 + r) * N + n) * H, dqt.data() + r * H,
                        size_t(H) * sizeof(T));
          }
        }
      }
    }
  });
}

void attention_kernel(const AttentionArgs& a) {
  if (a.dtype == DType::float64) attention_forward<double>(a);
  else attention_forward<float>(a);
}

void attention_backward_kernel(const AttentionBackwardArgs& a) {
  if (a.fwd.dtype == DType::float64) attention_backward<double>(a);
  else attention_backward<float>(a);
}

}  // namespace
}  // namespace KN_ISA_NS

KN_REGISTER_CPU_KERNEL(attention, KN_ISA_NS::attention_kernel);
KN_REGISTER_CPU_KERNEL(attention_backward, KN_ISA_NS::attention_backward_kernel);

}  // namespace kn
