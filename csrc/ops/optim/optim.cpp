// Fused optimizer updates: argument checks and the split of all variables into chunks that the
// kernel updates in parallel (see optim.h for each optimizer's slots and hyperparameters).
#include "ops/optim/optim.h"

#include "core/errors.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/shape/shape.h"

namespace kn {
namespace ops {

void optimizer_update(OpId op, const std::vector<Tensor>& vars, const std::vector<Tensor>& grads,
                      const std::vector<std::vector<Tensor>>& slots,
                      const std::vector<double>& hyper, int64_t step) {
  const char* name = op_name(op);
  KN_CHECK(vars.size() == grads.size(), name, ": got ", vars.size(), " variables and ",
           grads.size(), " gradients");
  KN_CHECK(slots.size() <= 3, name, ": at most 3 slots per variable");
  KN_CHECK(hyper.size() <= 8, name, ": at most 8 hyperparameters");
  for (const auto& s : slots) {
    KN_CHECK(s.size() == vars.size(), name, ": each slot list needs one tensor per variable");
  }
  if (vars.empty()) return;
  const DType dtype = vars[0].dtype();
  const Device dev = vars[0].device();
  constexpr int64_t kChunk = 1 << 14;
  std::vector<OptimChunk> chunks;
  std::vector<Tensor> keep;  // converted gradients stay alive until the kernel returns
  for (size_t i = 0; i < vars.size(); ++i) {
    const Tensor& v = vars[i];
    KN_CHECK_TYPE(v.dtype() == dtype && is_floating(dtype), name,
                  ": variables must all be float32 or all float64");
    KN_CHECK(v.is_contiguous(), name, ": variable ", i, " is not dense");
    KN_CHECK(v.device() == dev, name, ": variables on different devices");
    KN_CHECK(grads[i].shape() == v.shape(), name, ": gradient ", i, " has shape ", grads[i].shape(),
             " but the variable has shape ", v.shape());
    const Tensor g = contiguous(cast(grads[i], dtype));
    keep.push_back(g);
    for (const auto& s : slots) {
      KN_CHECK(s[i].shape() == v.shape() && s[i].dtype() == dtype && s[i].is_contiguous(), name,
               ": slot of variable ", i, " does not match it (shape ", s[i].shape(), ")");
    }
    const int64_t isz = int64_t(dtype_size(dtype));
    for (int64_t start = 0; start < v.numel(); start += kChunk) {
      OptimChunk c{};
      char* base = static_cast<char*>(v.raw_data()) + start * isz;
      if (dtype == DType::float32) c.var32 = reinterpret_cast<float*>(base);
      else c.var64 = reinterpret_cast<double*>(base);
      c.grad = static_cast<const char*>(g.raw_data()) + start * isz;
      for (size_t k = 0; k < slots.size(); ++k)
        c.slots[k] = static_cast<char*>(slots[k][i].raw_data()) + start * isz;
      c.n = std::min(kChunk, v.numel() - start);
      chunks.push_back(c);
    }
  }
  OptimArgs args{chunks.data(), int64_t(chunks.size()), dtype, {}, step};
  for (size_t k = 0; k < hyper.size(); ++k) args.h[k] = hyper[k];
  run_kernel<OptimKernelFn>(op, dev, args);
  for (const Tensor& v : vars) v.bump_version();
  for (const auto& s : slots)
    for (const Tensor& t : s) t.bump_version();
}

}  // namespace ops
}  // namespace kn
