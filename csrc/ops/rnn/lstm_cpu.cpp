// CPU kernels of lstm and lstm_backward (compiled once per ISA level). Shapes: rnn.h; layout:
// Note [Step-major layout], threads: Note [Batch-parallel time loop] (rnn_kernels.h).
//
// Forward, per step: z = (x_t @ W + b, precomputed for all steps) + h @ U, accumulated in place
// in the gates buffer [B, T, 4U]; then one pass per sample row:
//   i = ract(z_i), f = ract(z_f), g = act(z_c), o = ract(z_o)
//   c = f c' + i g,  h = o act(c)
// which overwrites z with i, f, g, o (the saved activations) and writes c and h.
// Backward, per step (reverse order), with dh, dc the carried gradients:
//   dh += dy_s;  tc = act(c);  dc += dh o act'(tc)
//   dz_i = dc g ract'(i), dz_f = dc c' ract'(f), dz_c = dc i act'(g), dz_o = dh tc ract'(o)
//   dc <- dc f;  dh <- dz @ U^T
// A masked step has dz = 0 and passes dh, dc through unchanged.
#include "ops/op_registry.h"
#include "ops/rnn/rnn_kernels.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

using namespace rnn;

template <class T>
void lstm_forward(const RnnForwardArgs& a) {
  const int64_t B = a.B, Tn = a.T, I = a.I, U = a.U, N = 4 * U;
  const RnnOptions& opt = a.opt;
  const T* rk = static_cast<const T*>(a.rkernel);
  T* xs = static_cast<T*>(a.xs);
  T* gates = static_cast<T*>(a.gates);
  T* hs = static_cast<T*>(a.hs);
  T* cs = static_cast<T*>(a.cs);
  T* y = static_cast<T*>(a.y);
  if (a.keep) to_step_order(static_cast<const T*>(a.x), B, Tn, I, opt.go_backwards, xs);
  std::memcpy(hs, a.h0, size_t(B * U) * sizeof(T));
  std::memcpy(cs, a.c0, size_t(B * U) * sizeof(T));
  const T* bias = static_cast<const T*>(a.bias);
  T* work = static_cast<T*>(a.work);  // [B, I+U] step rows, then [I+U, 4U] stacked kernels
  T* wu = work + B * (I + U);
  stack_kernels(static_cast<const T*>(a.kernel), rk, I, U, N, wu);
  using V = Vec<T>;
  for_each_step(B, Tn, false, [&](int64_t s, int64_t b0, int64_t b1) {
    const int64_t t = input_time(s, Tn, opt.go_backwards);
    const T* hp = hs + state_slot(a, s) * B * U;
    const T* cp = cs + state_slot(a, s) * B * U;
    T* hn = hs + state_slot(a, s + 1) * B * U;
    T* cn_rows = cs + state_slot(a, s + 1) * B * U;
    T* zs = gates + gate_slot(a, s) * B * N;
    // z = [x_s | h'] [W; U] + b for this block's rows (Notes [Input projection per step], [One
    // product per step]).
    int64_t ldx;
    const T* xin = step_input<T>(a, s, b0, ldx);
    T* xh = work + b0 * (I + U);
    gather_step_rows(xin, ldx, hp + b0 * U, b1 - b0, I, U, xh);
    gemm_nn<T>(b1 - b0, N, I + U, xh, I + U, wu, N, zs + b0 * N, N, false, bias);
    parallel_for(b0, b1, gate_grain(U, 4), [&](int64_t r0, int64_t r1) {
      for (int64_t b = r0; b < r1; ++b) {
        T* z = zs + b * N;
        const T* hprev = hp + b * U;
        const T* cprev = cp + b * U;
        T* h = hn + b * U;
        T* c = cn_rows + b * U;
        const bool masked = a.mask && !a.mask[b * Tn + t];
        if (masked) {
          std::memcpy(h, hprev, size_t(U) * sizeof(T));
          std::memcpy(c, cprev, size_t(U) * sizeof(T));
        } else {
          for_lanes<T>(U, [&](int64_t j, int n) {
            const V i = act<T>(ld(z + j, n), opt.recurrent_activation);
            const V f = act<T>(ld(z + U + j, n), opt.recurrent_activation);
            const V g = act<T>(ld(z + 2 * U + j, n), opt.activation);
            const V o = act<T>(ld(z + 3 * U + j, n), opt.recurrent_activation);
            const V cn = V::fmadd(f, ld(cprev + j, n), i * g);
            st(i, z + j, n);
            st(f, z + U + j, n);
            st(g, z + 2 * U + j, n);
            st(o, z + 3 * U + j, n);
            st(cn, c + j, n);
            st(o * act<T>(cn, opt.activation), h + j, n);
          });
        }
        emit(y + (b * Tn + s) * U, h, U, masked, opt.zero_output_for_mask);
      }
    });
  });
  std::memcpy(a.h_last, hs + state_slot(a, Tn) * B * U, size_t(B * U) * sizeof(T));
  std::memcpy(a.c_last, cs + state_slot(a, Tn) * B * U, size_t(B * U) * sizeof(T));
}

template <class T>
void lstm_backward(const RnnBackwardArgs& a) {
  const int64_t B = a.B, Tn = a.T, I = a.I, U = a.U, N = 4 * U;
  const RnnOptions& opt = a.opt;
  const T* dy = static_cast<const T*>(a.dy);
  const T* gates = static_cast<const T*>(a.gates);
  const T* hs = static_cast<const T*>(a.hs);
  const T* cs = static_cast<const T*>(a.cs);
  T* dh = static_cast<T*>(a.dh0);
  T* dc = static_cast<T*>(a.dc0);
  T* dz = static_cast<T*>(a.work);  // [T, B, 4U]
  T* dxs = dz + Tn * B * N;         // [T, B, I]
  T* rkt = dxs + Tn * B * I;        // [4U, U]
  transpose_into(static_cast<const T*>(a.rkernel), U, N, rkt);
  std::memcpy(dh, a.dh_last, size_t(B * U) * sizeof(T));
  std::memcpy(dc, a.dc_last, size_t(B * U) * sizeof(T));
  using V = Vec<T>;
  for_each_step(B, Tn, true, [&](int64_t s, int64_t b0, int64_t b1) {
    const int64_t t = input_time(s, Tn, opt.go_backwards);
    parallel_for(b0, b1, gate_grain(U, 4), [&](int64_t r0, int64_t r1) {
      for (int64_t b = r0; b < r1; ++b) {
        const bool masked = a.mask && !a.mask[b * Tn + t];
        T* dhb = dh + b * U;
        T* dcb = dc + b * U;
        T* d = dz + (s * B + b) * N;
        add_output_grad(dhb, dy + (b * Tn + s) * U, U, masked, opt.zero_output_for_mask);
        if (masked) {
          std::fill(d, d + N, T(0));
          continue;
        }
        const T* z = gates + (s * B + b) * N;
        const T* c = cs + ((s + 1) * B + b) * U;
        const T* cprev = cs + (s * B + b) * U;
        for_lanes<T>(U, [&](int64_t j, int n) {
          const V i = ld(z + j, n), f = ld(z + U + j, n), g = ld(z + 2 * U + j, n),
                  o = ld(z + 3 * U + j, n);
          const V dhv = ld(dhb + j, n);
          const V tc = act<T>(ld(c + j, n), opt.activation);
          const V dcv = V::fmadd(dhv * o, act_grad<T>(tc, opt.activation), ld(dcb + j, n));
          st(dcv * g * act_grad<T>(i, opt.recurrent_activation), d + j, n);
          st(dcv * ld(cprev + j, n) * act_grad<T>(f, opt.recurrent_activation), d + U + j, n);
          st(dcv * i * act_grad<T>(g, opt.activation), d + 2 * U + j, n);
          st(dhv * tc * act_grad<T>(o, opt.recurrent_activation), d + 3 * U + j, n);
          st(dcv * f, dcb + j, n);
          st(V(T(0)), dhb + j, n);
        });
      }
    });
    gemm_nn<T>(b1 - b0, U, N, dz + (s * B + b0) * N, N, rkt, U, dh + b0 * U, U, true);
  });
  input_side_gradients<T>(a, N, dz, N, dxs);
  gemm_tn<T>(U, N, Tn * B, hs, U, dz, N, static_cast<T*>(a.drkernel), N, false);  // hs[0..T-1]^T dz
}

void lstm_forward_kernel(const RnnForwardArgs& a) {
  if (a.dtype == DType::float64) lstm_forward<double>(a);
  else lstm_forward<float>(a);
}

void lstm_backward_kernel(const RnnBackwardArgs& a) {
  if (a.dtype == DType::float64) lstm_backward<double>(a);
  else lstm_backward<float>(a);
}

}  // namespace
}  // namespace KN_ISA_NS

KN_REGISTER_CPU_KERNEL(lstm, KN_ISA_NS::lstm_forward_kernel);
KN_REGISTER_CPU_KERNEL(lstm_backward, KN_ISA_NS::lstm_backward_kernel);

}  // namespace kn
