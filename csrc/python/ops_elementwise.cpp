// Bindings of the elementwise family (arguments converted here, nothing computed).
#include "ops/ops.h"
#include "python/convert.h"

namespace kn {

namespace {
using UnaryFn = Tensor (*)(const Tensor&);
using BinaryFn = Tensor (*)(const Tensor&, const Tensor&);

template <BinaryFn Op>
Tensor binary_py(py::handle a, py::handle b) {
  auto ab = binary_operands(a, b);
  return Op(ab.first, ab.second);
}
}  // namespace

void init_ops_elementwise(py::module_& m) {
  const std::pair<const char*, UnaryFn> unary[] = {
  // Every KN_UNARY row of ops.def.
#define KN_OP(...)
#define KN_UNARY(name, functor, domain) {#name, ops::name},
#include "ops/ops.def"
#undef KN_UNARY
#undef KN_OP
      {"isnan", ops::isnan},
      {"isinf", ops::isinf},
      {"isfinite", ops::isfinite},
      {"logical_not", ops::logical_not},
  };
  for (const auto& [name, fn] : unary) {
    UnaryFn f = fn;
    m.def(name, [f](TensorArg x) { return f(x.t); }, py::arg("x"));
  }
  m.def(
      "gelu", [](TensorArg x, bool approximate) { return ops::gelu(x.t, approximate); },
      py::arg("x"), py::arg("approximate") = true);
  m.def(
      "elu", [](TensorArg x, double alpha) { return ops::elu(x.t, alpha); }, py::arg("x"),
      py::arg("alpha") = 1.0);
  m.def(
      "leaky_relu", [](TensorArg x, double s) { return ops::leaky_relu(x.t, s); }, py::arg("x"),
      py::arg("negative_slope") = 0.2);
  m.def(
      "round", [](TensorArg x, int decimals) { return ops::round(x.t, decimals); }, py::arg("x"),
      py::arg("decimals") = 0);
  m.def(
      "clip", [](TensorArg x, double lo, double hi) { return ops::clip(x.t, lo, hi); },
      py::arg("x"), py::arg("x_min"), py::arg("x_max"));

  m.def("add", &binary_py<ops::add>, py::arg("x1"), py::arg("x2"));
  m.def("subtract", &binary_py<ops::subtract>, py::arg("x1"), py::arg("x2"));
  m.def("multiply", &binary_py<ops::multiply>, py::arg("x1"), py::arg("x2"));
  m.def("divide", &binary_py<ops::divide>, py::arg("x1"), py::arg("x2"));
  m.def("true_divide", &binary_py<ops::true_divide>, py::arg("x1"), py::arg("x2"));
  m.def("floor_divide", &binary_py<ops::floor_divide>, py::arg("x1"), py::arg("x2"));
  m.def("mod", &binary_py<ops::mod>, py::arg("x1"), py::arg("x2"));
  m.def("power", &binary_py<ops::power>, py::arg("x1"), py::arg("x2"));
  m.def("maximum", &binary_py<ops::maximum>, py::arg("x1"), py::arg("x2"));
  m.def("minimum", &binary_py<ops::minimum>, py::arg("x1"), py::arg("x2"));
  m.def("equal", &binary_py<ops::equal>, py::arg("x1"), py::arg("x2"));
  m.def("not_equal", &binary_py<ops::not_equal>, py::arg("x1"), py::arg("x2"));
  m.def("less", &binary_py<ops::less>, py::arg("x1"), py::arg("x2"));
  m.def("less_equal", &binary_py<ops::less_equal>, py::arg("x1"), py::arg("x2"));
  m.def("greater", &binary_py<ops::greater>, py::arg("x1"), py::arg("x2"));
  m.def("greater_equal", &binary_py<ops::greater_equal>, py::arg("x1"), py::arg("x2"));
  m.def("logical_and", &binary_py<ops::logical_and>, py::arg("x1"), py::arg("x2"));
  m.def("logical_or", &binary_py<ops::logical_or>, py::arg("x1"), py::arg("x2"));
  m.def("logical_xor", &binary_py<ops::logical_xor>, py::arg("x1"), py::arg("x2"));
  m.def(
      "where",
      [](TensorArg cond, py::handle x, py::handle y) {
        auto xy = binary_operands(x, y);
        return ops::where(cond.t, xy.first, xy.second);
      },
      py::arg("condition"), py::arg("x1"), py::arg("x2"));
  m.def(
      "cast",
      [](TensorArg x, const std::string& dtype) { return ops::cast(x.t, parse_dtype(dtype)); },
      py::arg("x"), py::arg("dtype"));
}

}  // namespace kn
