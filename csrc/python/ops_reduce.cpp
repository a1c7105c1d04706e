// Bindings of the reduce family.
#include "ops/ops.h"
#include "python/convert.h"

namespace kn {

namespace {
using ReduceFn = Tensor (*)(const Tensor&, const ops::Axes&, bool);
std::optional<int64_t> opt_axis(py::handle a) {
  if (a.is_none()) return std::nullopt;
  return a.cast<int64_t>();
}
}  // namespace

void init_ops_reduce(py::module_& m) {
  const std::pair<const char*, ReduceFn> reductions[] = {
      {"sum", ops::sum},   {"prod", ops::prod},
      {"max", ops::max},   {"min", ops::min},
      {"any", ops::any},   {"all", ops::all},
      {"mean", ops::mean}, {"var", ops::var},
      {"std", ops::std_},  {"logsumexp", ops::logsumexp},
  };
  for (const auto& [name, fn] : reductions) {
    ReduceFn f = fn;
    m.def(
        name,
        [f](TensorArg x, py::handle axis, bool keepdims) {
          return f(x.t, to_axes(axis), keepdims);
        },
        py::arg("x"), py::arg("axis") = py::none(), py::arg("keepdims") = false);
  }
  m.def(
      "argmax",
      [](TensorArg x, py::handle axis, bool k) { return ops::argmax(x.t, opt_axis(axis), k); },
      py::arg("x"), py::arg("axis") = py::none(), py::arg("keepdims") = false);
  m.def(
      "argmin",
      [](TensorArg x, py::handle axis, bool k) { return ops::argmin(x.t, opt_axis(axis), k); },
      py::arg("x"), py::arg("axis") = py::none(), py::arg("keepdims") = false);
  m.def(
      "cumsum", [](TensorArg x, py::handle axis) { return ops::cumsum(x.t, opt_axis(axis)); },
      py::arg("x"), py::arg("axis") = py::none());
  m.def(
      "cumprod", [](TensorArg x, py::handle axis) { return ops::cumprod(x.t, opt_axis(axis)); },
      py::arg("x"), py::arg("axis") = py::none());
}

}  // namespace kn
