// Bindings of the shape family.
#include "core/errors.h"
#include "ops/ops.h"
#include "python/convert.h"

namespace kn {

namespace {
TensorList tensor_list(py::handle seq) {
  TensorList out;
  for (auto x : py::reinterpret_borrow<py::iterable>(seq)) out.push_back(to_tensor(x));
  return out;
}
PadMode pad_mode(const std::string& mode) {
  std::string m;
  for (char c : mode) m.push_back(char(std::tolower(c)));
  if (m == "constant") return PadMode::Constant;
  if (m == "reflect") return PadMode::Reflect;
  if (m == "symmetric") return PadMode::Symmetric;
  KN_FAIL("pad: unsupported mode '", mode, "'; expected 'constant', 'reflect' or 'symmetric'");
}
}  // namespace

void init_ops_shape(py::module_& m) {
  m.def("copy", [](TensorArg x) { return ops::copy(x.t); }, py::arg("x"));
  m.def(
      "reshape",
      [](TensorArg x, py::handle s) { return ops::reshape(x.t, to_dims(s, "newshape")); },
      py::arg("x"), py::arg("newshape"));
  m.def(
      "transpose", [](TensorArg x, py::handle axes) { return ops::transpose(x.t, to_axes(axes)); },
      py::arg("x"), py::arg("axes") = py::none());
  m.def(
      "moveaxis",
      [](TensorArg x, py::handle s, py::handle d) {
        return ops::moveaxis(x.t, to_dims(s, "source"), to_dims(d, "destination"));
      },
      py::arg("x"), py::arg("source"), py::arg("destination"));
  m.def(
      "expand_dims",
      [](TensorArg x, py::handle a) { return ops::expand_dims(x.t, to_dims(a, "axis")); },
      py::arg("x"), py::arg("axis"));
  m.def(
      "squeeze", [](TensorArg x, py::handle a) { return ops::squeeze(x.t, to_axes(a)); },
      py::arg("x"), py::arg("axis") = py::none());
  m.def(
      "broadcast_to",
      [](TensorArg x, py::handle s) { return ops::broadcast_to(x.t, to_dims(s, "shape")); },
      py::arg("x"), py::arg("shape"));
  m.def(
      "flip", [](TensorArg x, py::handle a) { return ops::flip(x.t, to_axes(a)); }, py::arg("x"),
      py::arg("axis") = py::none());
  m.def(
      "concatenate",
      [](py::handle xs, int64_t axis) { return ops::concatenate(tensor_list(xs), axis); },
      py::arg("xs"), py::arg("axis") = 0);
  m.def(
      "stack", [](py::handle xs, int64_t axis) { return ops::stack(tensor_list(xs), axis); },
      py::arg("x"), py::arg("axis") = 0);
  m.def(
      "split",
      [](TensorArg x, py::handle sections, int64_t axis) {
        if (PyLong_Check(sections.ptr())) {
          const int64_t n = sections.cast<int64_t>();
          KN_CHECK(n > 0, "split: the number of sections must be positive, got ", n);
          return ops::split(x.t, n, Dims{}, axis);
        }
        return ops::split(x.t, 0, to_dims(sections, "indices_or_sections"), axis);
      },
      py::arg("x"), py::arg("indices_or_sections"), py::arg("axis") = 0);
  m.def(
      "tile", [](TensorArg x, py::handle r) { return ops::tile(x.t, to_dims(r, "repeats")); },
      py::arg("x"), py::arg("repeats"));
  m.def(
      "repeat",
      [](TensorArg x, int64_t repeats, py::handle axis) {
        return ops::repeat(
            x.t, repeats,
            axis.is_none() ? std::nullopt : std::optional<int64_t>(axis.cast<int64_t>()));
      },
      py::arg("x"), py::arg("repeats"), py::arg("axis") = py::none());
  m.def(
      "pad",
      [](TensorArg x, std::vector<std::pair<int64_t, int64_t>> widths, const std::string& mode,
         double value) { return ops::pad(x.t, widths, pad_mode(mode), value); },
      py::arg("x"), py::arg("pad_width"), py::arg("mode") = "constant",
      py::arg("constant_values") = 0.0);
  m.def(
      "slice",
      [](TensorArg x, py::handle starts, py::handle stops, py::handle steps) {
        return ops::slice(x.t, to_dims(starts, "starts"), to_dims(stops, "stops"),
                          to_dims(steps, "steps"));
      },
      py::arg("x"), py::arg("starts"), py::arg("stops"), py::arg("steps"));
  m.def(
      "slice_scatter",
      [](TensorArg g, py::handle shape, py::handle starts, py::handle steps) {
        return ops::slice_scatter(g.t, to_dims(shape, "shape"), to_dims(starts, "starts"),
                                  to_dims(steps, "steps"));
      },
      py::arg("x"), py::arg("shape"), py::arg("starts"), py::arg("steps"));
}

}  // namespace kn
