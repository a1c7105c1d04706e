// CPU kernels of lstm and lstm_backward (compiled once per ISA level). Shapes: rnn.h.
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
  const T* x = static_cast<const T*>(a.x);
  const T* h0 = static_cast<const T*>(a.h0);
  const T* c0 = static_cast<const T*>(a.c0);
  const T* rk = static_cast<const T*>(a.rkernel);
  T* gates = static_cast<T*>(a.gates);
  T* hseq = static_cast<T*>(a.hseq);
  T* cseq = static_cast<T*>(a.cseq);
  T* y = static_cast<T*>(a.y);
  input_projection<T>(B * Tn, I, N, x, static_cast<const T*>(a.kernel), static_cast<const T*>(a.bias), gates);
  using V = Vec<T>;
  for (int64_t s = 0; s < Tn; ++s) {
    const int64_t t = input_time(s, Tn, opt.go_backwards);
    const int64_t tp = input_time(s - 1, Tn, opt.go_backwards);
    const T* hp = s == 0 ? h0 : hseq + tp * U;  // row b at + b * hp_stride
    const T* cp = s == 0 ? c0 : cseq + tp * U;
    const int64_t hp_stride = s == 0 ? U : Tn * U;
    gemm_nn<T>(B, N, U, hp, hp_stride, rk, N, gates + t * N, Tn * N, true);
    parallel_for(0, B, gate_grain(U, 4), [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b) {
        T* z = gates + (b * Tn + t) * N;
        const T* hprev = hp + b * hp_stride;
        const T* cprev = cp + b * hp_stride;
        T* h = hseq + (b * Tn + t) * U;
        T* c = cseq + (b * Tn + t) * U;
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
  }
  const int64_t tl = input_time(Tn - 1, Tn, opt.go_backwards);
  for (int64_t b = 0; b < B; ++b) {
    const bool empty = Tn == 0;
    std::memcpy(static_cast<T*>(a.h_last) + b * U, empty ? h0 + b * U : hseq + (b * Tn + tl) * U,
                size_t(U) * sizeof(T));
    std::memcpy(static_cast<T*>(a.c_last) + b * U, empty ? c0 + b * U : cseq + (b * Tn + tl) * U,
                size_t(U) * sizeof(T));
  }
}

template <class T>
void lstm_backward(const RnnBackwardArgs& a) {
  const int64_t B = a.B, Tn = a.T, I = a.I, U = a.U, N = 4 * U;
  const RnnOptions& opt = a.opt;
  const T* dy = static_cast<const T*>(a.dy);
  const T* c0 = static_cast<const T*>(a.c0);
  const T* rk = static_cast<const T*>(a.rkernel);
  const T* gates = static_cast<const T*>(a.gates);
  const T* cseq = static_cast<const T*>(a.cseq);
  T* dh = static_cast<T*>(a.dh0);
  T* dc = static_cast<T*>(a.dc0);
  T* dz = static_cast<T*>(a.work);
  T* hprev = dz + B * Tn * N;
  std::memcpy(dh, a.dh_last, size_t(B * U) * sizeof(T));
  std::memcpy(dc, a.dc_last, size_t(B * U) * sizeof(T));
  using V = Vec<T>;
  for (int64_t s = Tn - 1; s >= 0; --s) {
    const int64_t t = input_time(s, Tn, opt.go_backwards);
    const int64_t tp = input_time(s - 1, Tn, opt.go_backwards);
    parallel_for(0, B, gate_grain(U, 4), [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b) {
        const bool masked = a.mask && !a.mask[b * Tn + t];
        T* dhb = dh + b * U;
        T* dcb = dc + b * U;
        T* d = dz + (b * Tn + t) * N;
        add_output_grad(dhb, dy + (b * Tn + s) * U, U, masked, opt.zero_output_for_mask);
        if (masked) {
          std::fill(d, d + N, T(0));
          continue;
        }
        const T* z = gates + (b * Tn + t) * N;
        const T* c = cseq + (b * Tn + t) * U;
        const T* cprev = s == 0 ? c0 + b * U : cseq + (b * Tn + tp) * U;
        for_lanes<T>(U, [&](int64_t j, int n) {
          const V i = ld(z + j, n), f = ld(z + U + j, n), g = ld(z + 2 * U + j, n), o = ld(z + 3 * U + j, n);
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
    gemm_nt<T>(B, U, N, dz + t * N, Tn * N, rk, N, dh, U, true);
  }
  const T* x = static_cast<const T*>(a.x);
  input_gradients<T>(B * Tn, I, N, x, static_cast<const T*>(a.kernel), dz, static_cast<T*>(a.dx),
                     static_cast<T*>(a.dkernel), static_cast<T*>(a.dbias));
  previous_states<T>(B, Tn, U, opt.go_backwards, static_cast<const T*>(a.h0), static_cast<const T*>(a.hseq),
                     hprev);
  gemm_tn<T>(U, N, B * Tn, hprev, U, dz, N, static_cast<T*>(a.drkernel), N, false);
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
