// Python <-> engine conversions (see convert.h).
#include "python/convert.h"

#include <cstdint>

#include "core/allocator.h"
#include "core/errors.h"
#include "ops/ops.h"

namespace kn {

Device& default_device() {
  static Device d;
  return d;
}

DType parse_dtype(const std::string& name) { return dtype_from_name(name); }

namespace {

// The engine dtype for a numpy dtype (kind + itemsize); throws TypeError for the unsupported.
DType from_numpy_dtype(const py::dtype& dt, bool& needs_cast, DType& cast_to) {
  needs_cast = false;
  const char kind = dt.kind();
  const auto size = dt.itemsize();
  if (kind == 'f' && size == 4) return DType::float32;
  if (kind == 'f' && size == 8) return DType::float64;
  if (kind == 'i' && size == 4) return DType::int32;
  if (kind == 'i' && size == 8) return DType::int64;
  if (kind == 'b') return DType::bool_;
  if (kind == 'u' && size == 1) return DType::uint8;
  // Representable in a supported dtype: convert through numpy.
  needs_cast = true;
  if (kind == 'f') {
    cast_to = DType::float32;
    return cast_to;
  }  // float16 -> float32
  if (kind == 'i') {
    cast_to = DType::int32;
    return cast_to;
  }  // int8/int16
  if (kind == 'u' && size <= 2) {
    cast_to = DType::int32;
    return cast_to;
  }
  if (kind == 'u') {
    cast_to = DType::int64;
    return cast_to;
  }
  throw py::type_error(
      "Cannot convert a numpy array of dtype " + std::string(py::str(dt)) +
      " to a kerasnet tensor (supported: float32, float64, int32, int64, bool, uint8)");
}

struct PyRef {
  py::object obj;
};

// numpy.generic, looked up once (and deliberately never released: it outlives the interpreter's
// module teardown order).
py::handle numpy_generic() {
  static py::handle generic = py::object(py::module_::import("numpy").attr("generic")).release();
  return generic;
}

// A numpy array viewing a CPU tensor's memory; the capsule base keeps the storage alive.
py::array raw_view(const Tensor& t, const py::dtype& dt) {
  std::vector<py::ssize_t> shape(t.shape().begin(), t.shape().end());
  std::vector<py::ssize_t> strides;
  for (int64_t s : t.strides()) strides.push_back(py::ssize_t(s * int64_t(t.itemsize())));
  auto* holder = new Tensor(t);
  py::capsule base(holder, [](void* p) { delete static_cast<Tensor*>(p); });
  return py::array(dt, shape, strides, t.raw_data(), base);
}

void release_pyref(void* ctx) {
  py::gil_scoped_acquire gil;
  delete static_cast<PyRef*>(ctx);
}

Tensor from_numpy(py::array arr, bool copy) {
  bool needs_cast;
  DType cast_to = DType::float32;
  DType dtype = from_numpy_dtype(arr.dtype(), needs_cast, cast_to);
  if (needs_cast) {
    arr = py::array(arr.attr("astype")(py::str(dtype_name(cast_to))));
    dtype = cast_to;
  }
  if (!arr.dtype().attr("isnative").cast<bool>()) {
    arr = py::array(arr.attr("astype")(arr.dtype().attr("newbyteorder")("=")));
  }
  const int nd = int(arr.ndim());
  const int64_t isz = int64_t(dtype_size(dtype));
  Shape shape(nd);
  Dims strides(nd);
  bool aligned = reinterpret_cast<uintptr_t>(arr.data()) % uintptr_t(isz) == 0;
  for (int i = 0; i < nd; ++i) {
    shape[i] = arr.shape(i);
    if (arr.strides(i) % isz != 0) aligned = false;
    strides[i] = arr.strides(i) / isz;
  }
  const bool dense = is_contiguous_geometry(shape, strides);
  if (copy || !aligned || !dense) {
    Tensor out = Tensor::empty(shape, dtype);
    // numpy does the (possibly strided, possibly unaligned) copy into our buffer.
    py::module_::import("numpy").attr("copyto")(raw_view(out, arr.dtype()), arr);
    return out;
  }
  const size_t nbytes = size_t(shape_numel(shape)) * size_t(isz);
  auto storage = std::make_shared<StorageImpl>(const_cast<void*>(arr.data()), nbytes, Device{},
                                               release_pyref, new PyRef{arr});
  return Tensor::from_storage(storage, shape, strides, 0, dtype);
}

// A Python int as int64; OverflowError when it does not fit.
int64_t python_int(py::handle obj) {
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
  if (overflow != 0) {
    PyErr_SetString(PyExc_OverflowError, ("Python int " + std::string(py::repr(obj)) +
                                          " is too large for a kerasnet tensor (int64)")
                                             .c_str());
    throw py::error_already_set();
  }
  return int64_t(v);
}

}  // namespace

bool is_python_scalar(py::handle obj) {
  return PyBool_Check(obj.ptr()) || PyLong_Check(obj.ptr()) || PyFloat_Check(obj.ptr()) ||
         PyObject_IsInstance(obj.ptr(), numpy_generic().ptr()) == 1;
}

Tensor to_tensor(py::handle obj, const std::optional<std::string>& dtype, bool copy) {
  Tensor t;
  if (py::isinstance<Tensor>(obj)) {
    t = obj.cast<const Tensor&>();
    if (copy) t = ops::copy(t);
  } else if (PyBool_Check(obj.ptr())) {
    t = ops::full(Shape{}, obj.ptr() == Py_True ? 1.0 : 0.0, DType::bool_, default_device());
  } else if (PyLong_Check(obj.ptr())) {
    // Keras: Python ints become int32 (int64 only when the value needs it).
    const int64_t v = python_int(obj);
    const DType dt = (v >= INT32_MIN && v <= INT32_MAX) ? DType::int32 : DType::int64;
    t = Tensor::empty(Shape{}, dt, Device{});
    if (dt == DType::int32) *t.data<int32_t>() = int32_t(v);
    else *t.data<int64_t>() = v;
  } else if (PyFloat_CheckExact(
                 obj.ptr())) {  // not numpy.float64 (a float subclass): it keeps its dtype
    t = ops::full(Shape{}, obj.cast<double>(), DType::float32, Device{});
  } else if (py::isinstance<py::array>(obj)) {
    t = from_numpy(py::reinterpret_borrow<py::array>(obj), copy);
  } else if (py::hasattr(obj, "__kn_tensor__")) {
    t = obj.attr("__kn_tensor__")().cast<const Tensor&>();
  } else {
    // Lists, tuples, numpy scalars and anything with __array__: through numpy, with Keras' default
    // dtypes for Python values (float64 -> float32, int64 -> int32).
    py::object np = py::module_::import("numpy");
    py::array arr;
    try {
      arr = np.attr("asarray")(obj);
    } catch (py::error_already_set& e) {
      throw py::type_error("Cannot convert " + std::string(py::repr(obj)) +
                           " to a kerasnet tensor: " + e.what());
    }
    const char kind = arr.dtype().kind();
    if (kind == 'O' || kind == 'U' || kind == 'S' || kind == 'c' || kind == 'V' || kind == 'M' ||
        kind == 'm') {
      throw py::type_error("Cannot convert " + std::string(py::repr(obj)).substr(0, 200) +
                           " to a kerasnet tensor: expected numbers, got numpy dtype " +
                           std::string(py::str(arr.dtype())));
    }
    const bool from_python = PyObject_IsInstance(obj.ptr(), numpy_generic().ptr()) != 1 &&
                             !py::hasattr(obj, "__array__");
    if (from_python && kind == 'f') arr = py::array(arr.attr("astype")("float32"));
    if (from_python && kind == 'i') {
      const bool fits = arr.size() == 0 || (np.attr("min")(arr).cast<int64_t>() >= INT32_MIN &&
                                            np.attr("max")(arr).cast<int64_t>() <= INT32_MAX);
      arr = py::array(arr.attr("astype")(fits ? "int32" : "int64"));
    }
    t = from_numpy(arr, true);
  }
  if (dtype) t = ops::cast(t, parse_dtype(*dtype));
  const Device dev = default_device();
  if (!dev.is_cpu() && t.device() != dev) {
    Tensor moved = Tensor::empty(t.shape(), t.dtype(), dev);
    const Tensor src = ops::contiguous(t);
    copy_bytes(moved.raw_data(), dev, src.raw_data(), src.device(),
               size_t(src.numel()) * src.itemsize());
    t = moved;
  }
  return t;
}

Tensor weak_scalar(py::handle s, DType other, Device device) {
  double v;
  DType dt;
  if (PyBool_Check(s.ptr())) {
    v = s.ptr() == Py_True ? 1.0 : 0.0;
    dt = other;
  } else if (PyLong_Check(s.ptr())) {
    v = is_floating(other) ? s.cast<double>() : double(python_int(s));
    dt = other == DType::bool_ ? DType::int32 : other;
    // An int the integer dtype cannot hold widens it (uint8 -> int32 -> int64) instead of wrapping.
    if (dt == DType::uint8 && (v < 0 || v > 255)) dt = DType::int32;
    if (dt == DType::int32 && (v < INT32_MIN || v > INT32_MAX)) dt = DType::int64;
  } else if (PyFloat_Check(s.ptr())) {
    v = s.cast<double>();
    dt = is_floating(other) ? other : DType::float32;
  } else {
    // numpy scalar: weak like a Python value of its kind.
    const char kind = s.attr("dtype").attr("kind").cast<std::string>()[0];
    if (kind == 'f') {
      v = s.attr("item")().cast<double>();
      dt = is_floating(other) ? other : DType::float32;
    } else if (kind == 'b') {
      v = s.attr("item")().cast<bool>() ? 1.0 : 0.0;
      dt = other;
    } else if (kind == 'i' || kind == 'u') {
      v = s.attr("item")().cast<double>();
      dt = other == DType::bool_ ? DType::int32 : other;
      if (dt == DType::uint8 && (v < 0 || v > 255)) dt = DType::int32;
      if (dt == DType::int32 && (v < INT32_MIN || v > INT32_MAX)) dt = DType::int64;
    } else {
      return to_tensor(s);
    }
  }
  return ops::full(Shape{}, v, dt, device);
}

std::pair<Tensor, Tensor> binary_operands(py::handle a, py::handle b) {
  const bool sa = is_python_scalar(a) && !py::isinstance<Tensor>(a);
  const bool sb = is_python_scalar(b) && !py::isinstance<Tensor>(b);
  if (sa && !sb) {
    Tensor tb = to_tensor(b);
    return {weak_scalar(a, tb.dtype(), tb.device()), tb};
  }
  if (sb && !sa) {
    Tensor ta = to_tensor(a);
    return {ta, weak_scalar(b, ta.dtype(), ta.device())};
  }
  return {to_tensor(a), to_tensor(b)};
}

py::array to_numpy(const Tensor& t_in, bool writable_copy) {
  static const char* kFormats[] = {"float32", "float64", "int32", "int64", "bool", "uint8"};
  const py::dtype dt(kFormats[int(t_in.dtype())]);
  const int64_t isz = int64_t(t_in.itemsize());
  if (!t_in.device().is_cpu()) {
    const Tensor src = ops::contiguous(t_in);
    py::array out(dt, std::vector<py::ssize_t>(src.shape().begin(), src.shape().end()));
    copy_bytes(out.mutable_data(), Device{}, src.raw_data(), src.device(),
               size_t(src.numel()) * size_t(isz));
    return out;
  }
  py::array view = raw_view(t_in, dt);
  if (writable_copy) return py::array(view.attr("copy")());
  py::detail::array_proxy(view.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return view;
}

Dims to_dims(py::handle obj, const char* what) {
  if (PyLong_Check(obj.ptr()) || py::hasattr(obj, "__index__")) {
    if (!py::isinstance<py::sequence>(obj)) return Dims{obj.cast<int64_t>()};
  }
  if (py::isinstance<Tensor>(obj) || py::isinstance<py::array>(obj)) {
    py::array a = py::module_::import("numpy").attr("asarray")(obj).attr("reshape")(-1);
    Dims d;
    for (auto v : a) d.push_back(v.cast<int64_t>());
    return d;
  }
  if (!py::isinstance<py::sequence>(obj)) {
    throw py::type_error(std::string("Expected `") + what +
                         "` to be an int or a sequence of ints, got " + std::string(py::repr(obj)));
  }
  Dims d;
  for (auto v : py::reinterpret_borrow<py::sequence>(obj)) {
    const bool integer =
        !PyBool_Check(v.ptr()) && (PyLong_Check(v.ptr()) || PyIndex_Check(v.ptr()));
    if (!integer) {
      throw py::type_error(std::string("Expected `") + what + "` to contain only ints, got " +
                           std::string(py::repr(obj)));
    }
    d.push_back(v.cast<int64_t>());
  }
  return d;
}

std::optional<Dims> to_axes(py::handle obj) {
  if (obj.is_none()) return std::nullopt;
  return to_dims(obj, "axis");
}

}  // namespace kn
