// Bindings of the creation and random families. `device` defaults to the current
// kerasnet.device scope.
#include "core/random.h"
#include "ops/ops.h"
#include "python/convert.h"

namespace kn {

namespace {
Device dev_arg(py::handle d) {
  return d.is_none() ? default_device() : parse_device(d.cast<std::string>());
}
}  // namespace

void init_ops_creation(py::module_& m) {
  m.def(
      "full",
      [](py::handle shape, double v, const std::string& dtype, py::handle dev) {
        return ops::full(to_dims(shape, "shape"), v, parse_dtype(dtype), dev_arg(dev));
      },
      py::arg("shape"), py::arg("fill_value"), py::arg("dtype") = "float32",
      py::arg("device") = py::none());
  m.def(
      "zeros",
      [](py::handle shape, const std::string& dtype, py::handle dev) {
        return ops::zeros(to_dims(shape, "shape"), parse_dtype(dtype), dev_arg(dev));
      },
      py::arg("shape"), py::arg("dtype") = "float32", py::arg("device") = py::none());
  m.def(
      "ones",
      [](py::handle shape, const std::string& dtype, py::handle dev) {
        return ops::ones(to_dims(shape, "shape"), parse_dtype(dtype), dev_arg(dev));
      },
      py::arg("shape"), py::arg("dtype") = "float32", py::arg("device") = py::none());
  m.def("zeros_like", [](TensorArg x) { return ops::zeros_like(x.t); }, py::arg("x"));
  m.def("ones_like", [](TensorArg x) { return ops::ones_like(x.t); }, py::arg("x"));
  m.def(
      "full_like", [](TensorArg x, double v) { return ops::full_like(x.t, v); }, py::arg("x"),
      py::arg("fill_value"));
  m.def(
      "arange",
      [](double start, double stop, double step, const std::string& dtype, py::handle dev) {
        return ops::arange(start, stop, step, parse_dtype(dtype), dev_arg(dev));
      },
      py::arg("start"), py::arg("stop"), py::arg("step"), py::arg("dtype"),
      py::arg("device") = py::none());
  m.def(
      "linspace",
      [](double start, double stop, int64_t num, bool endpoint, const std::string& dtype,
         py::handle dev) {
        return ops::linspace(start, stop, num, endpoint, parse_dtype(dtype), dev_arg(dev));
      },
      py::arg("start"), py::arg("stop"), py::arg("num"), py::arg("endpoint"), py::arg("dtype"),
      py::arg("device") = py::none());
  m.def(
      "eye",
      [](int64_t n, int64_t mm, int64_t k, const std::string& dtype, py::handle dev) {
        return ops::eye(n, mm, k, parse_dtype(dtype), dev_arg(dev));
      },
      py::arg("N"), py::arg("M"), py::arg("k"), py::arg("dtype"), py::arg("device") = py::none());

  // Random: (seed, offset) chosen by the Python policy (kerasnet.random / SeedGenerator).
  m.def(
      "normal",
      [](py::handle shape, double mean, double std, const std::string& dtype, uint64_t seed,
         uint64_t offset, py::handle dev) {
        return ops::normal(to_dims(shape, "shape"), mean, std, parse_dtype(dtype), seed, offset,
                           dev_arg(dev));
      },
      py::arg("shape"), py::arg("mean"), py::arg("stddev"), py::arg("dtype"), py::arg("seed"),
      py::arg("offset"), py::arg("device") = py::none());
  m.def(
      "uniform",
      [](py::handle shape, double lo, double hi, const std::string& dtype, uint64_t seed,
         uint64_t offset, py::handle dev) {
        return ops::uniform(to_dims(shape, "shape"), lo, hi, parse_dtype(dtype), seed, offset,
                            dev_arg(dev));
      },
      py::arg("shape"), py::arg("minval"), py::arg("maxval"), py::arg("dtype"), py::arg("seed"),
      py::arg("offset"), py::arg("device") = py::none());
  m.def(
      "truncated_normal",
      [](py::handle shape, double mean, double std, const std::string& dtype, uint64_t seed,
         uint64_t offset, py::handle dev) {
        return ops::truncated_normal(to_dims(shape, "shape"), mean, std, parse_dtype(dtype), seed,
                                     offset, dev_arg(dev));
      },
      py::arg("shape"), py::arg("mean"), py::arg("stddev"), py::arg("dtype"), py::arg("seed"),
      py::arg("offset"), py::arg("device") = py::none());
  m.def(
      "randint",
      [](py::handle shape, int64_t lo, int64_t hi, const std::string& dtype, uint64_t seed,
         uint64_t offset, py::handle dev) {
        return ops::randint(to_dims(shape, "shape"), lo, hi, parse_dtype(dtype), seed, offset,
                            dev_arg(dev));
      },
      py::arg("shape"), py::arg("minval"), py::arg("maxval"), py::arg("dtype"), py::arg("seed"),
      py::arg("offset"), py::arg("device") = py::none());
  m.def("set_global_seed", &set_global_seed, py::arg("seed"));
  m.def("global_seed", &global_seed);
  m.def(
      "reserve_random",
      [](uint64_t count) {
        const RandomState s = reserve_global_counters(count);
        return py::make_tuple(s.seed, s.offset);
      },
      py::arg("count"));
}

}  // namespace kn
