// Tape stack and recording (see tape.h).
//
// Note [Recording cost]
// Recording sits on the hot path of every op under a tape, so it avoids allocation and hashing:
// the node keeps its edges in inline vectors (one allocation per node), op arguments arrive as
// borrowed spans, and "does this tape track that tensor" is a compare against the tensor's
// tape_tag (set by the first tape that tracks it); only tensors tracked by several tapes fall
// back to the tape's hash map.
#include "autograd/tape.h"

#include <algorithm>
#include <atomic>

#include "core/errors.h"
#include "ops/op_registry.h"

namespace kn {

namespace autograd {
thread_local int g_recording_tapes = 0;
}  // namespace autograd

namespace {
thread_local std::vector<std::shared_ptr<Tape>> t_stack;

bool differentiable_dtype(DType t) { return is_floating(t); }

uint64_t next_tape_uid() {
  static std::atomic<uint64_t> counter{1};
  return counter.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

const Tensor& Node::saved_tensor(int i) const {
  const SavedTensor& s = saved[size_t(i)];
  KN_CHECK_RUNTIME(
      s.tensor.version() == s.version, "The gradient of '", op_name(op),
      "' needs a tensor of shape ", s.tensor.shape(),
      " that was modified in place (for example by Variable.assign) after the op was recorded; "
      "compute the gradient before updating it, or record the op on a copy.");
  return s.tensor;
}

void Node::wrong_attrs() const {
  KN_FAIL_RUNTIME("The gradient rule of '", op_name(op),
                  "' read another attribute struct than the op recorded (a kerasnet defect)");
}

Tape::Tape(bool persistent, bool watch_accessed_variables)
    : uid_(next_tape_uid()),
      persistent_(persistent),
      watch_accessed_variables_(watch_accessed_variables) {}

Tape::~Tape() { reset(); }

void Tape::track(const Tensor& t, Node* producer) {
  TensorImpl* impl = t.impl();
  if (impl->tape_tag == 0 || impl->tape_tag == uid_) {
    impl->tape_tag = uid_;
  } else {
    tracked_[t.id()] = producer;  // tagged by another tape: remember it here
  }
}

void Tape::watch(const Tensor& t) {
  if (!differentiable_dtype(t.dtype())) return;  // like TF: integer tensors are not watchable
  if (tracks(t)) return;
  track(t, nullptr);
  if (t.is_variable()) watched_variables_.push_back(t);
}

void Tape::set_recording(bool on) {
  if (on == recording_) return;
  recording_ = on;
  if (active_) autograd::g_recording_tapes += on ? 1 : -1;
}

void Tape::reset() {
  // Long-lived tensors (variables) must not keep a dead tape's tag: give it back.
  for (const Tensor& v : watched_variables_) {
    if (v.impl()->tape_tag == uid_) v.impl()->tape_tag = 0;
  }
  tracked_.clear();
  nodes_.clear();
  watched_variables_.clear();
  // A fresh uid: tensors tagged before the reset are no longer tracked.
  uid_ = next_tape_uid();
}

void push_tape(const std::shared_ptr<Tape>& tape) {
  KN_CHECK_RUNTIME(!tape->active_, "This GradientTape is already recording (entered twice)");
  t_stack.push_back(tape);
  tape->active_ = true;
  if (tape->recording_) ++autograd::g_recording_tapes;
}

void pop_tape(const std::shared_ptr<Tape>& tape) {
  auto it = std::find(t_stack.begin(), t_stack.end(), tape);
  if (it == t_stack.end()) return;
  t_stack.erase(it);
  tape->active_ = false;
  if (tape->recording_) --autograd::g_recording_tapes;
}

// Recorder: the one friend that touches tapes' private state while recording.
struct Recorder {
  // Whether `tape` should record an op with these inputs; watches trainable variables read
  // under a tape with watch_accessed_variables.
  static bool wants(Tape& tape, TensorSpan inputs) {
    bool any = false;
    for (const Tensor& t : inputs) {
      if (!t.defined() || !differentiable_dtype(t.dtype())) continue;
      if (tape.tracks(t)) {
        any = true;
      } else if (tape.watch_accessed_variables_ && (t.flags() & kTrainable)) {
        tape.watch(t);
        any = true;
      }
    }
    return any;
  }

  template <class Make>
  static Node* record(TensorSpan inputs, TensorSpan outputs, const Make& make) {
    std::shared_ptr<Node> node;
    for (auto& tape : t_stack) {
      if (!tape->recording_ || !wants(*tape, inputs)) continue;
      if (!node) node = make();
      tape->nodes_.push_back(node);
      for (const Tensor& o : outputs) tape->track(o, node.get());
    }
    return node.get();
  }
};

namespace autograd {
namespace {

std::shared_ptr<Node> new_node(OpId op, TensorSpan inputs, TensorSpan outputs) {
  auto node = std::make_shared<Node>();
  node->op = op;
  for (const Tensor& t : inputs) {
    node->input_ids.push_back(t.defined() ? t.id() : 0);
    node->input_shapes.push_back(t.defined() ? t.shape() : Shape{});
    node->input_dtypes.push_back(t.defined() ? t.dtype() : DType::float32);
  }
  for (const Tensor& t : outputs) {
    node->output_ids.push_back(t.id());
    node->output_shapes.push_back(t.shape());
    node->output_dtypes.push_back(t.dtype());
  }
  node->device = outputs.size() ? outputs[0].device() : Device{};
  return node;
}

}  // namespace

Node* record(OpId op, TensorSpan inputs, TensorSpan outputs, TensorSpan saved, OpAttrs attrs) {
  KN_CHECK_RUNTIME(
      attrs.index() == kOpAttrsIndex[static_cast<int>(op)], op_name(op),
      ": recorded with another attribute struct than its ops.def row names (a kerasnet "
      "defect)");
  return Recorder::record(inputs, outputs, [&]() {
    auto node = new_node(op, inputs, outputs);
    node->backward = grad_rule(op);
    KN_CHECK_RUNTIME(node->backward != nullptr, op_name(op), ": no gradient rule registered");
    for (const Tensor& t : saved)
      node->saved.push_back(SavedTensor{t, t.defined() ? t.version() : 0});
    node->attributes = std::move(attrs);
    return node;
  });
}

Node* record_custom(const TensorList& inputs, const TensorList& outputs,
                    std::function<TensorList(const TensorList&)> backward) {
  return Recorder::record(inputs, outputs, [&]() {
    auto node = new_node(OpId::copy, inputs, outputs);
    node->custom_backward = backward;
    return node;
  });
}

}  // namespace autograd
}  // namespace kn
