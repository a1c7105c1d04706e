// CPU kernel of cast (compiled once per ISA level). Float to integer conversions of NaN or
// out-of-range values give the integer minimum (what x86 and numpy give), without the undefined
// behaviour of a plain C++ conversion.
#include <limits>
#include <type_traits>

#include "cpu/loops.h"
#include "ops/elementwise/elementwise.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <class To, class From>
inline To convert(From x) {
  if constexpr (std::is_same<To, bool>::value) {
    return x != From(0);
  } else if constexpr (std::is_floating_point<From>::value && std::is_integral<To>::value) {
    if constexpr (std::is_same<To, uint8_t>::value) {
      // numpy wraps through a wider integer type.
      const double d = static_cast<double>(x);
      if (!(d > -9.2e18 && d < 9.2e18)) return To(0);
      return static_cast<To>(static_cast<int64_t>(d));
    } else {
      const double d = static_cast<double>(x);
      if (!(d >= double(std::numeric_limits<To>::min()) &&
            d < -double(std::numeric_limits<To>::min())))
        return std::numeric_limits<To>::min();
      return static_cast<To>(x);
    }
  } else {
    return static_cast<To>(x);
  }
}

template <class To, class From>
void cast_run(const TensorIter& it) {
  for_each_inner(it, kElementwiseGrain, [&](char* const* p, const int64_t* s, int64_t n) {
    if (s[0] == int64_t(sizeof(To)) && s[1] == int64_t(sizeof(From))) {
      To* out = reinterpret_cast<To*>(p[0]);
      const From* in = reinterpret_cast<const From*>(p[1]);
      for (int64_t i = 0; i < n; ++i) out[i] = convert<To>(in[i]);
      return;
    }
    char* po = p[0];
    const char* pi = p[1];
    for (int64_t i = 0; i < n; ++i, po += s[0], pi += s[1]) {
      *reinterpret_cast<To*>(po) = convert<To>(*reinterpret_cast<const From*>(pi));
    }
  });
}

template <class To>
void cast_from(const TensorIter& it, DType from) {
  switch (from) {
    case DType::float32: cast_run<To, float>(it); break;
    case DType::float64: cast_run<To, double>(it); break;
    case DType::int32: cast_run<To, int32_t>(it); break;
    case DType::int64: cast_run<To, int64_t>(it); break;
    case DType::uint8: cast_run<To, uint8_t>(it); break;
    case DType::bool_: cast_run<To, bool>(it); break;
  }
}

void cast_kernel(const TensorIter& it, DType from, DType to) {
  switch (to) {
    case DType::float32: cast_from<float>(it, from); break;
    case DType::float64: cast_from<double>(it, from); break;
    case DType::int32: cast_from<int32_t>(it, from); break;
    case DType::int64: cast_from<int64_t>(it, from); break;
    case DType::uint8: cast_from<uint8_t>(it, from); break;
    case DType::bool_: cast_from<bool>(it, from); break;
  }
}

KN_REGISTER_CPU_KERNEL(cast, cast_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
