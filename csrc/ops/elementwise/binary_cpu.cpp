// CPU kernels of the binary ops (compiled once per ISA level). Dense runs, and runs where one
// operand is broadcast (stride 0), are vectorised; anything else is a strided scalar loop.
#include "cpu/loops.h"
#include "ops/elementwise/binary_ops.h"
#include "ops/elementwise/elementwise.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <class Op, class T>
void binary_run(char* const* p, const int64_t* s, int64_t n) {
  constexpr int64_t sz = sizeof(T);
  if constexpr (Op::kVec && std::is_floating_point<T>::value) {
    using V = Vec<T>;
    T* out = reinterpret_cast<T*>(p[0]);
    const T* a = reinterpret_cast<const T*>(p[1]);
    const T* b = reinterpret_cast<const T*>(p[2]);
    if (s[0] == sz && (s[1] == sz || s[1] == 0) && (s[2] == sz || s[2] == 0)) {
      const int64_t sa = s[1] / sz, sb = s[2] / sz;  // 1 or 0 elements
      const V va = V::broadcast(*a), vb = V::broadcast(*b);
      int64_t i = 0;
      for (; i + V::size <= n; i += V::size) {
        const V x = sa ? V::loadu(a + i) : va;
        const V y = sb ? V::loadu(b + i) : vb;
        Op::vec(x, y).storeu(out + i);
      }
      if (i < n) {
        const int rem = int(n - i);
        const V x = sa ? V::load_partial(a + i, rem) : va;
        const V y = sb ? V::load_partial(b + i, rem) : vb;
        Op::vec(x, y).store_partial(out + i, rem);
      }
      return;
    }
  }
  char* po = p[0];
  const char* pa = p[1];
  const char* pb = p[2];
  for (int64_t i = 0; i < n; ++i, po += s[0], pa += s[1], pb += s[2]) {
    *reinterpret_cast<T*>(po) =
        Op::scalar(*reinterpret_cast<const T*>(pa), *reinterpret_cast<const T*>(pb));
  }
}

template <class Op, bool kFloatOnly = false>
void binary_kernel(const TensorIter& it, DType dtype) {
  auto run = [&](auto tag) {
    using T = decltype(tag);
    for_each_inner(it, kElementwiseGrain, [&](char* const* p, const int64_t* s, int64_t n) {
      binary_run<Op, T>(p, s, n);
    });
  };
  switch (dtype) {
    case DType::float32: run(float{}); break;
    case DType::float64: run(double{}); break;
    case DType::int32:
      if constexpr (!kFloatOnly) run(int32_t{});
      break;
    case DType::int64:
      if constexpr (!kFloatOnly) run(int64_t{});
      break;
    case DType::uint8:
      if constexpr (!kFloatOnly) run(uint8_t{});
      break;
    default: break;
  }
}

// out[i] = a[i * SA] op b[i * SB] with the element strides SA, SB (0 or 1) known at compile
// time, so the compiler vectorises the compare and the narrowing to bool.
template <class Op, class T, int SA, int SB>
void compare_dense(bool* __restrict out, const T* __restrict a, const T* __restrict b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = Op::scalar(a[i * SA], b[i * SB]);
}

template <class Op, class T>
void compare_run(char* const* p, const int64_t* s, int64_t n) {
  constexpr int64_t sz = sizeof(T);
  bool* out = reinterpret_cast<bool*>(p[0]);
  const T* a = reinterpret_cast<const T*>(p[1]);
  const T* b = reinterpret_cast<const T*>(p[2]);
  if (s[0] == 1) {
    if (s[1] == sz && s[2] == sz) return compare_dense<Op, T, 1, 1>(out, a, b, n);
    if (s[1] == sz && s[2] == 0) return compare_dense<Op, T, 1, 0>(out, a, b, n);
    if (s[1] == 0 && s[2] == sz) return compare_dense<Op, T, 0, 1>(out, a, b, n);
  }
  char* po = p[0];
  const char* pa = p[1];
  const char* pb = p[2];
  for (int64_t i = 0; i < n; ++i, po += s[0], pa += s[1], pb += s[2]) {
    *reinterpret_cast<bool*>(po) =
        Op::scalar(*reinterpret_cast<const T*>(pa), *reinterpret_cast<const T*>(pb));
  }
}

template <class Op>
void compare_kernel(const TensorIter& it, DType dtype) {
  auto run = [&](auto tag) {
    using T = decltype(tag);
    for_each_inner(it, kElementwiseGrain, [&](char* const* p, const int64_t* s, int64_t n) {
      compare_run<Op, T>(p, s, n);
    });
  };
  switch (dtype) {
    case DType::float32: run(float{}); break;
    case DType::float64: run(double{}); break;
    case DType::int32: run(int32_t{}); break;
    case DType::int64: run(int64_t{}); break;
    case DType::uint8: run(uint8_t{}); break;
    case DType::bool_: run(bool{}); break;
  }
}

KN_REGISTER_CPU_KERNEL(add, binary_kernel<AddOp>);
KN_REGISTER_CPU_KERNEL(subtract, binary_kernel<SubtractOp>);
KN_REGISTER_CPU_KERNEL(multiply, binary_kernel<MultiplyOp>);
KN_REGISTER_CPU_KERNEL(divide, (binary_kernel<DivideOp, true>));
KN_REGISTER_CPU_KERNEL(floor_divide, binary_kernel<FloorDivideOp>);
KN_REGISTER_CPU_KERNEL(mod, binary_kernel<ModOp>);
KN_REGISTER_CPU_KERNEL(power, binary_kernel<PowerOp>);
KN_REGISTER_CPU_KERNEL(maximum, binary_kernel<MaximumOp>);
KN_REGISTER_CPU_KERNEL(minimum, binary_kernel<MinimumOp>);
KN_REGISTER_CPU_KERNEL(equal, compare_kernel<EqualOp>);
KN_REGISTER_CPU_KERNEL(not_equal, compare_kernel<NotEqualOp>);
KN_REGISTER_CPU_KERNEL(less, compare_kernel<LessOp>);
KN_REGISTER_CPU_KERNEL(less_equal, compare_kernel<LessEqualOp>);
KN_REGISTER_CPU_KERNEL(greater, compare_kernel<GreaterOp>);
KN_REGISTER_CPU_KERNEL(greater_equal, compare_kernel<GreaterEqualOp>);
KN_REGISTER_CPU_KERNEL(logical_and, compare_kernel<LogicalAndOp>);
KN_REGISTER_CPU_KERNEL(logical_or, compare_kernel<LogicalOrOp>);
KN_REGISTER_CPU_KERNEL(logical_xor, compare_kernel<LogicalXorOp>);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
