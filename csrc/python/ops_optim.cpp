// Bindings of the optim family: _C.<name>_update(vars, grads, slots, hyper, step).
#include "ops/optim/optim.h"
#include "python/convert.h"

namespace kn {

void init_ops_optim(py::module_& m) {
  const std::pair<const char*, OpId> rows[] = {
      {"sgd_update", OpId::sgd_update},           {"adam_update", OpId::adam_update},
      {"rmsprop_update", OpId::rmsprop_update},   {"adagrad_update", OpId::adagrad_update},
      {"adadelta_update", OpId::adadelta_update}, {"adamax_update", OpId::adamax_update},
      {"nadam_update", OpId::nadam_update},       {"lion_update", OpId::lion_update},
  };
  for (const auto& [name, op] : rows) {
    const OpId id = op;
    m.def(
        name,
        [id](const std::vector<Tensor>& vars, py::list grads,
             const std::vector<std::vector<Tensor>>& slots, const std::vector<double>& hyper,
             int64_t step) {
          std::vector<Tensor> g;
          for (auto x : grads) g.push_back(to_tensor(x));
          ops::optimizer_update(id, vars, g, slots, hyper, step);
        },
        py::arg("variables"), py::arg("grads"), py::arg("slots"), py::arg("hyper"),
        py::arg("step"));
  }
}

}  // namespace kn
