// Conversions between Python objects and engine values, shared by the binding files:
// tensors from numpy arrays (zero-copy when the layout allows), lists and scalars (Keras' default
// dtypes: float -> float32, int -> int32), Python scalars as weakly typed operands, shapes and
// axis arguments. Only csrc/python includes pybind11.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "core/tensor.h"

namespace kn {
namespace py = pybind11;

// Any Python value the ops accept as a tensor; converted by the caster below.
struct TensorArg {
  Tensor t;
};

// The device new tensors are created on (kerasnet.device scope), set from Python.
Device& default_device();

// Tensor from any array-like. `dtype` (a Keras dtype name) casts; `copy` forces fresh storage.
Tensor to_tensor(py::handle obj, const std::optional<std::string>& dtype = std::nullopt,
                 bool copy = false);
// A 0-d tensor for a Python scalar combined with a tensor of dtype `other` (weak typing: the
// scalar adopts the tensor's dtype where it can represent it).
Tensor weak_scalar(py::handle scalar, DType other, Device device);
bool is_python_scalar(py::handle obj);
// Both operands of a binary op as tensors, with weak typing of Python scalars.
std::pair<Tensor, Tensor> binary_operands(py::handle a, py::handle b);

// numpy view of a CPU tensor (no copy; read-only) or a host copy of a CUDA tensor.
py::array to_numpy(const Tensor& t, bool writable_copy);

Dims to_dims(py::handle obj, const char* what);  // int or sequence of ints
std::optional<Dims> to_axes(py::handle obj);     // None, int or sequence
DType parse_dtype(const std::string& name);

}  // namespace kn

namespace pybind11 {
namespace detail {
template <>
struct type_caster<kn::TensorArg> {
  PYBIND11_TYPE_CASTER(kn::TensorArg, const_name("Tensor"));
  bool load(handle src, bool) {
    value.t = kn::to_tensor(src);
    return true;
  }
  static handle cast(const kn::TensorArg& v, return_value_policy p, handle parent) {
    return type_caster_base<kn::Tensor>::cast(v.t, p, parent);
  }
};
}  // namespace detail
}  // namespace pybind11
