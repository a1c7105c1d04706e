// Fused optimizer updates: one engine call updates every variable of a step in place (no Python
// loop over variables or elements). The math is Keras 3's, per optimizer:
//   sgd       s = [momentum?]               h = {lr, momentum, nesterov}
//   adam      s = [m, v, (vhat)]            h = {lr, beta1, beta2, eps, amsgrad}, step
//   rmsprop   s = [velocity, (mom), (avg)]  h = {lr, rho, momentum, eps, centered}
//   adagrad   s = [accumulator]             h = {lr, eps}
//   adadelta  s = [acc_grad, acc_delta]     h = {lr, rho, eps}
//   adamax    s = [m, u]                    h = {lr, beta1, beta2, eps}, step
//   nadam     s = [m, v]                    h = {lr, beta1, beta2, eps, u_t, u_t1, u_prod_t,
//   u_prod_t1}, step lion      s = [m]                       h = {lr, beta1, beta2}
// Weight decay (AdamW and the `weight_decay` argument) is applied by the caller, before.
#pragma once

#include <vector>

#include "core/tensor.h"
#include "ops/op_table.h"

namespace kn {

struct OptimChunk {
  float* var32;  // one of var32 / var64 is set (by dtype)
  double* var64;
  const void* grad;
  void* slots[3];
  int64_t n;
};

struct OptimArgs {
  const OptimChunk* chunks;
  int64_t nchunks;
  DType dtype;
  double h[8];
  int64_t step;  // 1-based step number (iterations + 1)
};

using OptimKernelFn = void (*)(const OptimArgs& args);

namespace ops {

// Updates `vars` in place from `grads` and the per-variable `slots` (slots[k][i] is slot k of
// variable i). Versions of the variables and slots are bumped.
void optimizer_update(OpId op, const std::vector<Tensor>& vars, const std::vector<Tensor>& grads,
                      const std::vector<std::vector<Tensor>>& slots,
                      const std::vector<double>& hyper, int64_t step);

}  // namespace ops
}  // namespace kn
