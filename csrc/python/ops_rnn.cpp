// Bindings of the rnn family (kerasnet.ops.rnn normalises the arguments and picks the op).
#include "ops/rnn/rnn.h"
#include "python/convert.h"

namespace kn {
namespace {

RnnOptions options(const std::string& activation, const std::string& recurrent_activation,
                   bool go_backwards, bool zero_output_for_mask, bool reset_after) {
  RnnOptions o;
  o.activation = rnn_activation_from_name(activation, "activation");
  o.recurrent_activation = rnn_activation_from_name(recurrent_activation, "recurrent_activation");
  o.go_backwards = go_backwards;
  o.zero_output_for_mask = zero_output_for_mask;
  o.reset_after = reset_after;
  return o;
}

Tensor optional(const std::optional<TensorArg>& t) { return t ? t->t : Tensor(); }

}  // namespace

void init_ops_rnn(py::module_& m) {
  m.def(
      "simple_rnn",
      [](TensorArg x, TensorArg h0, TensorArg kernel, TensorArg recurrent_kernel,
         std::optional<TensorArg> bias, std::optional<TensorArg> mask,
         const std::string& activation, bool go_backwards, bool zero_output_for_mask) {
        return ops::simple_rnn(
            x.t, h0.t, kernel.t, recurrent_kernel.t, optional(bias), optional(mask),
            options(activation, "sigmoid", go_backwards, zero_output_for_mask, true));
      },
      py::arg("x"), py::arg("h0"), py::arg("kernel"), py::arg("recurrent_kernel"), py::arg("bias"),
      py::arg("mask"), py::arg("activation") = "tanh", py::arg("go_backwards") = false,
      py::arg("zero_output_for_mask") = false);
  m.def(
      "lstm",
      [](TensorArg x, TensorArg h0, TensorArg c0, TensorArg kernel, TensorArg recurrent_kernel,
         std::optional<TensorArg> bias, std::optional<TensorArg> mask,
         const std::string& activation, const std::string& recurrent_activation, bool go_backwards,
         bool zero_output_for_mask) {
        return ops::lstm(
            x.t, h0.t, c0.t, kernel.t, recurrent_kernel.t, optional(bias), optional(mask),
            options(activation, recurrent_activation, go_backwards, zero_output_for_mask, true));
      },
      py::arg("x"), py::arg("h0"), py::arg("c0"), py::arg("kernel"), py::arg("recurrent_kernel"),
      py::arg("bias"), py::arg("mask"), py::arg("activation") = "tanh",
      py::arg("recurrent_activation") = "sigmoid", py::arg("go_backwards") = false,
      py::arg("zero_output_for_mask") = false);
  m.def(
      "gru",
      [](TensorArg x, TensorArg h0, TensorArg kernel, TensorArg recurrent_kernel,
         std::optional<TensorArg> bias, std::optional<TensorArg> mask,
         const std::string& activation, const std::string& recurrent_activation, bool go_backwards,
         bool zero_output_for_mask, bool reset_after) {
        return ops::gru(x.t, h0.t, kernel.t, recurrent_kernel.t, optional(bias), optional(mask),
                        options(activation, recurrent_activation, go_backwards,
                                zero_output_for_mask, reset_after));
      },
      py::arg("x"), py::arg("h0"), py::arg("kernel"), py::arg("recurrent_kernel"), py::arg("bias"),
      py::arg("mask"), py::arg("activation") = "tanh", py::arg("recurrent_activation") = "sigmoid",
      py::arg("go_backwards") = false, py::arg("zero_output_for_mask") = false,
      py::arg("reset_after") = true);
}

}  // namespace kn
