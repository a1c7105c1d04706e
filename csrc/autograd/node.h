// Node: one recorded op on a tape. It holds what the op's gradient rule needs: the ids and
// shapes of inputs and outputs, the tensors the rule saved (with their version at save time), and
// the op's attributes (axes, flags, scalars).
//
// A gradient rule is a plain function beside the op's forward, written with engine ops so that an
// outer tape can record it (second derivatives):
//   TensorList mul_backward(const Node& n, const GradContext& ctx);
// It returns one gradient per input (an undefined Tensor for none) in the *output* shape when the
// op broadcast: the engine un-broadcasts and casts to the input dtype centrally.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/inline_vec.h"
#include "core/tensor.h"
#include "ops/op_registry.h"

namespace kn {

using TensorList = std::vector<Tensor>;

struct SavedTensor {
  Tensor tensor;
  uint64_t version = 0;
};

struct GradContext {
  const TensorList& grads;  // one per output, zeros where the output got no gradient
  const uint8_t* need;      // need[i]: input i needs a gradient
  bool needs(int i) const { return need[i] != 0; }
  const Tensor& grad() const { return grads[0]; }
};

struct Node;
using GradFn = TensorList (*)(const Node& node, const GradContext& ctx);

struct Node {
  OpId op;
  GradFn backward = nullptr;
  // custom_gradient: a closure (e.g. a Python function) called with the output gradients.
  std::function<TensorList(const TensorList&)> custom_backward;

  // Inline storage for the usual arity: recording an op makes one allocation (the node).
  InlineVec<uint64_t, 3> input_ids;
  InlineVec<Shape, 3> input_shapes;
  InlineVec<DType, 3> input_dtypes;
  InlineVec<uint64_t, 1> output_ids;
  InlineVec<Shape, 1> output_shapes;
  InlineVec<DType, 1> output_dtypes;
  Device device;

  InlineVec<SavedTensor, 3> saved;
  // Op attributes: axes, sizes, flags and scalar parameters.
  Dims ints;
  Dims ints2;
  double scalars[2] = {0, 0};

  // The i-th saved tensor; throws RuntimeError if it was modified in place after recording.
  const Tensor& saved_tensor(int i) const;
};

}  // namespace kn
