// Tapes (TensorFlow's GradientTape semantics). The recording interface ops use (Node,
// GradContext, record) is declared in ops/record.h and implemented in tape.cpp. A thread-local
// stack holds the active tapes; while a tape records, every op with at least one input the tape
// tracks (a watched tensor, a trainable Variable when watch_accessed_variables is on, or the output
// of an op it recorded) appends a Node. Ops whose inputs no tape tracks record nothing; with no
// tape active, recording costs one thread-local load per op.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <unordered_map>
#include <vector>

#include "ops/record.h"

namespace kn {

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
  bool active_ = false;                          // on the thread's stack
  bool used_ = false;                            // a non-persistent tape already computed gradients
  std::unordered_map<uint64_t, Node*> tracked_;  // id -> producing node (nullptr: watched leaf)
  std::vector<std::shared_ptr<Node>> nodes_;
  std::vector<Tensor> watched_variables_;
};

// The thread's tape stack.
void push_tape(const std::shared_ptr<Tape>& tape);
void pop_tape(const std::shared_ptr<Tape>& tape);

}  // namespace kn
