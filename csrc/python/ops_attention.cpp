// Bindings of the attention family (kerasnet.ops.attention applies Keras' defaults and decides
// when the fused op runs).
#include "ops/attention/attention.h"
#include "python/convert.h"

namespace kn {

void init_ops_attention(py::module_& m) {
  m.def(
      "attention",
      [](TensorArg q, TensorArg k, TensorArg v, std::optional<TensorArg> bias,
         std::optional<TensorArg> mask, double scale, bool causal, double dropout_rate,
         uint64_t seed, uint64_t offset) {
        return ops::attention(q.t, k.t, v.t, bias ? bias->t : Tensor(), mask ? mask->t : Tensor(),
                              scale, causal, AttentionDropout{dropout_rate, seed, offset});
      },
      py::arg("query"), py::arg("key"), py::arg("value"), py::arg("bias") = py::none(),
      py::arg("mask") = py::none(), py::arg("scale") = 1.0, py::arg("causal") = false,
      py::arg("dropout_rate") = 0.0, py::arg("seed") = 0, py::arg("offset") = 0);
  m.def("attention_dropout_counters", &attention_dropout_counters, py::arg("batch"),
        py::arg("heads"), py::arg("queries"), py::arg("keys"));
}

}  // namespace kn
