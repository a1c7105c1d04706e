// The binary functors (arithmetic and comparisons), with scalar and Vec forms. Included only by
// binary_cpu.cpp (ISA-namespaced). Integer division and modulo by zero give 0 instead of a CPU
// exception, and INT_MIN / -1 wraps, so no input can crash the process.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "cpu/vec/vec_math.h"

namespace kn {
namespace KN_ISA_NS {

template <class T>
using is_float_t = std::is_floating_point<T>;

struct AddOp {
  static constexpr bool kVec = true;
  template <class T>
  static T scalar(T a, T b) {
    return T(a + b);
  }
  template <class V>
  static V vec(V a, V b) {
    return a + b;
  }
};
struct SubtractOp {
  static constexpr bool kVec = true;
  template <class T>
  static T scalar(T a, T b) {
    return T(a - b);
  }
  template <class V>
  static V vec(V a, V b) {
    return a - b;
  }
};
struct MultiplyOp {
  static constexpr bool kVec = true;
  template <class T>
  static T scalar(T a, T b) {
    return T(a * b);
  }
  template <class V>
  static V vec(V a, V b) {
    return a * b;
  }
};
struct DivideOp {  // the definition sends only float dtypes
  static constexpr bool kVec = true;
  template <class T>
  static T scalar(T a, T b) {
    return a / b;
  }
  template <class V>
  static V vec(V a, V b) {
    return a / b;
  }
};
struct FloorDivideOp {
  static constexpr bool kVec = false;
  template <class T>
  static T scalar(T a, T b) {
    if constexpr (is_float_t<T>::value) {
      return std::floor(a / b);
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
  static constexpr bool kVec = false;
  template <class T>
  static T scalar(T a, T b) {
    if constexpr (is_float_t<T>::value) {
      T r = std::fmod(a, b);
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
  static constexpr bool kVec = false;
  template <class T>
  static T scalar(T a, T b) {
    if constexpr (is_float_t<T>::value) {
      return std::pow(a, b);
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
// maximum/minimum propagate NaN from either side (numpy semantics).
struct MaximumOp {
  static constexpr bool kVec = true;
  template <class T>
  static T scalar(T a, T b) {
    if constexpr (is_float_t<T>::value) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return a > b ? a : b;
  }
  template <class V>
  static V vec(V a, V b) {
    return V::select(V::isnan(a), a, V::max(a, b));
  }
};
struct MinimumOp {
  static constexpr bool kVec = true;
  template <class T>
  static T scalar(T a, T b) {
    if constexpr (is_float_t<T>::value) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return a < b ? a : b;
  }
  template <class V>
  static V vec(V a, V b) {
    return V::select(V::isnan(a), a, V::min(a, b));
  }
};

// Comparisons and logical ops: bool results.
struct EqualOp {
  template <class T>
  static bool scalar(T a, T b) {
    return a == b;
  }
};
struct NotEqualOp {
  template <class T>
  static bool scalar(T a, T b) {
    return a != b;
  }
};
struct LessOp {
  template <class T>
  static bool scalar(T a, T b) {
    return a < b;
  }
};
struct LessEqualOp {
  template <class T>
  static bool scalar(T a, T b) {
    return a <= b;
  }
};
struct GreaterOp {
  template <class T>
  static bool scalar(T a, T b) {
    return a > b;
  }
};
struct GreaterEqualOp {
  template <class T>
  static bool scalar(T a, T b) {
    return a >= b;
  }
};
struct LogicalAndOp {
  template <class T>
  static bool scalar(T a, T b) {
    return bool(a) && bool(b);
  }
};
struct LogicalOrOp {
  template <class T>
  static bool scalar(T a, T b) {
    return bool(a) || bool(b);
  }
};
struct LogicalXorOp {
  template <class T>
  static bool scalar(T a, T b) {
    return bool(a) != bool(b);
  }
};

}  // namespace KN_ISA_NS
}  // namespace kn
