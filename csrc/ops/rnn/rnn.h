// Recurrent sequence ops with the time loop in C++: simple_rnn, lstm, gru and their backward ops.
//
// Shape glossary: B batch, T time steps, I input features, U units, G gates per unit (SimpleRNN 1,
// GRU 3, LSTM 4). Keras' layouts and gate orders: kernel [I, G*U], recurrent_kernel [U, G*U],
// bias [G*U] (GRU with reset_after: [2, G*U], input bias row then recurrent bias row); LSTM gates
// i, f, c, o; GRU gates z, r, h.
//
//   x [B, T, I]   h0 (and LSTM's c0) [B, U]   mask [B, T] bool or undefined
//   -> y [B, T, U] in processing order (reversed input order with go_backwards, as Keras), the
//      final states [B, U].
//
// Masking follows Keras 3 (the JAX / numpy backends' rnn loop): a masked step keeps the previous
// states, and emits the carried state (zero_output_for_mask: zeros) as its output.
//
// Forward: the input projection of all B*T steps is one GEMM (x @ kernel + bias); each step adds
// h @ recurrent_kernel into its rows (a strided GEMM, no copies) and runs one fused gate pass.
// Backward: the pre-activation gradients of every step are kept ([B, T, G*U]); the weight
// gradients and the input gradient are then three GEMMs over all B*T rows, not T small ones.
// Saved for backward (only when a tape records): the gate activations and the state sequences.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace kn {

// The activations the fused kernels evaluate. Each derivative is a function of the activation's
// output, so backward needs no pre-activations. Others run the composite cell loop (Python).
enum class RnnActivation : int { Linear = 0, Tanh = 1, Sigmoid = 2, Relu = 3, HardSigmoid = 4 };

// Which recurrent cell a kernel runs.
enum class RnnCell : int { SimpleRnn = 0, Lstm = 1, Gru = 2 };

// The options of a recurrent op (what the kernels read).
struct RnnOptions {
  RnnActivation activation = RnnActivation::Tanh;
  RnnActivation recurrent_activation = RnnActivation::Sigmoid;  // LSTM / GRU gates
  bool go_backwards = false;
  bool zero_output_for_mask = false;
  bool reset_after = true;  // GRU only
};

// The tape attributes of simple_rnn, lstm and gru: the options and which optional inputs were
// given (the gradient rule returns a bias gradient and reads the saved mask only then).
struct RnnAttrs {
  RnnOptions opt;
  bool has_bias = false;
  bool has_mask = false;
};

// Everything a forward kernel reads and writes. Pointers are dense row-major. The kernels
// work in processing-step order (step s reads input time t = s, or T-1-s with go_backwards) and
// step-major layout, so that each step's rows are one contiguous block (Note [Step-major
// layout] in rnn_kernels.h); only x, y, dx and the mask keep the user's [B, T] order.
struct RnnForwardArgs {
  RnnCell cell;
  int64_t B, T, I, U;
  const void* x;        // [B, T, I]
  const void* h0;       // [B, U]
  const void* c0;       // [B, U] (LSTM) or null
  const void* kernel;   // [I, G*U]
  const void* rkernel;  // [U, G*U]
  const void* bias;     // [G*U], [2, G*U] (GRU reset_after) or null
  const bool* mask;     // [B, T] or null
  void* y;              // [B, T, U] outputs, processing order
  void* h_last;         // [B, U]
  void* c_last;         // [B, U] (LSTM)
  // With `keep` (a tape records: backward needs them) every step's buffers; without, the
  // current step's gates and two state slots (s & 1) only, and no xs:
  bool keep;
  void* xs;     // [T, B, I] the inputs in step order
  void* gates;  // [T or 1, B, S*U]: LSTM i,f,c~,o (S=4); GRU z,r,h~ (+ h@U_h + b_h with
                // reset_after, S=4; else S=3); SimpleRNN the pre-activations (S=1)
  void* hs;     // [T+1 or 2, B, U] carried h: hs[0] = h0, hs[s+1] after step s
  void* cs;     // [T+1 or 2, B, U] carried c (LSTM)
  void* work;   // scratch of rnn_forward_work(...) elements
  RnnOptions opt;
  DType dtype;
};

struct RnnBackwardArgs {
  RnnCell cell;
  int64_t B, T, I, U;
  const void* dy;       // [B, T, U] processing order
  const void* dh_last;  // [B, U]
  const void* dc_last;  // [B, U] (LSTM)
  const void* kernel;
  const void* rkernel;
  const bool* mask;
  const void* xs;  // as written by the forward kernel
  const void* gates;
  const void* hs;
  const void* cs;
  void* dx;        // [B, T, I]
  void* dh0;       // [B, U]
  void* dc0;       // [B, U] (LSTM)
  void* dkernel;   // [I, G*U]
  void* drkernel;  // [U, G*U]
  void* dbias;     // like bias, or null
  void* work;      // scratch of rnn_backward_work(...) elements
  RnnOptions opt;
  DType dtype;
};

using RnnForwardKernelFn = void (*)(const RnnForwardArgs& args);
using RnnBackwardKernelFn = void (*)(const RnnBackwardArgs& args);

// Gates per unit of a cell and the width of its saved gate rows.
inline int64_t rnn_gates(RnnCell cell) {
  return cell == RnnCell::Lstm ? 4 : cell == RnnCell::Gru ? 3 : 1;
}
inline int64_t rnn_saved_gates(RnnCell cell, bool reset_after) {
  return cell == RnnCell::Lstm ? 4 : cell == RnnCell::Gru ? (reset_after ? 4 : 3) : 0;
}

// Scratch elements the kernels need beyond their arguments.
inline int64_t rnn_forward_work(RnnCell cell, int64_t B, int64_t I, int64_t U) {
  if (cell == RnnCell::Gru) return B * 3 * U;  // the recurrent product of one step
  // [x_s | h'] rows of one step and the stacked [kernel; recurrent_kernel] (Note [One product
  // per step] in rnn_kernels.h)
  return B * (I + U) + (I + U) * rnn_gates(cell) * U;
}
inline int64_t rnn_backward_work(RnnCell cell, const RnnOptions& opt, int64_t B, int64_t T,
                                 int64_t I, int64_t U) {
  const int64_t N = rnn_gates(cell) * U;
  // pre-activation gradients [T, B, N], dx in step order [T, B, I], U^T [N, U]
  int64_t n = T * B * N + T * B * I + N * U;
  if (cell == RnnCell::Gru) n += opt.reset_after ? T * B * N : T * B * U + B * U;
  return n;
}

// Parses a Keras activation name ("tanh", "sigmoid", "relu", "linear", "hard_sigmoid"); throws
// ValueError naming `what` for any other.
RnnActivation rnn_activation_from_name(const std::string& name, const char* what);

namespace ops {

// Each returns {y, h_last} (simple_rnn, gru) or {y, h_last, c_last} (lstm). `bias` and `mask`
// may be undefined.
std::vector<Tensor> simple_rnn(const Tensor& x, const Tensor& h0, const Tensor& kernel,
                               const Tensor& recurrent_kernel, const Tensor& bias,
                               const Tensor& mask, const RnnOptions& opt);
std::vector<Tensor> lstm(const Tensor& x, const Tensor& h0, const Tensor& c0, const Tensor& kernel,
                         const Tensor& recurrent_kernel, const Tensor& bias, const Tensor& mask,
                         const RnnOptions& opt);
std::vector<Tensor> gru(const Tensor& x, const Tensor& h0, const Tensor& kernel,
                        const Tensor& recurrent_kernel, const Tensor& bias, const Tensor& mask,
                        const RnnOptions& opt);

}  // namespace ops
}  // namespace kn
