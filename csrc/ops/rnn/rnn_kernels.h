// Pieces shared by the recurrent CPU kernels (lstm_cpu.cpp, gru_cpu.cpp, simple_rnn_cpu.cpp),
// compiled once per ISA level like them: the activations and their derivatives on Vec<T>, a loop
// over the lanes of one row of U units, and the GEMMs of the sequence (input projection, the
// per-step recurrent products, the weight and input gradients over all B*T rows).
//
// Note [Step-major layout]
// Step s of the loop reads input time t = s (or T-1-s with go_backwards). The kernels copy x
// into step order once ([T, B, I]) and keep every per-step buffer step-major ([T, B, .]): the
// rows a step reads and writes are one contiguous block the hardware prefetcher streams (in
// [B, T, .] order they were B rows a whole sequence apart, each one a cold miss), and the
// states before each step, hs[0..T-1], are one [T*B, U] matrix for the recurrent kernel's
// gradient.
#pragma once

#ifndef KN_ISA_NS
#error "rnn_kernels.h is for *_cpu.cpp kernel files"
#endif

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/parallel.h"
#include "cpu/gemm.h"
#include "cpu/vec/vec_math.h"
#include "ops/rnn/rnn.h"

namespace kn {
namespace KN_ISA_NS {
namespace rnn {

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

// C[M, N] (ldc) (+)= A[M, K] (row stride lda) @ B[K, N] (row stride ldb), all row-major.
template <class T>
inline void gemm_nn(int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, const T* B,
                    int64_t ldb, T* C, int64_t ldc, bool accumulate, const T* bias = nullptr) {
  if (M == 0 || N == 0) return;
  GemmArgs<T> g{M, N, K, A, lda, 1, B, ldb, 1, C, ldc};
  g.accumulate = accumulate;
  g.bias = bias;
  if (K == 0 && !accumulate) {
    for (int64_t i = 0; i < M; ++i) {
      for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = bias ? bias[j] : T(0);
    }
    return;
  }
  gemm(g);
}

// C[M, N] (+)= A @ B^T with B stored [N, K] row-major (row stride ldb).
template <class T>
inline void gemm_nt(int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, const T* B,
                    int64_t ldb, T* C, int64_t ldc, bool accumulate) {
  if (M == 0 || N == 0 || K == 0) return;
  GemmArgs<T> g{M, N, K, A, lda, 1, B, 1, ldb, C, ldc};
  g.accumulate = accumulate;
  gemm(g);
}

// C[M, N] (+)= A^T @ B with A stored [K, M] row-major (row stride lda), B [K, N].
template <class T>
inline void gemm_tn(int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, const T* B,
                    int64_t ldb, T* C, int64_t ldc, bool accumulate) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    if (!accumulate) {
      for (int64_t i = 0; i < M; ++i) std::fill(C + i * ldc, C + i * ldc + N, T(0));
    }
    return;
  }
  GemmArgs<T> g{M, N, K, A, 1, lda, B, ldb, 1, C, ldc};
  g.accumulate = accumulate;
  gemm(g);
}

// out[N] = sum over rows of m[rows, N] (row stride ld), threads over column blocks.
template <class T>
inline void column_sums(int64_t rows, int64_t N, const T* m, int64_t ld, T* out) {
  parallel_for(0, N, 64, [&](int64_t j0, int64_t j1) {
    std::fill(out + j0, out + j1, T(0));
    for (int64_t r = 0; r < rows; ++r) {
      const T* row = m + r * ld;
      for (int64_t j = j0; j < j1; ++j) out[j] += row[j];
    }
  });
}

// ---- activations on Vec<T> ------------------------------------------------------------------
template <class T>
inline T act_scalar(T x, RnnActivation a) {
  switch (a) {
    case RnnActivation::Tanh: return std::tanh(x);
    case RnnActivation::Sigmoid: return T(1) / (T(1) + std::exp(-x));
    case RnnActivation::Relu: return x > T(0) ? x : T(0);
    case RnnActivation::HardSigmoid: return std::min(T(1), std::max(T(0), x / T(6) + T(0.5)));
    case RnnActivation::Linear: break;
  }
  return x;
}

template <class T>
inline Vec<T> act(Vec<T> x, RnnActivation a) {
  // float64 is the checking path, not the fast one: <cmath> per lane.
  T buf[Vec<T>::size];
  x.storeu(buf);
  for (int i = 0; i < Vec<T>::size; ++i) buf[i] = act_scalar(buf[i], a);
  return Vec<T>::loadu(buf);
}

template <>
inline Vec<float> act<float>(Vec<float> x, RnnActivation a) {
  using V = Vec<float>;
  switch (a) {
    case RnnActivation::Tanh: return vtanh(x);
    case RnnActivation::Sigmoid: return vsigmoid(x);
    case RnnActivation::Relu: return V::max(x, V(0.0f));
    case RnnActivation::HardSigmoid:
      return V::min(V::max(V::fmadd(x, V(1.0f / 6.0f), V(0.5f)), V(0.0f)), V(1.0f));
    case RnnActivation::Linear: break;
  }
  return x;
}

// The derivative as a function of the activation's output y.
template <class T>
inline Vec<T> act_grad(Vec<T> y, RnnActivation a) {
  using V = Vec<T>;
  switch (a) {
    case RnnActivation::Tanh: return V(T(1)) - y * y;
    case RnnActivation::Sigmoid: return y * (V(T(1)) - y);
    case RnnActivation::Relu: return V::select(V::gt(y, V(T(0))), V(T(1)), V(T(0)));
    case RnnActivation::HardSigmoid:
      return V::select(V::mask_and(V::gt(y, V(T(0))), V::lt(y, V(T(1)))), V(T(1) / T(6)), V(T(0)));
    case RnnActivation::Linear: break;
  }
  return V(T(1));
}

// Loads / stores of n <= Vec<T>::size lanes.
template <class T>
inline Vec<T> ld(const T* p, int n) {
  return n == Vec<T>::size ? Vec<T>::loadu(p) : Vec<T>::load_partial(p, n);
}
template <class T>
inline void st(Vec<T> v, T* p, int n) {
  if (n == Vec<T>::size) v.storeu(p);
  else v.store_partial(p, n);
}

// Calls f(j, n) for the lanes [j, j+n) of a row of U units.
template <class T, class F>
inline void for_lanes(int64_t U, const F& f) {
  constexpr int W = Vec<T>::size;
  int64_t j = 0;
  for (; j + W <= U; j += W) f(j, W);
  if (j < U) f(j, int(U - j));
}

// Rows per task of the per-step gate passes (a row is one sample's U units).
inline int64_t gate_grain(int64_t U, int64_t G) {
  return std::max<int64_t>(1, 4096 / std::max<int64_t>(1, U * G));
}

// Note [Batch-parallel time loop]
// The samples of a batch never meet in a recurrent layer: row b of step s reads only row b of
// step s-1. So when the batch is large enough, each thread runs the whole time loop for its own
// block of rows (its GEMMs single-threaded, reading the recurrent kernel from its own L2), and the
// threads synchronise once per call instead of twice per step. Small batches (inference on a
// few samples) keep the steps in order and thread each step's GEMM and gate pass instead.
// `step_rows(s, b0, b1)` runs step s for rows [b0, b1); it may call parallel_for, which runs
// inline inside a block.
constexpr int64_t kMinRowsPerBlock = 8;

template <class F>
void for_each_step(int64_t B, int64_t steps, bool reverse, const F& step_rows) {
  const int64_t nt = get_num_threads();
  auto run = [&](int64_t b0, int64_t b1) {
    for (int64_t k = 0; k < steps; ++k) step_rows(reverse ? steps - 1 - k : k, b0, b1);
  };
  if (nt > 1 && !in_parallel_region() && B >= 2 * kMinRowsPerBlock) {
    const int64_t blocks = std::min<int64_t>(nt, B / kMinRowsPerBlock);
    parallel_for_dynamic(0, B, (B + blocks - 1) / blocks, run);
  } else {
    run(0, B);
  }
}

// dst[N, U] = src[U, N]^T (the recurrent kernel transposed once per backward call, so the
// per-step products dz @ U^T read a row-major matrix).
template <class T>
inline void transpose_into(const T* src, int64_t rows, int64_t cols, T* dst) {
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) dst[j * rows + i] = src[i * cols + j];
  }
}

inline int64_t input_time(int64_t s, int64_t T, bool backwards) {
  return backwards ? T - 1 - s : s;
}

// Note [Input projection per step]
// Each step computes x_s W + b for its block of rows right before adding h' U, instead of one
// big GEMM over all steps up front: the same flops at the same per-thread GEMM rate, but the
// step's gate rows are written and then read back while in L1/L2, where the up-front product
// left 4U floats per row and step in memory for every step to fetch again (on LSTM 64x100x128
// that reload cost a third of the forward). Without a tape nothing but the current step is kept.

// Note [One product per step]
// LSTM and SimpleRNN compute a step's pre-activations as one GEMM, [x_s | h'] @ [W; U] with
// K = I + U, instead of x_s W followed by h' U accumulated into the same rows: the rows are
// written once instead of written, read back and written again, and there is one product call
// per step and block. The step copies its block's x_s and h' rows side by side (rows x (I + U),
// in cache); [W; U] is stacked once per call (W and U are both row-major with G U columns).
template <class T>
inline void stack_kernels(const T* kernel, const T* rkernel, int64_t I, int64_t U, int64_t N,
                          T* wu) {
  std::memcpy(wu, kernel, size_t(I * N) * sizeof(T));
  std::memcpy(wu + I * N, rkernel, size_t(U * N) * sizeof(T));
}

// xh[r] = [x row | h' row] for the block's rows (row stride I + U).
template <class T>
inline void gather_step_rows(const T* x, int64_t ldx, const T* h, int64_t rows, int64_t I,
                             int64_t U, T* xh) {
  for (int64_t r = 0; r < rows; ++r) {
    std::memcpy(xh + r * (I + U), x + r * ldx, size_t(I) * sizeof(T));
    std::memcpy(xh + r * (I + U) + I, h + r * U, size_t(U) * sizeof(T));
  }
}

// The slot of step s's states (hs, cs: [T+1 or 2, B, U]) and gates ([T or 1, B, S*U]).
inline int64_t state_slot(const RnnForwardArgs& a, int64_t s) { return a.keep ? s : (s & 1); }
inline int64_t gate_slot(const RnnForwardArgs& a, int64_t s) { return a.keep ? s : 0; }

// Rows [b0, ...) of step s's inputs and their row stride: the step-order copy when it is kept,
// else x read in place.
template <class T>
inline const T* step_input(const RnnForwardArgs& a, int64_t s, int64_t b0, int64_t& ld) {
  if (a.keep) {
    ld = a.I;
    return static_cast<const T*>(a.xs) + (s * a.B + b0) * a.I;
  }
  ld = a.T * a.I;
  return static_cast<const T*>(a.x) + (b0 * a.T + input_time(s, a.T, a.opt.go_backwards)) * a.I;
}

// xs[s, b] = x[b, t(s)]: the inputs in step order.
template <class T>
inline void to_step_order(const T* x, int64_t B, int64_t T_, int64_t I, bool backwards, T* xs) {
  parallel_for(0, T_, 1, [&](int64_t s0, int64_t s1) {
    for (int64_t s = s0; s < s1; ++s) {
      const int64_t t = input_time(s, T_, backwards);
      for (int64_t b = 0; b < B; ++b)
        std::memcpy(xs + (s * B + b) * I, x + (b * T_ + t) * I, size_t(I) * sizeof(T));
    }
  });
}

// dx[b, t(s)] = dxs[s, b].
template <class T>
inline void from_step_order(const T* dxs, int64_t B, int64_t T_, int64_t I, bool backwards, T* dx) {
  parallel_for(0, B, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      for (int64_t s = 0; s < T_; ++s) {
        std::memcpy(dx + (b * T_ + input_time(s, T_, backwards)) * I, dxs + (s * B + b) * I,
                    size_t(I) * sizeof(T));
      }
    }
  });
}

// The weight and input gradients from the pre-activation gradients dz [rows, N] (row stride
// ldz): dkernel = xs^T dz, dxs = dz kernel^T, dbias = column sums of dz.
template <class T>
inline void input_gradients(int64_t rows, int64_t I, int64_t N, const T* xs, const T* kernel,
                            const T* dz, int64_t ldz, T* dxs, T* dkernel, T* dbias) {
  gemm_tn<T>(I, N, rows, xs, I, dz, ldz, dkernel, N, false);
  gemm_nt<T>(rows, I, N, dz, ldz, kernel, N, dxs, I, false);
  if (dbias) column_sums(rows, N, dz, ldz, dbias);
}

// The end of every backward: dkernel, dbias and dx (back in [B, T, I] order) from the
// pre-activation gradients dz [T*B, N] (row stride ldz) through the input projection.
template <class T>
inline void input_side_gradients(const RnnBackwardArgs& a, int64_t N, const T* dz, int64_t ldz,
                                 T* dxs) {
  input_gradients<T>(a.T * a.B, a.I, N, static_cast<const T*>(a.xs),
                     static_cast<const T*>(a.kernel), dz, ldz, dxs, static_cast<T*>(a.dkernel),
                     static_cast<T*>(a.dbias));
  from_step_order(dxs, a.B, a.T, a.I, a.opt.go_backwards, static_cast<T*>(a.dx));
}

// One step's emitted output: the carried state, or zeros for a masked step with
// zero_output_for_mask.
template <class T>
inline void emit(T* y_row, const T* h_row, int64_t U, bool masked, bool zero_output) {
  if (masked && zero_output) std::fill(y_row, y_row + U, T(0));
  else std::memcpy(y_row, h_row, size_t(U) * sizeof(T));
}

// The gradient reaching the carried h of one step from its emitted output.
template <class T>
inline void add_output_grad(T* dh_row, const T* dy_row, int64_t U, bool masked, bool zero_output) {
  if (masked && zero_output) return;
  for (int64_t j = 0; j < U; ++j) dh_row[j] += dy_row[j];
}

}  // namespace rnn
}  // namespace KN_ISA_NS
}  // namespace kn
