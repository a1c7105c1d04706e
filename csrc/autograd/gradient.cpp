// Tape::gradient: the backward walk.
//
// Note [Backward walk]
// Nodes are recorded in execution order, so walking them in reverse visits every node after all
// of its consumers. A first forward pass marks the nodes that lie on a path from a source (only
// they need their rule run) and, per node, which inputs need a gradient (so a rule can skip, say,
// the input gradient of a first layer). Gradients are accumulated per tensor id; each rule's
// results are summed back over broadcast axes and cast to the input's dtype here, centrally.
// The walk runs with this tape paused; other recording tapes record the rules' ops, which is how
// nested tapes give higher derivatives.
#include <unordered_map>
#include <unordered_set>

#include "autograd/tape.h"
#include "core/errors.h"
#include "ops/creation/creation.h"
#include "ops/elementwise/elementwise.h"
#include "ops/reduce/reduce.h"
#include "ops/shape/shape.h"

namespace kn {
namespace {

void accumulate(std::unordered_map<uint64_t, Tensor>& grads, uint64_t id, const Tensor& g) {
  auto it = grads.find(id);
  if (it == grads.end()) {
    grads.emplace(id, g);
  } else {
    it->second = ops::add(it->second, g);
  }
}

// Brings a rule's gradient to the input's shape (un-broadcasting) and dtype.
Tensor fit_to_input(const Tensor& g, const Shape& shape, DType dtype, const Node& node) {
  Tensor out = g;
  if (out.shape() != shape) out = ops::sum_to_shape(out, shape);
  if (out.dtype() != dtype && is_floating(dtype)) out = ops::cast(out, dtype);
  return out;
}

// Pauses recording on one tape for the duration of the walk.
struct PauseTape {
  Tape& tape;
  bool was;
  explicit PauseTape(Tape& t) : tape(t), was(t.recording()) { tape.set_recording(false); }
  ~PauseTape() { tape.set_recording(was); }
};

}  // namespace

TensorList Tape::gradient(const TensorList& targets, const TensorList& sources,
                          const TensorList& output_gradients) {
  KN_CHECK_RUNTIME(!used_,
                   "A non-persistent GradientTape can only be used to compute one set of "
                   "gradients (or jacobians); create it with persistent=True to call gradient() "
                   "more than once.");
  KN_CHECK(output_gradients.empty() || output_gradients.size() == targets.size(),
           "gradient: expected one output gradient per target (", targets.size(), "), got ",
           output_gradients.size());
  PauseTape pause(*this);

  // Only what this tape tracks (watched tensors, variables read under it, outputs of its nodes)
  // is differentiated: like TF, an unwatched source gets no gradient even when a recorded op
  // used it next to a watched input.
  std::unordered_set<uint64_t> source_ids;
  for (const Tensor& s : sources)
    if (s.defined() && tracks(s)) source_ids.insert(s.id());

  // Forward marking: which node outputs depend on a source.
  std::unordered_set<uint64_t> reaches(source_ids);
  std::vector<std::vector<uint8_t>> needs(nodes_.size());
  std::vector<uint8_t> on_path(nodes_.size(), 0);
  for (size_t k = 0; k < nodes_.size(); ++k) {
    const Node& n = *nodes_[k];
    needs[k].assign(n.input_ids.size(), 0);
    for (size_t i = 0; i < n.input_ids.size(); ++i) {
      if (n.input_ids[i] && reaches.count(n.input_ids[i])) needs[k][i] = on_path[k] = 1;
    }
    if (on_path[k])
      for (uint64_t o : n.output_ids) reaches.insert(o);
  }

  std::unordered_map<uint64_t, Tensor> grads;
  for (size_t t = 0; t < targets.size(); ++t) {
    const Tensor& target = targets[t];
    if (!target.defined() || !reaches.count(target.id())) continue;
    Tensor seed = output_gradients.empty() || !output_gradients[t].defined()
                      ? ops::ones_like(target)
                      : output_gradients[t];
    KN_CHECK(seed.shape() == target.shape(), "gradient: output_gradients[", t, "] has shape ",
             seed.shape(), " but the target has shape ", target.shape());
    accumulate(grads, target.id(), ops::cast(seed, target.dtype()));
  }

  for (size_t k = nodes_.size(); k-- > 0;) {
    if (!on_path[k]) continue;
    const Node& n = *nodes_[k];
    bool any = false;
    TensorList outs;
    outs.reserve(n.output_ids.size());
    for (size_t o = 0; o < n.output_ids.size(); ++o) {
      auto it = grads.find(n.output_ids[o]);
      if (it != grads.end()) {
        any = true;
        outs.push_back(it->second);
        if (!source_ids.count(n.output_ids[o])) grads.erase(it);  // consumed
      } else {
        outs.push_back(Tensor());
      }
    }
    if (!any) continue;
    for (size_t o = 0; o < outs.size(); ++o) {
      if (!outs[o].defined())
        outs[o] = ops::zeros(n.output_shapes[o], n.output_dtypes[o], n.device);
    }
    TensorList in_grads = n.custom_backward ? n.custom_backward(outs)
                                            : n.backward(n, GradContext{outs, needs[k].data()});
    KN_CHECK_RUNTIME(in_grads.size() <= n.input_ids.size(), "gradient of '",
                     n.custom_backward ? "custom_gradient" : op_name(n.op), "' returned ",
                     in_grads.size(), " gradients for ", n.input_ids.size(), " inputs");
    for (size_t i = 0; i < in_grads.size(); ++i) {
      if (!in_grads[i].defined() || !needs[k][i]) continue;
      accumulate(grads, n.input_ids[i],
                 fit_to_input(in_grads[i], n.input_shapes[i], n.input_dtypes[i], n));
    }
  }

  TensorList result;
  result.reserve(sources.size());
  for (const Tensor& s : sources) {
    auto it = s.defined() ? grads.find(s.id()) : grads.end();
    result.push_back(it == grads.end() ? Tensor() : it->second);
  }
  if (!persistent_) {
    used_ = true;
    reset();
  }
  return result;
}

}  // namespace kn
