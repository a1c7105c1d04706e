// Bindings of the matmul and norm families.
#include "ops/ops.h"
#include "python/convert.h"

namespace kn {

void init_ops_matmul(py::module_& m) {
  m.def(
      "matmul", [](TensorArg a, TensorArg b) { return ops::matmul(a.t, b.t); }, py::arg("x1"),
      py::arg("x2"));
  m.def(
      "matmul_bias_act",
      [](TensorArg x, TensorArg w, std::optional<TensorArg> b, FusedActivation activation) {
        return ops::matmul_bias_act(x.t, w.t, b ? b->t : Tensor(), activation);
      },
      py::arg("x"), py::arg("kernel"), py::arg("bias") = py::none(),
      py::arg("activation") = FusedActivation::Linear);
  m.def(
      "softmax", [](TensorArg x, int64_t axis) { return ops::softmax(x.t, axis); }, py::arg("x"),
      py::arg("axis") = -1);
  m.def(
      "log_softmax", [](TensorArg x, int64_t axis) { return ops::log_softmax(x.t, axis); },
      py::arg("x"), py::arg("axis") = -1);
}

}  // namespace kn
