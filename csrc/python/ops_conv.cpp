// Bindings of the conv family (explicit paddings; kerasnet.ops.conv applies Keras' rules).
#include "ops/conv/conv.h"
#include "python/convert.h"

namespace kn {

void init_ops_conv(py::module_& m) {
  m.def("conv",
        [](TensorArg x, TensorArg w, py::handle strides, py::handle pads, py::handle dilation, int64_t groups) {
          return ops::conv(x.t, w.t, to_dims(strides, "strides"), to_dims(pads, "padding"),
                           to_dims(dilation, "dilation_rate"), groups);
        },
        py::arg("x"), py::arg("kernel"), py::arg("strides"), py::arg("pads"), py::arg("dilation"),
        py::arg("groups") = 1);
  m.def("conv_backprop_input",
        [](TensorArg dy, TensorArg w, py::handle x_shape, py::handle strides, py::handle pads, py::handle dilation,
           int64_t groups) {
          return ops::conv_backprop_input(dy.t, w.t, to_dims(x_shape, "x_shape"), to_dims(strides, "strides"),
                                          to_dims(pads, "padding"), to_dims(dilation, "dilation_rate"), groups);
        },
        py::arg("dy"), py::arg("kernel"), py::arg("x_shape"), py::arg("strides"), py::arg("pads"),
        py::arg("dilation"), py::arg("groups") = 1);
  m.def("conv_backprop_filter",
        [](TensorArg x, TensorArg dy, py::handle w_shape, py::handle strides, py::handle pads, py::handle dilation,
           int64_t groups) {
          return ops::conv_backprop_filter(x.t, dy.t, to_dims(w_shape, "kernel_shape"), to_dims(strides, "strides"),
                                           to_dims(pads, "padding"), to_dims(dilation, "dilation_rate"), groups);
        },
        py::arg("x"), py::arg("dy"), py::arg("kernel_shape"), py::arg("strides"), py::arg("pads"),
        py::arg("dilation"), py::arg("groups") = 1);
  m.def("keras_padding",
        [](const std::string& padding, int64_t size, int64_t k, int64_t stride, int64_t dil) {
          int64_t b, a;
          keras_padding(padding, size, k, stride, dil, &b, &a, "padding");
          return py::make_tuple(b, a);
        },
        py::arg("padding"), py::arg("size"), py::arg("kernel"), py::arg("stride"), py::arg("dilation"));
}

}  // namespace kn
