// The narrow interface through which ops take part in autograd: the Node an op records (the ids,
// shapes and dtypes of its inputs and outputs, the tensors its gradient rule saved, its typed
// attributes), the context a gradient rule receives, and record(). Implemented by csrc/autograd
// (tape.cpp), which includes ops; ops never include autograd.
//
// A gradient rule is a plain function beside the op's forward, written with engine ops so that an
// outer tape can record it (second derivatives):
//   TensorList conv_backward(const Node& n, const ConvAttrs& a, const GradContext& ctx);
// (ops without attributes drop the middle argument). It returns one gradient per input (an
// undefined Tensor for none) in the *output* shape when the op broadcast: the engine
// un-broadcasts and casts to the input dtype centrally.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <vector>

#include "core/inline_vec.h"
#include "core/tensor.h"
#include "ops/op_traits.h"

namespace kn {

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
  // The op's attribute struct (the one its ops.def row names; record() checks it).
  OpAttrs attributes;

  // The i-th saved tensor; throws RuntimeError if it was modified in place after recording.
  const Tensor& saved_tensor(int i) const;
  // The attributes as `A`; throws RuntimeError if the op recorded another struct.
  template <class A>
  const A& attrs() const {
    if (const A* a = std::get_if<A>(&attributes)) return *a;
    wrong_attrs();
  }

 private:
  [[noreturn]] void wrong_attrs() const;
};

// A borrowed list of tensors: a braced list {a, b} (alive for the whole call) or a TensorList.
struct TensorSpan {
  const Tensor* ptr = nullptr;
  size_t n = 0;
  TensorSpan() = default;
  TensorSpan(const Tensor* p, size_t count) : ptr(p), n(count) {}
  // Only as a call argument: the braced list's array lives until the end of the full expression
  // (GCC warns about the borrowed pointer in general; a TensorSpan is never stored).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"
#endif
  TensorSpan(std::initializer_list<Tensor> il) : ptr(il.begin()), n(il.size()) {}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  TensorSpan(const TensorList& v) : ptr(v.data()), n(v.size()) {}
  const Tensor* begin() const { return ptr; }
  const Tensor* end() const { return ptr + n; }
  size_t size() const { return n; }
  const Tensor& operator[](size_t i) const { return ptr[i]; }
};

namespace autograd {

// Number of recording tapes on this thread's stack (0: nothing can be recorded).
extern thread_local int g_recording_tapes;
inline bool any_tape_recording() { return g_recording_tapes > 0; }

// Suspends recording on every tape of this thread while alive (for values held constant, such as
// the running max inside logsumexp).
struct PauseRecording {
  int saved;
  PauseRecording() : saved(g_recording_tapes) { g_recording_tapes = 0; }
  ~PauseRecording() { g_recording_tapes = saved; }
  PauseRecording(const PauseRecording&) = delete;
  PauseRecording& operator=(const PauseRecording&) = delete;
};

// Records `op` on every recording tape that tracks one of `inputs`. Returns the node (shared by
// those tapes) or nullptr when nothing was recorded. Only call it with float outputs. `attrs`
// must hold the struct the op's ops.def row names (RuntimeError otherwise).
Node* record(OpId op, TensorSpan inputs, TensorSpan outputs, TensorSpan saved,
             OpAttrs attrs = NoAttrs{});
// The same with a closure as the gradient rule (kerasnet.custom_gradient).
Node* record_custom(const TensorList& inputs, const TensorList& outputs,
                    std::function<TensorList(const TensorList&)> backward);

// Convenience for the common single-output case; a no-op when no tape records.
inline void maybe_record(OpId op, std::initializer_list<Tensor> inputs, const Tensor& output,
                         std::initializer_list<Tensor> saved, OpAttrs attrs = NoAttrs{}) {
  if (!any_tape_recording()) return;
  record(op, inputs, TensorSpan{&output, 1}, saved, std::move(attrs));
}

}  // namespace autograd
}  // namespace kn
