// Tape stack and recording (see tape.h).
#include "autograd/tape.h"

#include <algorithm>

#include "core/errors.h"

namespace kn {

namespace autograd {
thread_local int g_recording_tapes = 0;
}  // namespace autograd

namespace {
thread_local std::vector<std::shared_ptr<Tape>> t_stack;

bool differentiable_dtype(DType t) { return is_floating(t); }
}  // namespace

const Tensor& Node::saved_tensor(int i) const {
  const SavedTensor& s = saved[i];
  KN_CHECK_RUNTIME(
      s.tensor.version() == s.version, "The gradient of '", op_name(op),
      "' needs a tensor of shape ", s.tensor.shape(),
      " that was modified in place (for example by Variable.assign) after the op was recorded; "
      "compute the gradient before updating it, or record the op on a copy.");
  return s.tensor;
}

void Tape::watch(const Tensor& t) {
  if (!differentiable_dtype(t.dtype())) return;  // like TF: integer tensors are not watchable
  auto it = tracked_.find(t.id());
  if (it == tracked_.end()) {
    tracked_.emplace(t.id(), nullptr);
    if (t.is_variable()) watched_variables_.push_back(t);
  }
}

void Tape::set_recording(bool on) {
  if (on == recording_) return;
  recording_ = on;
  if (active_) autograd::g_recording_tapes += on ? 1 : -1;
}

void Tape::reset() {
  tracked_.clear();
  nodes_.clear();
  watched_variables_.clear();
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

// Recorder: the one friend that touches tapes' private maps while recording.
struct Recorder {
  // Whether `tape` should record an op with these inputs; watches trainable variables read
  // under a tape with watch_accessed_variables.
  static bool wants(Tape& tape, const TensorList& inputs) {
    bool any = false;
    for (const Tensor& t : inputs) {
      if (!t.defined() || !differentiable_dtype(t.dtype())) continue;
      if (tape.tracked_.count(t.id())) {
        any = true;
      } else if (tape.watch_accessed_variables_ && (t.flags() & kTrainable)) {
        tape.watch(t);
        any = true;
      }
    }
    return any;
  }

  template <class Make>
  static Node* record(const TensorList& inputs, const TensorList& outputs, const Make& make) {
    std::shared_ptr<Node> node;
    for (auto& tape : t_stack) {
      if (!tape->recording_ || !wants(*tape, inputs)) continue;
      if (!node) node = make();
      tape->nodes_.push_back(node);
      for (const Tensor& o : outputs) tape->tracked_[o.id()] = node.get();
    }
    return node.get();
  }
};

namespace autograd {
namespace {

std::shared_ptr<Node> new_node(OpId op, const TensorList& inputs, const TensorList& outputs) {
  auto node = std::make_shared<Node>();
  node->op = op;
  node->input_ids.reserve(inputs.size());
  node->input_shapes.reserve(inputs.size());
  node->input_dtypes.reserve(inputs.size());
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
  node->device = outputs.empty() ? Device{} : outputs[0].device();
  return node;
}

}  // namespace

Node* record(OpId op, const TensorList& inputs, const TensorList& outputs, const TensorList& saved,
             Attrs attrs) {
  return Recorder::record(inputs, outputs, [&]() {
    auto node = new_node(op, inputs, outputs);
    node->backward = reinterpret_cast<GradFn>(grad_rule_ptr(op));
    KN_CHECK_RUNTIME(node->backward != nullptr, op_name(op), ": no gradient rule registered");
    node->saved.reserve(saved.size());
    for (const Tensor& t : saved) node->saved.push_back(SavedTensor{t, t.defined() ? t.version() : 0});
    node->ints = std::move(attrs.ints);
    node->ints2 = std::move(attrs.ints2);
    node->scalars[0] = attrs.s0;
    node->scalars[1] = attrs.s1;
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
