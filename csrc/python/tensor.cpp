// The Tensor class as Python sees it (kerasnet.Tensor): construction, metadata, numpy and DLPack
// interop, operators, indexing. Variable (python/kerasnet/backend/variable.py) subclasses it.
#include <pybind11/operators.h>

#include "core/allocator.h"
#include "core/errors.h"
#include "ops/ops.h"
#include "python/convert.h"
#include "python/dlpack.h"
#include "python/indexing.h"

namespace kn {

namespace {

py::tuple shape_tuple(const Tensor& t) {
  py::tuple out(t.ndim());
  for (int i = 0; i < t.ndim(); ++i) out[size_t(i)] = py::int_(t.shape()[i]);
  return out;
}

// Binary operator with Python-scalar weak typing; NotImplemented when `other` cannot be a tensor
// (so that Python tries the reflected operation of the other operand).
template <Tensor (*Op)(const Tensor&, const Tensor&)>
py::object binop(const Tensor& self, py::handle other, bool reflected) {
  if (other.is_none()) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
  std::pair<Tensor, Tensor> ab;
  try {
    ab =
        reflected ? binary_operands(other, py::cast(self)) : binary_operands(py::cast(self), other);
  } catch (py::type_error&) {
    return py::reinterpret_borrow<py::object>(Py_NotImplemented);
  }
  return py::cast(Op(ab.first, ab.second));
}

template <Tensor (*Op)(const Tensor&, const Tensor&)>
void def_binop(py::class_<Tensor>& cls, const char* name, const char* rname) {
  cls.def(
      name, [](const Tensor& s, py::handle o) { return binop<Op>(s, o, false); },
      py::is_operator());
  if (rname)
    cls.def(
        rname, [](const Tensor& s, py::handle o) { return binop<Op>(s, o, true); },
        py::is_operator());
}

double scalar_value(const Tensor& t, const char* what) {
  if (t.numel() != 1) {
    throw py::value_error(std::string("only one-element tensors can be converted to Python ") +
                          what + "; got shape " + str(t.shape()));
  }
  if (t.device().is_cpu()) return t.item();
  return to_numpy(t, true).attr("item")().cast<double>();
}

}  // namespace

void init_tensor(py::module_& m) {
  py::class_<Tensor> cls(m, "Tensor", py::dynamic_attr());
  cls.def(py::init([](py::handle data, std::optional<std::string> dtype, bool copy) {
            return to_tensor(data, dtype, copy);
          }),
          py::arg("data"), py::arg("dtype") = py::none(), py::arg("copy") = true)
      .def_property_readonly("shape", &shape_tuple)
      .def_property_readonly("dtype", [](const Tensor& t) { return dtype_name(t.dtype()); })
      .def_property_readonly("ndim", &Tensor::ndim)
      .def_property_readonly("size", &Tensor::numel)
      .def_property_readonly("device", [](const Tensor& t) { return t.device().str(); })
      .def_property_readonly("_id", &Tensor::id)
      .def_property_readonly("_version", &Tensor::version)
      .def_property_readonly("_is_contiguous", &Tensor::is_contiguous)
      .def_property_readonly("_strides", [](const Tensor& t) { return t.strides().vec(); })
      .def_property_readonly(
          "_data_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.raw_data()); })
      .def("numpy", [](const Tensor& t) { return to_numpy(t, true); })
      .def(
          "__array__",
          [](const Tensor& t, py::object dtype, py::object copy) {
            py::array a = to_numpy(t, !copy.is_none() && copy.cast<bool>());
            if (!dtype.is_none()) return py::array(a.attr("astype")(dtype));
            return a;
          },
          py::arg("dtype") = py::none(), py::arg("copy") = py::none())
      .def("__len__",
           [](const Tensor& t) {
             if (t.ndim() == 0) throw py::type_error("len() of a 0-d tensor");
             return t.shape()[0];
           })
      .def("__bool__", [](const Tensor& t) { return scalar_value(t, "bool") != 0; })
      .def("__float__", [](const Tensor& t) { return scalar_value(t, "float"); })
      .def("__int__", [](const Tensor& t) { return int64_t(scalar_value(t, "int")); })
      .def(
          "__index__",
          [](const Tensor& t) {
            if (!is_integral(t.dtype()) || t.numel() != 1) {
              throw py::type_error("only integer tensors with one element can be used as an index");
            }
            return int64_t(scalar_value(t, "int"));
          })
      .def(
          "__hash__",
          [](const Tensor& t) { return py::hash(py::int_(reinterpret_cast<uintptr_t>(t.impl()))); })
      .def("__getitem__", [](const Tensor& t, py::handle idx) { return getitem(t, idx); })
      .def("__neg__", [](const Tensor& t) { return ops::negative(t); })
      .def("__pos__", [](const Tensor& t) { return t; })
      .def("__abs__", [](const Tensor& t) { return ops::abs(t); })
      .def("__invert__",
           [](const Tensor& t) {
             KN_CHECK_TYPE(t.dtype() == DType::bool_, "~ is only defined for bool tensors, got ",
                           dtype_name(t.dtype()));
             return ops::logical_not(t);
           })
      .def_property_readonly("T", [](const Tensor& t) { return ops::transpose(t); })
      .def("__dlpack__", &to_dlpack, py::arg("stream") = py::none(),
           py::arg("max_version") = py::none(), py::arg("dl_device") = py::none(),
           py::arg("copy") = py::none())
      .def("__dlpack_device__", &dlpack_device);

  def_binop<ops::add>(cls, "__add__", "__radd__");
  def_binop<ops::subtract>(cls, "__sub__", "__rsub__");
  def_binop<ops::multiply>(cls, "__mul__", "__rmul__");
  def_binop<ops::divide>(cls, "__truediv__", "__rtruediv__");
  def_binop<ops::floor_divide>(cls, "__floordiv__", "__rfloordiv__");
  def_binop<ops::mod>(cls, "__mod__", "__rmod__");
  def_binop<ops::power>(cls, "__pow__", "__rpow__");
  def_binop<ops::matmul>(cls, "__matmul__", "__rmatmul__");
  def_binop<ops::equal>(cls, "__eq__", nullptr);
  def_binop<ops::not_equal>(cls, "__ne__", nullptr);
  def_binop<ops::less>(cls, "__lt__", nullptr);
  def_binop<ops::less_equal>(cls, "__le__", nullptr);
  def_binop<ops::greater>(cls, "__gt__", nullptr);
  def_binop<ops::greater_equal>(cls, "__ge__", nullptr);
  def_binop<ops::logical_and>(cls, "__and__", "__rand__");
  def_binop<ops::logical_or>(cls, "__or__", "__ror__");
  def_binop<ops::logical_xor>(cls, "__xor__", "__rxor__");

  m.def("from_dlpack", &from_dlpack, py::arg("x"));
  // A new handle (a plain Tensor object) to the same tensor: Variable.value.
  m.def("_alias", [](const Tensor& t) { return Tensor(t.impl_ptr()); });
  m.def("_mark_variable", [](Tensor& t, bool trainable) {
    t.set_flags(uint8_t(kVariable | (trainable ? kTrainable : 0)));
  });
  // Variable.assign: writes `value` into t's storage in place and bumps its version.
  m.def("_assign", [](Tensor& t, TensorArg value) {
    const Tensor v = ops::cast(value.t, t.dtype());
    KN_CHECK(v.shape() == t.shape(), "Variable.assign: value of shape ", v.shape(),
             " does not match the variable's shape ", t.shape());
    KN_CHECK(v.device() == t.device(), "Variable.assign: value on ", v.device().str(),
             ", variable on ", t.device().str());
    if (v.impl() == t.impl()) return;
    const Tensor src = ops::contiguous(v);
    copy_bytes(t.raw_data(), t.device(), src.raw_data(), src.device(),
               size_t(t.numel()) * t.itemsize());
    t.bump_version();
  });
}

}  // namespace kn
