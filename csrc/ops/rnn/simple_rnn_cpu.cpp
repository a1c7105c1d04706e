// CPU kernels of simple_rnn and simple_rnn_backward (compiled once per ISA level). Shapes: rnn.h;
// layout and threads: rnn_kernels.h.
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
  const T* rk = static_cast<const T*>(a.rkernel);
  T* xs = static_cast<T*>(a.xs);
  T* pre = static_cast<T*>(a.gates);
  T* hs = static_cast<T*>(a.hs);
  T* y = static_cast<T*>(a.y);
  if (a.keep) to_step_order(static_cast<const T*>(a.x), B, Tn, I, opt.go_backwards, xs);
  std::memcpy(hs, a.h0, size_t(B * U) * sizeof(T));
  const T* bias = static_cast<const T*>(a.bias);
  T* work = static_cast<T*>(a.work);  // [B, I+U] step rows, then [I+U, U] stacked kernels
  T* wu = work + B * (I + U);
  stack_kernels(static_cast<const T*>(a.kernel), rk, I, U, U, wu);
  using V = Vec<T>;
  for_each_step(B, Tn, false, [&](int64_t s, int64_t b0, int64_t b1) {
    const int64_t t = input_time(s, Tn, opt.go_backwards);
    const T* hp = hs + state_slot(a, s) * B * U;
    T* hn = hs + state_slot(a, s + 1) * B * U;
    T* ps = pre + gate_slot(a, s) * B * U;
    int64_t ldx;
    const T* xin = step_input<T>(a, s, b0, ldx);
    T* xh = work + b0 * (I + U);
    gather_step_rows(xin, ldx, hp + b0 * U, b1 - b0, I, U, xh);
    gemm_nn<T>(b1 - b0, U, I + U, xh, I + U, wu, U, ps + b0 * U, U, false, bias);
    parallel_for(b0, b1, gate_grain(U, 1), [&](int64_t r0, int64_t r1) {
      for (int64_t b = r0; b < r1; ++b) {
        T* h = hn + b * U;
        const bool masked = a.mask && !a.mask[b * Tn + t];
        if (masked) {
          std::memcpy(h, hp + b * U, size_t(U) * sizeof(T));
        } else {
          const T* p = ps + b * U;
          for_lanes<T>(
              U, [&](int64_t j, int n) { st(act<T>(ld(p + j, n), opt.activation), h + j, n); });
        }
        emit(y + (b * Tn + s) * U, h, U, masked, opt.zero_output_for_mask);
      }
    });
  });
  std::memcpy(a.h_last, hs + state_slot(a, Tn) * B * U, size_t(B * U) * sizeof(T));
}

template <class T>
void simple_rnn_backward(const RnnBackwardArgs& a) {
  const int64_t B = a.B, Tn = a.T, I = a.I, U = a.U;
  const RnnOptions& opt = a.opt;
  const T* dy = static_cast<const T*>(a.dy);
  const T* hs = static_cast<const T*>(a.hs);
  T* dh = static_cast<T*>(a.dh0);
  T* dz = static_cast<T*>(a.work);  // [T, B, U]
  T* dxs = dz + Tn * B * U;         // [T, B, I]
  T* rkt = dxs + Tn * B * I;        // [U, U]
  transpose_into(static_cast<const T*>(a.rkernel), U, U, rkt);
  std::memcpy(dh, a.dh_last, size_t(B * U) * sizeof(T));
  using V = Vec<T>;
  for_each_step(B, Tn, true, [&](int64_t s, int64_t b0, int64_t b1) {
    const int64_t t = input_time(s, Tn, opt.go_backwards);
    parallel_for(b0, b1, gate_grain(U, 1), [&](int64_t r0, int64_t r1) {
      for (int64_t b = r0; b < r1; ++b) {
        const bool masked = a.mask && !a.mask[b * Tn + t];
        T* dhb = dh + b * U;
        T* d = dz + (s * B + b) * U;
        add_output_grad(dhb, dy + (b * Tn + s) * U, U, masked, opt.zero_output_for_mask);
        if (masked) {
          std::fill(d, d + U, T(0));
          continue;
        }
        const T* h = hs + ((s + 1) * B + b) * U;
        for_lanes<T>(U, [&](int64_t j, int n) {
          st(ld(dhb + j, n) * act_grad<T>(ld(h + j, n), opt.activation), d + j, n);
          st(V(T(0)), dhb + j, n);
        });
      }
    });
    gemm_nn<T>(b1 - b0, U, U, dz + (s * B + b0) * U, U, rkt, U, dh + b0 * U, U, true);
  });
  input_side_gradients<T>(a, U, dz, U, dxs);
  gemm_tn<T>(U, U, Tn * B, hs, U, dz, U, static_cast<T*>(a.drkernel), U, false);
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
