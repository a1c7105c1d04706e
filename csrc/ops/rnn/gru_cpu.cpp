// CPU kernels of gru and gru_backward (compiled once per ISA level). Shapes: rnn.h; layout and
// threads: rnn_kernels.h.
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
void gru_forward(const RnnForwardArgs& a) {
  const int64_t B = a.B, Tn = a.T, I = a.I, U = a.U, N = 3 * U;
  const RnnOptions& opt = a.opt;
  const bool after = opt.reset_after;
  const int64_t S = after ? 4 * U : 3 * U;  // saved row width
  const T* rk = static_cast<const T*>(a.rkernel);
  const T* bias = static_cast<const T*>(a.bias);
  T* xs = static_cast<T*>(a.xs);
  T* gates = static_cast<T*>(a.gates);
  T* hs = static_cast<T*>(a.hs);
  T* y = static_cast<T*>(a.y);
  T* q = static_cast<T*>(a.work);  // [B, 3U]: h' @ U (+ b_rec), or r h' in its first U columns
  if (a.keep) to_step_order(static_cast<const T*>(a.x), B, Tn, I, opt.go_backwards, xs);
  std::memcpy(hs, a.h0, size_t(B * U) * sizeof(T));
  const T* kernel = static_cast<const T*>(a.kernel);
  using V = Vec<T>;
  for_each_step(B, Tn, false, [&](int64_t s, int64_t b0, int64_t b1) {
    const int64_t t = input_time(s, Tn, opt.go_backwards);
    const T* hp = hs + state_slot(a, s) * B * U;
    T* hn = hs + state_slot(a, s + 1) * B * U;
    T* ps = gates + gate_slot(a, s) * B * S;
    int64_t ldx;
    const T* xin = step_input<T>(a, s, b0, ldx);
    gemm_nn<T>(b1 - b0, N, I, xin, ldx, kernel, N, ps + b0 * S, S, false, bias);  // x W + b_in
    const int64_t rows = b1 - b0;
    if (after) {
      gemm_nn<T>(rows, N, U, hp + b0 * U, U, rk, N, q + b0 * N, N, false,
                 bias ? bias + N : nullptr);
    } else {
      gemm_nn<T>(rows, 2 * U, U, hp + b0 * U, U, rk, N, ps + b0 * S, S, true);
      parallel_for(b0, b1, gate_grain(U, 2), [&](int64_t r0, int64_t r1) {
        for (int64_t b = r0; b < r1; ++b) {
          T* p = ps + b * S;
          const T* hprev = hp + b * U;
          for_lanes<T>(U, [&](int64_t j, int n) {
            const V z = act<T>(ld(p + j, n), opt.recurrent_activation);
            const V r = act<T>(ld(p + U + j, n), opt.recurrent_activation);
            st(z, p + j, n);
            st(r, p + U + j, n);
            st(r * ld(hprev + j, n), q + b * U + j, n);
          });
        }
      });
      gemm_nn<T>(rows, U, U, q + b0 * U, U, rk + 2 * U, N, ps + b0 * S + 2 * U, S, true);
    }
    parallel_for(b0, b1, gate_grain(U, 3), [&](int64_t r0, int64_t r1) {
      for (int64_t b = r0; b < r1; ++b) {
        T* p = ps + b * S;
        const T* hprev = hp + b * U;
        T* h = hn + b * U;
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
  });
  std::memcpy(a.h_last, hs + state_slot(a, Tn) * B * U, size_t(B * U) * sizeof(T));
}

template <class T>
void gru_backward(const RnnBackwardArgs& a) {
  const int64_t B = a.B, Tn = a.T, I = a.I, U = a.U, N = 3 * U;
  const RnnOptions& opt = a.opt;
  const bool after = opt.reset_after;
  const int64_t S = after ? 4 * U : 3 * U;
  const T* dy = static_cast<const T*>(a.dy);
  const T* hs = static_cast<const T*>(a.hs);
  const T* gates = static_cast<const T*>(a.gates);
  T* dh = static_cast<T*>(a.dh0);
  T* dz = static_cast<T*>(a.work);  // [T, B, 3U] input-path gradients
  T* dxs = dz + Tn * B * N;         // [T, B, I]
  T* rkt = dxs + Tn * B * I;        // [3U, U]
  T* dzr = rkt + N * U;             // reset_after: [T, B, 3U] recurrent-path gradients
  T* rh = dzr;                      // reset_before: [T, B, U] r h'
  T* drh = rh + Tn * B * U;         // reset_before: [B, U] d(r h') of one step
  transpose_into(static_cast<const T*>(a.rkernel), U, N, rkt);
  std::memcpy(dh, a.dh_last, size_t(B * U) * sizeof(T));
  using V = Vec<T>;
  for_each_step(B, Tn, true, [&](int64_t s, int64_t b0, int64_t b1) {
    const int64_t t = input_time(s, Tn, opt.go_backwards);
    const T* hp = hs + s * B * U;
    if (!after) {
      // d(r h') needs dg of every row first.
      parallel_for(b0, b1, gate_grain(U, 1), [&](int64_t r0, int64_t r1) {
        for (int64_t b = r0; b < r1; ++b) {
          const bool masked = a.mask && !a.mask[b * Tn + t];
          T* dhb = dh + b * U;
          T* d = dz + (s * B + b) * N;
          add_output_grad(dhb, dy + (b * Tn + s) * U, U, masked, opt.zero_output_for_mask);
          if (masked) {
            std::fill(d, d + N, T(0));
            continue;
          }
          const T* g = gates + (s * B + b) * S;
          for_lanes<T>(U, [&](int64_t j, int n) {
            const V z = ld(g + j, n), gg = ld(g + 2 * U + j, n);
            st(ld(dhb + j, n) * (V(T(1)) - z) * act_grad<T>(gg, opt.activation), d + 2 * U + j, n);
          });
        }
      });
      // d(r h') = dg @ U_h^T: U_h^T is rows 2U..3U of U^T.
      gemm_nn<T>(b1 - b0, U, U, dz + (s * B + b0) * N + 2 * U, N, rkt + 2 * U * U, U, drh + b0 * U,
                 U, false);
    }
    parallel_for(b0, b1, gate_grain(U, 3), [&](int64_t r0, int64_t r1) {
      for (int64_t b = r0; b < r1; ++b) {
        const bool masked = a.mask && !a.mask[b * Tn + t];
        T* dhb = dh + b * U;
        T* d = dz + (s * B + b) * N;
        T* d2 = after ? dzr + (s * B + b) * N : nullptr;
        if (after) add_output_grad(dhb, dy + (b * Tn + s) * U, U, masked, opt.zero_output_for_mask);
        if (masked) {
          std::fill(d, d + N, T(0));
          if (after) std::fill(d2, d2 + N, T(0));
          continue;
        }
        const T* g = gates + (s * B + b) * S;
        const T* hpb = hp + b * U;
        for_lanes<T>(U, [&](int64_t j, int n) {
          const V z = ld(g + j, n), r = ld(g + U + j, n), gg = ld(g + 2 * U + j, n);
          const V dhv = ld(dhb + j, n), hpv = ld(hpb + j, n);
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
    // dh' += [dz, dr, dg r] @ U^T (reset_after) or [dz, dr] @ [U_z, U_r]^T.
    gemm_nn<T>(b1 - b0, U, after ? N : 2 * U, (after ? dzr : dz) + (s * B + b0) * N, N, rkt, U,
               dh + b0 * U, U, true);
  });
  const int64_t rows = Tn * B;
  T* dbias = static_cast<T*>(a.dbias);
  input_side_gradients<T>(a, N, dz, N, dxs);
  T* drk = static_cast<T*>(a.drkernel);
  if (after) {
    gemm_tn<T>(U, N, rows, hs, U, dzr, N, drk, N, false);
    if (dbias) column_sums(rows, N, dzr, N, dbias + N);
  } else {
    parallel_for(0, rows, 256, [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const T* rr = gates + r * S + U;
        for (int64_t j = 0; j < U; ++j) rh[r * U + j] = rr[j] * hs[r * U + j];
      }
    });
    gemm_tn<T>(U, 2 * U, rows, hs, U, dz, N, drk, N, false);
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
