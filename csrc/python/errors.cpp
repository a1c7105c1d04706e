// Maps engine errors to Python exceptions: kn::Error kinds to ValueError / TypeError /
// IndexError / RuntimeError (the message is passed through unchanged), and failed argument
// conversions (py::cast_error) to TypeError.
#include "core/errors.h"
#include "python/convert.h"

namespace kn {

void init_errors(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      PyObject* type = PyExc_RuntimeError;
      switch (e.kind()) {
        case ErrorKind::Value: type = PyExc_ValueError; break;
        case ErrorKind::Type: type = PyExc_TypeError; break;
        case ErrorKind::Index: type = PyExc_IndexError; break;
        case ErrorKind::Runtime: type = PyExc_RuntimeError; break;
      }
      PyErr_SetString(type, e.what());
    } catch (const py::cast_error& e) {
      // An argument of the wrong Python type reached a C++ conversion: a TypeError, not pybind11's
      // default RuntimeError.
      PyErr_SetString(PyExc_TypeError, e.what());
    }
  });
  (void)m;
}

}  // namespace kn
