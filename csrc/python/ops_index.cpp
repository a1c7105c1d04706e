// Bindings of the index family.
#include "ops/ops.h"
#include "python/convert.h"

namespace kn {

void init_ops_index(py::module_& m) {
  m.def(
      "take",
      [](TensorArg x, TensorArg idx, py::handle axis) {
        return ops::take(
            x.t, idx.t,
            axis.is_none() ? std::nullopt : std::optional<int64_t>(axis.cast<int64_t>()));
      },
      py::arg("x"), py::arg("indices"), py::arg("axis") = py::none());
  m.def(
      "take_along_axis",
      [](TensorArg x, TensorArg idx, int64_t axis) {
        return ops::take_along_axis(x.t, idx.t, axis);
      },
      py::arg("x"), py::arg("indices"), py::arg("axis"));
  m.def(
      "scatter_add",
      [](py::handle shape, TensorArg idx, TensorArg upd, int64_t axis) {
        return ops::scatter_add(to_dims(shape, "shape"), idx.t, upd.t, axis);
      },
      py::arg("shape"), py::arg("indices"), py::arg("updates"), py::arg("axis") = 0);
  m.def(
      "scatter_add_along_axis",
      [](py::handle shape, TensorArg idx, TensorArg upd, int64_t axis) {
        return ops::scatter_add_along_axis(to_dims(shape, "shape"), idx.t, upd.t, axis);
      },
      py::arg("shape"), py::arg("indices"), py::arg("updates"), py::arg("axis"));
  m.def(
      "one_hot",
      [](TensorArg x, int64_t n, int64_t axis, const std::string& dtype) {
        return ops::one_hot(x.t, n, axis, parse_dtype(dtype));
      },
      py::arg("x"), py::arg("num_classes"), py::arg("axis") = -1, py::arg("dtype") = "float32");
  m.def("nonzero", [](TensorArg x) { return ops::nonzero(x.t); }, py::arg("x"));
}

}  // namespace kn
