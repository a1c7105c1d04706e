// CUDA kernels of the binary ops over the broadcast TensorIter [out, a, b] (see binary.cpp for the
// dtype rules and binary_ops.h for the CPU functors these mirror). Arithmetic runs on float32,
// float64, int32, int64 and uint8 (divide on floats only); comparisons and logical ops read any
// dtype, bool included, and write bool. Integer division and modulo by zero give 0 and
// INT_MIN / -1 wraps, as on the CPU, so no input traps.
#include <cstdint>
#include <type_traits>

#include "cuda/loops.cuh"
#include "cuda/math.cuh"
#include "ops/elementwise/elementwise.h"
#include "ops/op_registry.h"

// uint8 instantiations of the signed-integer branches compare with zero.
#pragma nv_diag_suppress 186

namespace kn {
namespace cuda {
namespace {

// ---- arithmetic -----------------------------------------------------------------------------
#define KN_BINARY_OP(Name, ...)                       \
  struct Name {                                       \
    template <class T>                                \
    __device__ __forceinline__ static T f(T a, T b) { \
      __VA_ARGS__;                                    \
    }                                                 \
  };

KN_BINARY_OP(AddOp, return T(a + b))
KN_BINARY_OP(SubtractOp, return T(a - b))
KN_BINARY_OP(MultiplyOp, return T(a * b))
KN_BINARY_OP(DivideOp, return a / b)
KN_BINARY_OP(MaximumOp, return nan_max(a, b))
KN_BINARY_OP(MinimumOp, return nan_min(a, b))
#undef KN_BINARY_OP

struct FloorDivideOp {
  template <class T>
  __device__ __forceinline__ static T f(T a, T b) {
    if constexpr (std::is_floating_point<T>::value) {
      return m_floor(a / b);
    } else {
      if (b == 0) return T(0);
      if constexpr (std::is_signed<T>::value) {
        if (b == T(-1)) return T(0) - static_cast<T>(static_cast<std::make_unsigned_t<T>>(a));
        T q = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
        return q;
      } else {
        return a / b;
      }
    }
  }
};

// Python/numpy modulo: the result has the sign of the divisor.
struct ModOp {
  template <class T>
  __device__ __forceinline__ static T f(T a, T b) {
    if constexpr (std::is_floating_point<T>::value) {
      T r = m_fmod(a, b);
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      return r;
    } else {
      if (b == 0) return T(0);
      if constexpr (std::is_signed<T>::value) {
        if (b == T(-1)) return T(0);
        T r = a % b;
        if (r != 0 && ((r < 0) != (b < 0))) r += b;
        return r;
      } else {
        return a % b;
      }
    }
  }
};

struct PowerOp {
  template <class T>
  __device__ __forceinline__ static T f(T a, T b) {
    if constexpr (std::is_floating_point<T>::value) {
      return m_pow(a, b);
    } else {
      if constexpr (std::is_signed<T>::value) {
        if (b < 0) return a == 1 ? T(1) : (a == T(-1) ? T((b % 2) ? -1 : 1) : T(0));
      }
      T result = 1, base = a;
      for (auto e = b; e > 0; e >>= 1) {
        if (e & 1) result = T(result * base);
        base = T(base * base);
      }
      return result;
    }
  }
};

template <class Op, class T>
struct ArithmeticFn {
  __device__ void operator()(char* const* p) const {
    store<T>(p[0], Op::f(load<T>(p[1]), load<T>(p[2])));
  }
};

template <class Op, bool kFloatOnly = false>
void binary_kernel(const TensorIter& it, DType dtype) {
  switch (dtype) {
    case DType::float32: launch_elementwise<3>(it, ArithmeticFn<Op, float>{}); break;
    case DType::float64: launch_elementwise<3>(it, ArithmeticFn<Op, double>{}); break;
    case DType::int32:
      if constexpr (!kFloatOnly) launch_elementwise<3>(it, ArithmeticFn<Op, int32_t>{});
      break;
    case DType::int64:
      if constexpr (!kFloatOnly) launch_elementwise<3>(it, ArithmeticFn<Op, int64_t>{});
      break;
    case DType::uint8:
      if constexpr (!kFloatOnly) launch_elementwise<3>(it, ArithmeticFn<Op, uint8_t>{});
      break;
    default: break;  // the definition file never sends bool
  }
}

// ---- comparisons and logical ops: bool results ----------------------------------------------
enum class Cmp { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual, And, Or, Xor };

template <Cmp C, class T>
struct CompareFn {
  __device__ void operator()(char* const* p) const {
    const T a = load<T>(p[1]), b = load<T>(p[2]);
    bool r;
    if constexpr (C == Cmp::Equal) r = a == b;
    else if constexpr (C == Cmp::NotEqual) r = a != b;
    else if constexpr (C == Cmp::Less) r = a < b;
    else if constexpr (C == Cmp::LessEqual) r = a <= b;
    else if constexpr (C == Cmp::Greater) r = a > b;
    else if constexpr (C == Cmp::GreaterEqual) r = a >= b;
    else if constexpr (C == Cmp::And) r = bool(a) && bool(b);
    else if constexpr (C == Cmp::Or) r = bool(a) || bool(b);
    else r = bool(a) != bool(b);
    store<bool>(p[0], r);
  }
};

template <Cmp C>
void compare_kernel(const TensorIter& it, DType dtype) {
  switch (dtype) {
    case DType::float32: launch_elementwise<3>(it, CompareFn<C, float>{}); break;
    case DType::float64: launch_elementwise<3>(it, CompareFn<C, double>{}); break;
    case DType::int32: launch_elementwise<3>(it, CompareFn<C, int32_t>{}); break;
    case DType::int64: launch_elementwise<3>(it, CompareFn<C, int64_t>{}); break;
    // bool is compared as its byte (always 0 or 1 in an engine tensor), like uint8.
    case DType::uint8:
    case DType::bool_: launch_elementwise<3>(it, CompareFn<C, uint8_t>{}); break;
  }
}

// Logical ops: the definition casts both operands to bool first.
template <Cmp C>
void logical_kernel(const TensorIter& it, DType) {
  launch_elementwise<3>(it, CompareFn<C, uint8_t>{});
}

KN_REGISTER_CUDA_KERNEL(add, binary_kernel<AddOp>);
KN_REGISTER_CUDA_KERNEL(subtract, binary_kernel<SubtractOp>);
KN_REGISTER_CUDA_KERNEL(multiply, binary_kernel<MultiplyOp>);
KN_REGISTER_CUDA_KERNEL(divide, (binary_kernel<DivideOp, true>));
KN_REGISTER_CUDA_KERNEL(floor_divide, binary_kernel<FloorDivideOp>);
KN_REGISTER_CUDA_KERNEL(mod, binary_kernel<ModOp>);
KN_REGISTER_CUDA_KERNEL(power, binary_kernel<PowerOp>);
KN_REGISTER_CUDA_KERNEL(maximum, binary_kernel<MaximumOp>);
KN_REGISTER_CUDA_KERNEL(minimum, binary_kernel<MinimumOp>);
KN_REGISTER_CUDA_KERNEL(equal, compare_kernel<Cmp::Equal>);
KN_REGISTER_CUDA_KERNEL(not_equal, compare_kernel<Cmp::NotEqual>);
KN_REGISTER_CUDA_KERNEL(less, compare_kernel<Cmp::Less>);
KN_REGISTER_CUDA_KERNEL(less_equal, compare_kernel<Cmp::LessEqual>);
KN_REGISTER_CUDA_KERNEL(greater, compare_kernel<Cmp::Greater>);
KN_REGISTER_CUDA_KERNEL(greater_equal, compare_kernel<Cmp::GreaterEqual>);
KN_REGISTER_CUDA_KERNEL(logical_and, logical_kernel<Cmp::And>);
KN_REGISTER_CUDA_KERNEL(logical_or, logical_kernel<Cmp::Or>);
KN_REGISTER_CUDA_KERNEL(logical_xor, logical_kernel<Cmp::Xor>);

}  // namespace
}  // namespace cuda
}  // namespace kn
