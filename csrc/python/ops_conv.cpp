// Bindings of the conv family (explicit paddings; kerasnet.ops.conv applies Keras' rules).
#include "ops/conv/conv.h"
#include "ops/conv/depthwise_conv.h"
#include "ops/pool/pool.h"
#include "python/convert.h"

namespace kn {

void init_ops_conv(py::module_& m) {
  m.def(
      "conv",
      [](TensorArg x, TensorArg w, py::handle strides, py::handle pads, py::handle dilation,
         int64_t groups) {
        return ops::conv(x.t, w.t, to_dims(strides, "strides"), to_dims(pads, "padding"),
                         to_dims(dilation, "dilation_rate"), groups);
      },
      py::arg("x"), py::arg("kernel"), py::arg("strides"), py::arg("pads"), py::arg("dilation"),
      py::arg("groups") = 1);
  m.def(
      "conv_bias_act",
      [](TensorArg x, TensorArg w, std::optional<TensorArg> b, FusedActivation activation,
         py::handle strides, py::handle pads, py::handle dilation, int64_t groups) {
        return ops::conv_bias_act(x.t, w.t, b ? b->t : Tensor(), activation,
                                  to_dims(strides, "strides"), to_dims(pads, "padding"),
                                  to_dims(dilation, "dilation_rate"), groups);
      },
      py::arg("x"), py::arg("kernel"), py::arg("bias"), py::arg("activation"), py::arg("strides"),
      py::arg("pads"), py::arg("dilation"), py::arg("groups") = 1);
  m.def(
      "conv_backprop_input",
      [](TensorArg dy, TensorArg w, py::handle x_shape, py::handle strides, py::handle pads,
         py::handle dilation, int64_t groups) {
        return ops::conv_backprop_input(dy.t, w.t, to_dims(x_shape, "x_shape"),
                                        to_dims(strides, "strides"), to_dims(pads, "padding"),
                                        to_dims(dilation, "dilation_rate"), groups);
      },
      py::arg("dy"), py::arg("kernel"), py::arg("x_shape"), py::arg("strides"), py::arg("pads"),
      py::arg("dilation"), py::arg("groups") = 1);
  m.def(
      "conv_backprop_filter",
      [](TensorArg x, TensorArg dy, py::handle w_shape, py::handle strides, py::handle pads,
         py::handle dilation, int64_t groups) {
        return ops::conv_backprop_filter(x.t, dy.t, to_dims(w_shape, "kernel_shape"),
                                         to_dims(strides, "strides"), to_dims(pads, "padding"),
                                         to_dims(dilation, "dilation_rate"), groups);
      },
      py::arg("x"), py::arg("dy"), py::arg("kernel_shape"), py::arg("strides"), py::arg("pads"),
      py::arg("dilation"), py::arg("groups") = 1);
  m.def(
      "depthwise_conv",
      [](TensorArg x, TensorArg w, py::handle strides, py::handle pads, py::handle dilation) {
        return ops::depthwise_conv(x.t, w.t, to_dims(strides, "strides"), to_dims(pads, "padding"),
                                   to_dims(dilation, "dilation_rate"));
      },
      py::arg("x"), py::arg("kernel"), py::arg("strides"), py::arg("pads"), py::arg("dilation"));
  m.def(
      "depthwise_conv_backprop_input",
      [](TensorArg dy, TensorArg w, py::handle x_shape, py::handle strides, py::handle pads,
         py::handle dilation) {
        return ops::depthwise_conv_backprop_input(
            dy.t, w.t, to_dims(x_shape, "x_shape"), to_dims(strides, "strides"),
            to_dims(pads, "padding"), to_dims(dilation, "dilation_rate"));
      },
      py::arg("dy"), py::arg("kernel"), py::arg("x_shape"), py::arg("strides"), py::arg("pads"),
      py::arg("dilation"));
  m.def(
      "depthwise_conv_backprop_filter",
      [](TensorArg x, TensorArg dy, py::handle w_shape, py::handle strides, py::handle pads,
         py::handle dilation) {
        return ops::depthwise_conv_backprop_filter(
            x.t, dy.t, to_dims(w_shape, "kernel_shape"), to_dims(strides, "strides"),
            to_dims(pads, "padding"), to_dims(dilation, "dilation_rate"));
      },
      py::arg("x"), py::arg("dy"), py::arg("kernel_shape"), py::arg("strides"), py::arg("pads"),
      py::arg("dilation"));
  m.def(
      "max_pool",
      [](TensorArg x, py::handle pool, py::handle strides, py::handle pads) {
        return ops::max_pool(x.t, to_dims(pool, "pool_size"), to_dims(strides, "strides"),
                             to_dims(pads, "padding"));
      },
      py::arg("x"), py::arg("pool_size"), py::arg("strides"), py::arg("pads"));
  m.def(
      "avg_pool",
      [](TensorArg x, py::handle pool, py::handle strides, py::handle pads) {
        return ops::avg_pool(x.t, to_dims(pool, "pool_size"), to_dims(strides, "strides"),
                             to_dims(pads, "padding"));
      },
      py::arg("x"), py::arg("pool_size"), py::arg("strides"), py::arg("pads"));
  m.def(
      "max_pool_backward",
      [](TensorArg x, TensorArg dy, py::handle pool, py::handle strides, py::handle pads) {
        return ops::max_pool_backward(x.t, dy.t, to_dims(pool, "pool_size"),
                                      to_dims(strides, "strides"), to_dims(pads, "padding"));
      },
      py::arg("x"), py::arg("dy"), py::arg("pool_size"), py::arg("strides"), py::arg("pads"));
  m.def(
      "avg_pool_backward",
      [](TensorArg dy, py::handle x_shape, py::handle pool, py::handle strides, py::handle pads) {
        return ops::avg_pool_backward(dy.t, to_dims(x_shape, "x_shape"), to_dims(pool, "pool_size"),
                                      to_dims(strides, "strides"), to_dims(pads, "padding"));
      },
      py::arg("dy"), py::arg("x_shape"), py::arg("pool_size"), py::arg("strides"), py::arg("pads"));
  m.def(
      "max_pool_argmax",
      [](TensorArg x, py::handle pool, py::handle strides, py::handle pads) {
        return ops::max_pool_argmax(x.t, to_dims(pool, "pool_size"), to_dims(strides, "strides"),
                                    to_dims(pads, "padding"));
      },
      py::arg("x"), py::arg("pool_size"), py::arg("strides"), py::arg("pads"));
  m.def(
      "keras_padding",
      [](const std::string& padding, int64_t size, int64_t k, int64_t stride, int64_t dil) {
        int64_t b, a;
        keras_padding(padding, size, k, stride, dil, &b, &a, "padding");
        return py::make_tuple(b, a);
      },
      py::arg("padding"), py::arg("size"), py::arg("kernel"), py::arg("stride"),
      py::arg("dilation"));
}

}  // namespace kn
