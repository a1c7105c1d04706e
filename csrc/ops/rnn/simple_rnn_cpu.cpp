// CPU kernels of simple_rnn and simple_rnn_backward (compiled once per ISA level). Shapes: rnn.h.
//
// Forward: h = act(x_t @ W + b + h' @ U); the pre-activations of all steps share one buffer
// [B, T, U] (the input projection), and each step adds h' @ U into its rows in place.
// Backward: dz = (dh + dy_s) act'(h), dh' = dz @ U^T; a masked step passes dh through.
#include "ops/op_registry.h"
#include "ops/rnn/rnn_kernels.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

using namespace rnn;

template <class T>
void simple_rnn_forward(const RnnForwardArgs& a) {
  const int64_t B = a.B, Tn = a.T, I = a.I, U = a.U;
  const RnnOptions& opt = a.opt;
  const T* h0 = static_cast<const T*>(a.h0);
  const T* rk = static_cast<const T*>(a.rkernel);
  T* pre = static_cast<T*>(a.gates);
  T* hseq = static_cast<T*>(a.hseq);
  T* y = static_cast<T*>(a.y);
  input_projection<T>(B * Tn, I, U, static_cast<const T*>(a.x), static_cast<const T*>(a.kernel),
                      static_cast<const T*>(a.bias), pre);
  using V = Vec<T>;
  for (int64_t s = 0; s < Tn; ++s) {
    const int64_t t = input_time(s, Tn, opt.go_backwards);
    const T* hp = s == 0 ? h0 : hseq + input_time(s - 1, Tn, opt.go_backwards) * U;
    const int64_t hp_stride = s == 0 ? U : Tn * U;
    gemm_nn<T>(B, U, U, hp, hp_stride, rk, U, pre + t * U, Tn * U, true);
    parallel_for(0, B, gate_grain(U, 1), [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b) {
        T* h = hseq + (b * Tn + t) * U;
        const bool masked = a.mask && !a.mask[b * Tn + t];
        if (masked) {
          std::memcpy(h, hp + b * hp_stride, size_t(U) * sizeof(T));
        } else {
          const T* p = pre + (b * Tn + t) * U;
          for_lanes<T>(U, [&](int64_t j, int n) { st(act<T>(ld(p + j, n), opt.activation), h + j, n); });
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
void simple_rnn_backward(const RnnBackwardArgs& a) {
  const int64_t B = a.B, Tn = a.T, I = a.I, U = a.U;
  const RnnOptions& opt = a.opt;
  const T* dy = static_cast<const T*>(a.dy);
  const T* hseq = static_cast<const T*>(a.hseq);
  const T* rk = static_cast<const T*>(a.rkernel);
  T* dh = static_cast<T*>(a.dh0);
  T* dz = static_cast<T*>(a.work);
  T* hprev = dz + B * Tn * U;
  std::memcpy(dh, a.dh_last, size_t(B * U) * sizeof(T));
  using V = Vec<T>;
  for (int64_t s = Tn - 1; s >= 0; --s) {
    const int64_t t = input_time(s, Tn, opt.go_backwards);
    parallel_for(0, B, gate_grain(U, 1), [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b) {
        const bool masked = a.mask && !a.mask[b * Tn + t];
        T* dhb = dh + b * U;
        T* d = dz + (b * Tn + t) * U;
        add_output_grad(dhb, dy + (b * Tn + s) * U, U, masked, opt.zero_output_for_mask);
        if (masked) {
          std::fill(d, d + U, T(0));
          continue;
        }
        const T* h = hseq + (b * Tn + t) * U;
        for_lanes<T>(U, [&](int64_t j, int n) {
          st(ld(dhb + j, n) * act_grad<T>(ld(h + j, n), opt.activation), d + j, n);
          st(V(T(0)), dhb + j, n);
        });
      }
    });
    gemm_nt<T>(B, U, U, dz + t * U, Tn * U, rk, U, dh, U, true);
  }
  input_gradients<T>(B * Tn, I, U, static_cast<const T*>(a.x), static_cast<const T*>(a.kernel), dz,
                     static_cast<T*>(a.dx), static_cast<T*>(a.dkernel), static_cast<T*>(a.dbias));
  previous_states<T>(B, Tn, U, opt.go_backwards, static_cast<const T*>(a.h0), hseq, hprev);
  gemm_tn<T>(U, U, B * Tn, hprev, U, dz, U, static_cast<T*>(a.drkernel), U, false);
}

void simple_rnn_forward_kernel(const RnnForwardArgs& a) {
  if (a.dtype == DType::float64) simple_rnn_forward<double>(a);
  else simple_rnn_forward<float>(a);
}

void simple_rnn_backward_kernel(const RnnBackwardArgs& a) {
  if (a.dtype == DType::float64) simple_rnn_backward<double>(a);
  else simple_rnn_backward<float>(a);
}

}  // namespace
}  // namespace KN_ISA_NS

KN_REGISTER_CPU_KERNEL(simple_rnn, KN_ISA_NS::simple_rnn_forward_kernel);
KN_REGISTER_CPU_KERNEL(simple_rnn_backward, KN_ISA_NS::simple_rnn_backward_kernel);

}  // namespace kn
