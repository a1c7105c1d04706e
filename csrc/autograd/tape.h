// Tapes (TensorFlow's GradientTape semantics). A thread-local stack holds the active tapes; while
// a tape records, every op with at least one input the tape tracks (a watched tensor, a trainable
// Variable when watch_accessed_variables is on, or the output of an op it recorded) appends a
// Node. Ops whose inputs no tape tracks record nothing; with no tape active, recording costs one
// thread-local load per op.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <unordered_map>
#include <vector>

#include "autograd/node.h"

namespace kn {

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

class Tape {
 public:
  Tape(bool persistent, bool watch_accessed_variables);

  void watch(const Tensor& t);
  // Tracked tensors are marked with the tape's uid when it is the first tape to track them
  // (no hashing on the hot path); the map holds the rest.
  bool tracks(const Tensor& t) const {
    return t.impl()->tape_tag == uid_ || (!tracked_.empty() && tracked_.count(t.id()) != 0);
  }
  ~Tape();
  // Trainable variables watched explicitly or on first read, in the order they were watched.
  const std::vector<Tensor>& watched_variables() const { return watched_variables_; }

  bool persistent() const { return persistent_; }
  bool watch_accessed_variables() const { return watch_accessed_variables_; }
  bool recording() const { return recording_; }
  void set_recording(bool on);
  bool active() const { return active_; }

  // tape.gradient: see gradient.cpp. Entries of the result are undefined for unconnected sources
  // (the binding turns them into None or zeros).
  TensorList gradient(const TensorList& targets, const TensorList& sources,
                      const TensorList& output_gradients);

  // Drops every recorded node and tracked id (non-persistent tapes do this after gradient()).
  void reset();
  size_t num_nodes() const { return nodes_.size(); }

 private:
  friend void push_tape(const std::shared_ptr<Tape>&);
  friend void pop_tape(const std::shared_ptr<Tape>&);
  friend struct Recorder;

  void track(const Tensor& t, Node* producer);

  uint64_t uid_;
  bool persistent_;
  bool watch_accessed_variables_;
  bool recording_ = true;
  bool active_ = false;  // on the thread's stack
  bool used_ = false;    // a non-persistent tape already computed gradients
  std::unordered_map<uint64_t, Node*> tracked_;  // id -> producing node (nullptr: watched leaf)
  std::vector<std::shared_ptr<Node>> nodes_;
  std::vector<Tensor> watched_variables_;
};

// The thread's tape stack.
void push_tape(const std::shared_ptr<Tape>& tape);
void pop_tape(const std::shared_ptr<Tape>& tape);

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

struct Attrs {
  Dims ints;
  Dims ints2;
  double s0 = 0, s1 = 0;
};

// Records `op` on every recording tape that tracks one of `inputs`. Returns the node (shared by
// those tapes) or nullptr when nothing was recorded. Only call it with float outputs.
Node* record(OpId op, TensorSpan inputs, TensorSpan outputs, TensorSpan saved, Attrs attrs = {});
// The same with a closure as the gradient rule (kerasnet.custom_gradient).
Node* record_custom(const TensorList& inputs, const TensorList& outputs,
                    std::function<TensorList(const TensorList&)> backward);

// Convenience for the common single-output case; a no-op when no tape records.
inline void maybe_record(OpId op, std::initializer_list<Tensor> inputs, const Tensor& output,
                         std::initializer_list<Tensor> saved, Attrs attrs = {}) {
  if (!any_tape_recording()) return;
  record(op, inputs, TensorSpan{&output, 1}, saved, std::move(attrs));
}

}  // namespace autograd
}  // namespace kn
