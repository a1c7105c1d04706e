// Typed engine errors. C++ code throws kn::Error with a kind; the binding maps the kind to
// ValueError / TypeError / IndexError / RuntimeError. Messages name the op and the shapes:
//   KN_CHECK(a.ndim() == 4, "conv2d: expected input of rank 4 (N, H, W, C), got shape ",
//   a.shape());
// Not here: anything Python (csrc/python/errors.cpp does the mapping).
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace kn {

enum class ErrorKind { Value, Type, Index, Runtime };

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& msg) : std::runtime_error(msg), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

template <class... Args>
std::string str(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

[[noreturn]] void throw_error(ErrorKind kind, const std::string& msg);

}  // namespace kn

#define KN_CHECK(cond, ...)                                                         \
  do {                                                                              \
    if (!(cond)) ::kn::throw_error(::kn::ErrorKind::Value, ::kn::str(__VA_ARGS__)); \
  } while (0)
#define KN_CHECK_TYPE(cond, ...)                                                   \
  do {                                                                             \
    if (!(cond)) ::kn::throw_error(::kn::ErrorKind::Type, ::kn::str(__VA_ARGS__)); \
  } while (0)
#define KN_CHECK_INDEX(cond, ...)                                                   \
  do {                                                                              \
    if (!(cond)) ::kn::throw_error(::kn::ErrorKind::Index, ::kn::str(__VA_ARGS__)); \
  } while (0)
#define KN_CHECK_RUNTIME(cond, ...)                                                   \
  do {                                                                                \
    if (!(cond)) ::kn::throw_error(::kn::ErrorKind::Runtime, ::kn::str(__VA_ARGS__)); \
  } while (0)
#define KN_FAIL(...) ::kn::throw_error(::kn::ErrorKind::Value, ::kn::str(__VA_ARGS__))
#define KN_FAIL_TYPE(...) ::kn::throw_error(::kn::ErrorKind::Type, ::kn::str(__VA_ARGS__))
#define KN_FAIL_RUNTIME(...) ::kn::throw_error(::kn::ErrorKind::Runtime, ::kn::str(__VA_ARGS__))
