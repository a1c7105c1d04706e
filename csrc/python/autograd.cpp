// Bindings of the tape (kerasnet.GradientTape is written in Python on top of these), the
// custom-gradient recorder and stop_gradient.
#include <memory>

#include "autograd/tape.h"
#include "ops/ops.h"
#include "python/convert.h"

namespace kn {

namespace {

py::list gradient(Tape& tape, py::list targets, py::list sources, py::object output_gradients) {
  TensorList ts, ss, og;
  for (auto t : targets) ts.push_back(to_tensor(t));
  for (auto s : sources) ss.push_back(s.is_none() ? Tensor() : s.cast<const Tensor&>());
  if (!output_gradients.is_none()) {
    for (auto g : output_gradients) og.push_back(g.is_none() ? Tensor() : to_tensor(g));
  }
  TensorList grads = tape.gradient(ts, ss, og);
  py::list out;
  for (const Tensor& g : grads) out.append(g.defined() ? py::cast(g) : py::none());
  return out;
}

// Records outputs = f(inputs) as one node whose gradient is `backward(*output_grads)`.
void record_custom(py::list inputs, py::list outputs, py::function backward) {
  TensorList in, out;
  for (auto t : inputs) in.push_back(t.cast<const Tensor&>());
  for (auto t : outputs) out.push_back(t.cast<const Tensor&>());
  const size_t n_in = in.size();
  autograd::record_custom(in, out, [backward, n_in](const TensorList& grads) {
    py::gil_scoped_acquire gil;
    py::tuple args(grads.size());
    for (size_t i = 0; i < grads.size(); ++i) args[i] = py::cast(grads[i]);
    py::object result = backward(*args);
    TensorList res;
    if (py::isinstance<py::list>(result) || py::isinstance<py::tuple>(result)) {
      for (auto r : result) res.push_back(r.is_none() ? Tensor() : to_tensor(r));
    } else {
      res.push_back(result.is_none() ? Tensor() : to_tensor(result));
    }
    if (res.size() != n_in) {
      throw py::value_error("custom_gradient: the gradient function returned " +
                            std::to_string(res.size()) + " gradients for " + std::to_string(n_in) +
                            " inputs");
    }
    return res;
  });
}

}  // namespace

void init_autograd(py::module_& m) {
  py::class_<Tape, std::shared_ptr<Tape>>(m, "Tape")
      .def(py::init<bool, bool>(), py::arg("persistent") = false,
           py::arg("watch_accessed_variables") = true)
      .def("push", [](const std::shared_ptr<Tape>& t) { push_tape(t); })
      .def("pop", [](const std::shared_ptr<Tape>& t) { pop_tape(t); })
      .def("watch", [](Tape& t, const Tensor& x) { t.watch(x); })
      .def("watched_variable_ids",
           [](const Tape& t) {
             std::vector<uint64_t> ids;
             for (const Tensor& v : t.watched_variables()) ids.push_back(v.id());
             return ids;
           })
      .def("gradient", &gradient, py::arg("targets"), py::arg("sources"),
           py::arg("output_gradients") = py::none())
      .def("set_recording", &Tape::set_recording)
      .def_property_readonly("recording", &Tape::recording)
      .def_property_readonly("active", &Tape::active)
      .def_property_readonly("persistent", &Tape::persistent)
      .def_property_readonly("num_nodes", &Tape::num_nodes)
      .def("reset", &Tape::reset);
  m.def("record_custom", &record_custom);
  m.def("stop_gradient", [](TensorArg x) { return ops::stop_gradient(x.t); });
  m.def("any_tape_recording", &autograd::any_tape_recording);
  // `with _C.RecordingPaused():` suspends every tape of this thread (custom_gradient's forward).
  struct PausedScope {
    std::unique_ptr<autograd::PauseRecording> pause;
  };
  py::class_<PausedScope>(m, "RecordingPaused")
      .def(py::init<>())
      .def("__enter__",
           [](PausedScope& s) { s.pause = std::make_unique<autograd::PauseRecording>(); })
      .def("__exit__", [](PausedScope& s, py::args) { s.pause.reset(); });
}

}  // namespace kn
