// CPU kernels of gru and gru_backward (compiled once per ISA level). Shapes: rnn.h.
//
// reset_after (Keras 3's default; bias [2, 3U]: input row, recurrent row):
//   p = x_t @ W + b_in (all steps at once),  q = h' @ U + b_rec (per step)
//   z = ract(p_z + q_z), r = ract(p_r + q_r), g = act(p_h + r q_h),  h = z h' + (1 - z) g
//   saved per row: z, r, g, q_h (4U wide).
// reset_after=False (bias [3U] in p):
//   z = ract(p_z + h' @ U_z), r = ract(p_r + h' @ U_r), g = act(p_h + (r h') @ U_h)
//   saved per row: z, r, g (3U wide); the step needs a second GEMM after r is known.
// Backward with dh the carried gradient (dh += dy_s first):
//   dg = dh (1 - z) act'(g),  dz = dh (h' - g) ract'(z),  dh' = dh z + ...
//   reset_after: dr = dg q_h ract'(r); the input path gets [dz, dr, dg], the recurrent path
//   [dz, dr, dg r] (so dU and db_rec come from a second gradient buffer).
//   reset_before: d(rh') = dg @ U_h^T, dr = d(rh') h' ract'(r), dh' += d(rh') r; dU_h comes from
//   (r h')^T dg.
// A masked step has zero gate gradients and passes dh through unchanged.
#include "ops/op_registry.h"
#include "ops/rnn/rnn_kernels.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

using namespace rnn;

template <class T>
struct GruStep {
  const T* hp;  // previous state rows, row b at hp + b * hp_stride
  int64_t hp_stride;
};

template <class T>
GruStep<T> previous(const T* h0, const T* hseq, int64_t s, int64_t Tn, int64_t U, bool backwards) {
  if (s == 0) return {h0, U};
  return {hseq + input_time(s - 1, Tn, backwards) * U, Tn * U};
}

template <class T>
void gru_forward(const RnnForwardArgs& a) {
  const int64_t B = a.B, Tn = a.T, I = a.I, U = a.U, N = 3 * U;
  const RnnOptions& opt = a.opt;
  const bool after = opt.reset_after;
  const int64_t S = after ? 4 * U : 3 * U;  // saved row width
  const T* x = static_cast<const T*>(a.x);
  const T* h0 = static_cast<const T*>(a.h0);
  const T* rk = static_cast<const T*>(a.rkernel);
  const T* bias = static_cast<const T*>(a.bias);
  T* gates = static_cast<T*>(a.gates);
  T* hseq = static_cast<T*>(a.hseq);
  T* y = static_cast<T*>(a.y);
  T* q = static_cast<T*>(a.work);  // [B, 3U]: h' @ U (+ b_rec), or r h' in its first U columns
  gemm_nn<T>(B * Tn, N, I, x, I, static_cast<const T*>(a.kernel), N, gates, S, false, bias);
  using V = Vec<T>;
  for (int64_t s = 0; s < Tn; ++s) {
    const int64_t t = input_time(s, Tn, opt.go_backwards);
    const GruStep<T> prev = previous(h0, hseq, s, Tn, U, opt.go_backwards);
    T* prow = gates + t * S;  // row b at prow + b * Tn * S
    if (after) {
      gemm_nn<T>(B, N, U, prev.hp, prev.hp_stride, rk, N, q, N, false, bias ? bias + N : nullptr);
    } else {
      gemm_nn<T>(B, 2 * U, U, prev.hp, prev.hp_stride, rk, N, prow, Tn * S, true);
      parallel_for(0, B, gate_grain(U, 2), [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b) {
          T* p = prow + b * Tn * S;
          const T* hprev = prev.hp + b * prev.hp_stride;
          for_lanes<T>(U, [&](int64_t j, int n) {
            const V z = act<T>(ld(p + j, n), opt.recurrent_activation);
            const V r = act<T>(ld(p + U + j, n), opt.recurrent_activation);
            st(z, p + j, n);
            st(r, p + U + j, n);
            st(r * ld(hprev + j, n), q + b * U + j, n);
          });
        }
      });
      gemm_nn<T>(B, U, U, q, U, rk + 2 * U, N, prow + 2 * U, Tn * S, true);
    }
    parallel_for(0, B, gate_grain(U, 3), [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b) {
        T* p = prow + b * Tn * S;
        const T* hprev = prev.hp + b * prev.hp_stride;
        T* h = hseq + (b * Tn + t) * U;
        const bool masked = a.mask && !a.mask[b * Tn + t];
        if (masked) {
          std::memcpy(h, hprev, size_t(U) * sizeof(T));
        } else {
          const T* qb = q + b * N;
          for_lanes<T>(U, [&](int64_t j, int n) {
            V z, g;
            if (after) {
              z = act<T>(ld(p + j, n) + ld(qb + j, n), opt.recurrent_activation);
              const V r = act<T>(ld(p + U + j, n) + ld(qb + U + j, n), opt.recurrent_activation);
              const V qh = ld(qb + 2 * U + j, n);
              g = act<T>(V::fmadd(r, qh, ld(p + 2 * U + j, n)), opt.activation);
              st(z, p + j, n);
              st(r, p + U + j, n);
              st(qh, p + 3 * U + j, n);
            } else {
              z = ld(p + j, n);
              g = act<T>(ld(p + 2 * U + j, n), opt.activation);
            }
            st(g, p + 2 * U + j, n);
            st(V::fmadd(z, ld(hprev + j, n) - g, g), h + j, n);  // z h' + (1 - z) g
          });
        }
        emit(y + (b * Tn + s) * U, h, U, masked, opt.zero_output_for_mask);
      }
    });
  }
  const int64_t tl = input_time(Tn - 1, Tn, opt.go_backwards);
  for (int64_t b = 0; b < B; ++b) {
    std::memcpy(static_cast<T*>(a.h_last) + b * U, Tn == 0 ? h0 + b * U : hseq + (b * Tn + tl) * U,
                size_t(U) * sizeof(T));
  }
}

template <class T>
void gru_backward(const RnnBackwardArgs& a) {
  const int64_t B = a.B, Tn = a.T, I = a.I, U = a.U, N = 3 * U;
  const RnnOptions& opt = a.opt;
  const bool after = opt.reset_after;
  const int64_t S = after ? 4 * U : 3 * U;
  const T* dy = static_cast<const T*>(a.dy);
  const T* h0 = static_cast<const T*>(a.h0);
  const T* hseq = static_cast<const T*>(a.hseq);
  const T* rk = static_cast<const T*>(a.rkernel);
  const T* gates = static_cast<const T*>(a.gates);
  T* dh = static_cast<T*>(a.dh0);
  T* dz = static_cast<T*>(a.work);       // [B, T, 3U] input-path gradients
  T* hprev = dz + B * Tn * N;            // [B, T, U]
  T* dzr = hprev + B * Tn * U;           // reset_after: [B, T, 3U] recurrent-path gradients
  T* rh = dzr;                           // reset_before: [B, T, U] r h'
  T* drh = rh + B * Tn * U;              // reset_before: [B, U] d(r h') of one step
  std::memcpy(dh, a.dh_last, size_t(B * U) * sizeof(T));
  using V = Vec<T>;
  for (int64_t s = Tn - 1; s >= 0; --s) {
    const int64_t t = input_time(s, Tn, opt.go_backwards);
    const GruStep<T> prev = previous(h0, hseq, s, Tn, U, opt.go_backwards);
    if (!after) {
      // d(r h') needs dg of every row first.
      parallel_for(0, B, gate_grain(U, 1), [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b) {
          const bool masked = a.mask && !a.mask[b * Tn + t];
          T* dhb = dh + b * U;
          T* d = dz + (b * Tn + t) * N;
          add_output_grad(dhb, dy + (b * Tn + s) * U, U, masked, opt.zero_output_for_mask);
          if (masked) {
            std::fill(d, d + N, T(0));
            continue;
          }
          const T* g = gates + (b * Tn + t) * S;
          for_lanes<T>(U, [&](int64_t j, int n) {
            const V z = ld(g + j, n), gg = ld(g + 2 * U + j, n);
            st(ld(dhb + j, n) * (V(T(1)) - z) * act_grad<T>(gg, opt.activation), d + 2 * U + j, n);
          });
        }
      });
      gemm_nt<T>(B, U, U, dz + t * N + 2 * U, Tn * N, rk + 2 * U, N, drh, U, false);
    }
    parallel_for(0, B, gate_grain(U, 3), [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b) {
        const bool masked = a.mask && !a.mask[b * Tn + t];
        T* dhb = dh + b * U;
        T* d = dz + (b * Tn + t) * N;
        T* d2 = after ? dzr + (b * Tn + t) * N : nullptr;
        if (after) add_output_grad(dhb, dy + (b * Tn + s) * U, U, masked, opt.zero_output_for_mask);
        if (masked) {
          std::fill(d, d + N, T(0));
          if (after) std::fill(d2, d2 + N, T(0));
          continue;
        }
        const T* g = gates + (b * Tn + t) * S;
        const T* hp = prev.hp + b * prev.hp_stride;
        for_lanes<T>(U, [&](int64_t j, int n) {
          const V z = ld(g + j, n), r = ld(g + U + j, n), gg = ld(g + 2 * U + j, n);
          const V dhv = ld(dhb + j, n), hpv = ld(hp + j, n);
          const V dzv = dhv * (hpv - gg) * act_grad<T>(z, opt.recurrent_activation);
          V dhp = dhv * z;
          if (after) {
            const V dg = dhv * (V(T(1)) - z) * act_grad<T>(gg, opt.activation);
            const V dr = dg * ld(g + 3 * U + j, n) * act_grad<T>(r, opt.recurrent_activation);
            st(dzv, d + j, n);
            st(dr, d + U + j, n);
            st(dg, d + 2 * U + j, n);
            st(dzv, d2 + j, n);
            st(dr, d2 + U + j, n);
            st(dg * r, d2 + 2 * U + j, n);
          } else {
            const V drhv = ld(drh + b * U + j, n);
            st(dzv, d + j, n);
            st(drhv * hpv * act_grad<T>(r, opt.recurrent_activation), d + U + j, n);
            dhp = V::fmadd(drhv, r, dhp);
          }
          st(dhp, dhb + j, n);
        });
      }
    });
    if (after) gemm_nt<T>(B, U, N, dzr + t * N, Tn * N, rk, N, dh, U, true);
    else gemm_nt<T>(B, U, 2 * U, dz + t * N, Tn * N, rk, N, dh, U, true);
  }
  const int64_t rows = B * Tn;
  T* dbias = static_cast<T*>(a.dbias);
  input_gradients<T>(rows, I, N, static_cast<const T*>(a.x), static_cast<const T*>(a.kernel), dz,
                     static_cast<T*>(a.dx), static_cast<T*>(a.dkernel), dbias);
  previous_states<T>(B, Tn, U, opt.go_backwards, h0, hseq, hprev);
  T* drk = static_cast<T*>(a.drkernel);
  if (after) {
    gemm_tn<T>(U, N, rows, hprev, U, dzr, N, drk, N, false);
    if (dbias) {
      T* db_rec = dbias + N;
      std::fill(db_rec, db_rec + N, T(0));
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t j = 0; j < N; ++j) db_rec[j] += dzr[r * N + j];
      }
    }
  } else {
    for (int64_t r = 0; r < rows; ++r) {
      const T* rr = gates + r * S + U;
      for (int64_t j = 0; j < U; ++j) rh[r * U + j] = rr[j] * hprev[r * U + j];
    }
    gemm_tn<T>(U, 2 * U, rows, hprev, U, dz, N, drk, N, false);
    gemm_tn<T>(U, U, rows, rh, U, dz + 2 * U, N, drk + 2 * U, N, false);
  }
}

void gru_forward_kernel(const RnnForwardArgs& a) {
  if (a.dtype == DType::float64) gru_forward<double>(a);
  else gru_forward<float>(a);
}

void gru_backward_kernel(const RnnBackwardArgs& a) {
  if (a.dtype == DType::float64) gru_backward<double>(a);
  else gru_backward<float>(a);
}

}  // namespace
}  // namespace KN_ISA_NS

KN_REGISTER_CPU_KERNEL(gru, KN_ISA_NS::gru_forward_kernel);
KN_REGISTER_CPU_KERNEL(gru_backward, KN_ISA_NS::gru_backward_kernel);

}  // namespace kn
