// Element types, their sizes and names (Keras' dtype strings), and type promotion.
//
// Promotion follows Keras 3 (keras.backend.result_type, a JAX-like lattice), not numpy's
// value-based rules: bool < uint8 < int32 < int64 < float32 < float64, and any integer with a
// float gives that float (int32 + float32 -> float32, where numpy would give float64).
#pragma once

#include <cstdint>
#include <string>

#include "core/errors.h"

namespace kn {

enum class DType : uint8_t { float32 = 0, float64, int32, int64, bool_, uint8 };
constexpr int kNumDTypes = 6;

size_t dtype_size(DType t);
const char* dtype_name(DType t);                 // "float32", "bool", ...
DType dtype_from_name(const std::string& name);  // throws TypeError on unknown names
bool is_floating(DType t);
bool is_integral(DType t);  // int32, int64, uint8 (not bool)
DType promote_types(DType a, DType b);
// The float type an op on `t` computes in when it needs a float (exp of int32 -> float32).
DType to_floating(DType t);

// Scalar C++ type for each dtype, for kernels.
template <DType D>
struct dtype_cpp;
template <>
struct dtype_cpp<DType::float32> {
  using type = float;
};
template <>
struct dtype_cpp<DType::float64> {
  using type = double;
};
template <>
struct dtype_cpp<DType::int32> {
  using type = int32_t;
};
template <>
struct dtype_cpp<DType::int64> {
  using type = int64_t;
};
template <>
struct dtype_cpp<DType::bool_> {
  using type = bool;
};
template <>
struct dtype_cpp<DType::uint8> {
  using type = uint8_t;
};

template <class T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() {
  return DType::float32;
}
template <>
constexpr DType dtype_of<double>() {
  return DType::float64;
}
template <>
constexpr DType dtype_of<int32_t>() {
  return DType::int32;
}
template <>
constexpr DType dtype_of<int64_t>() {
  return DType::int64;
}
template <>
constexpr DType dtype_of<bool>() {
  return DType::bool_;
}
template <>
constexpr DType dtype_of<uint8_t>() {
  return DType::uint8;
}

}  // namespace kn

// Runs the body with `scalar_t` bound to the C++ type of `dt`. The _FLOAT variant accepts only
// float32/float64 and the _ALL variant every dtype. `name` is the op name for the error.
#define KN_DTYPE_CASE(D, ...)                           \
  case D: {                                             \
    using scalar_t = typename ::kn::dtype_cpp<D>::type; \
    __VA_ARGS__;                                        \
    break;                                              \
  }
#define KN_DISPATCH_FLOAT(dt, name, ...)                                                        \
  switch (dt) {                                                                                 \
    KN_DTYPE_CASE(::kn::DType::float32, __VA_ARGS__)                                            \
    KN_DTYPE_CASE(::kn::DType::float64, __VA_ARGS__)                                            \
    default:                                                                                    \
      KN_FAIL_TYPE(name, ": expected a float32 or float64 tensor, got ", ::kn::dtype_name(dt)); \
  }
#define KN_DISPATCH_NUMERIC(dt, name, ...)                                                  \
  switch (dt) {                                                                             \
    KN_DTYPE_CASE(::kn::DType::float32, __VA_ARGS__)                                        \
    KN_DTYPE_CASE(::kn::DType::float64, __VA_ARGS__)                                        \
    KN_DTYPE_CASE(::kn::DType::int32, __VA_ARGS__)                                          \
    KN_DTYPE_CASE(::kn::DType::int64, __VA_ARGS__)                                          \
    KN_DTYPE_CASE(::kn::DType::uint8, __VA_ARGS__)                                          \
    default: KN_FAIL_TYPE(name, ": expected a numeric tensor, got ", ::kn::dtype_name(dt)); \
  }
#define KN_DISPATCH_ALL(dt, name, ...)                                         \
  switch (dt) {                                                                \
    KN_DTYPE_CASE(::kn::DType::float32, __VA_ARGS__)                           \
    KN_DTYPE_CASE(::kn::DType::float64, __VA_ARGS__)                           \
    KN_DTYPE_CASE(::kn::DType::int32, __VA_ARGS__)                             \
    KN_DTYPE_CASE(::kn::DType::int64, __VA_ARGS__)                             \
    KN_DTYPE_CASE(::kn::DType::uint8, __VA_ARGS__)                             \
    KN_DTYPE_CASE(::kn::DType::bool_, __VA_ARGS__)                             \
    default: KN_FAIL_TYPE(name, ": unsupported dtype ", ::kn::dtype_name(dt)); \
  }
