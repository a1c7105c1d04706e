// Helpers every op definition file uses: the common device of the operands (mixing devices is an
// error naming both), and whether an op's output takes part in autograd.
#pragma once

#include <initializer_list>
#include <utility>

#include "core/errors.h"
#include "core/tensor.h"
#include "ops/op_registry.h"

namespace kn {

inline Device common_device(OpId op, std::initializer_list<const Tensor*> ts) {
  const Tensor* first = nullptr;
  for (const Tensor* t : ts) {
    KN_CHECK(t->defined(), op_name(op), ": received an undefined tensor");
    if (!first) {
      first = t;
    } else {
      KN_CHECK(t->device() == first->device(), op_name(op),
               ": expected all tensors on the same device, got ", first->device().str(), " and ",
               t->device().str());
    }
  }
  return first ? first->device() : Device{};
}

// Calls the CPU or CUDA kernel of `op` with the given arguments (RuntimeError when the device
// has no kernel for it).
template <class Fn, class... Args>
inline decltype(auto) run_kernel(OpId op, Device dev, Args&&... args) {
  if (dev.is_cuda()) return cuda_kernel<Fn>(op)(std::forward<Args>(args)...);
  return cpu_kernel<Fn>(op)(std::forward<Args>(args)...);
}

}  // namespace kn
