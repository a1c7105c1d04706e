// CPU kernels of the unary table (compiled once per ISA level). One template walks the
// TensorIter: dense runs use Vec when the functor has a Vec form for this dtype, everything else
// is a strided scalar loop.
#include <cmath>

#include "cpu/loops.h"
#include "ops/elementwise/unary_ops.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <class Op, class T>
void unary_run(char* const* p, const int64_t* s, int64_t n, const UnaryAttrs& prm) {
  T* out = reinterpret_cast<T*>(p[0]);
  const T* in = reinterpret_cast<const T*>(p[1]);
  constexpr bool use_vec = (Op::kVec == 2 && std::is_floating_point<T>::value) ||
                           (Op::kVec == 1 && std::is_same<T, float>::value);
  if (s[0] == int64_t(sizeof(T)) && s[1] == int64_t(sizeof(T))) {
    if constexpr (use_vec) {
      using V = Vec<T>;
      int64_t i = 0;
      for (; i + V::size <= n; i += V::size) Op::vec(V::loadu(in + i), prm).storeu(out + i);
      if (i < n)
        Op::vec(V::load_partial(in + i, int(n - i)), prm).store_partial(out + i, int(n - i));
    } else {
      for (int64_t i = 0; i < n; ++i) out[i] = Op::scalar(in[i], prm);
    }
    return;
  }
  char* po = p[0];
  const char* pi = p[1];
  for (int64_t i = 0; i < n; ++i, po += s[0], pi += s[1]) {
    *reinterpret_cast<T*>(po) = Op::scalar(*reinterpret_cast<const T*>(pi), prm);
  }
}

template <class Op>
void unary_kernel(const TensorIter& it, DType dtype, const UnaryAttrs& prm) {
  auto run = [&](auto tag) {
    using T = decltype(tag);
    for_each_inner(it, kElementwiseGrain, [&](char* const* p, const int64_t* s, int64_t n) {
      unary_run<Op, T>(p, s, n, prm);
    });
  };
  switch (dtype) {
    case DType::float32: run(float{}); break;
    case DType::float64: run(double{}); break;
    case DType::int32:
      if constexpr (Op::kInt) run(int32_t{});
      break;
    case DType::int64:
      if constexpr (Op::kInt) run(int64_t{});
      break;
    case DType::uint8:
      if constexpr (Op::kInt) run(uint8_t{});
      break;
    default: break;  // the definition file never sends other dtypes
  }
}

// Predicates: float input, bool output.
template <class T, class Pred>
void predicate_run(const TensorIter& it, Pred pred) {
  for_each_inner(it, kElementwiseGrain, [&](char* const* p, const int64_t* s, int64_t n) {
    char* po = p[0];
    const char* pi = p[1];
    for (int64_t i = 0; i < n; ++i, po += s[0], pi += s[1]) {
      *reinterpret_cast<bool*>(po) = pred(*reinterpret_cast<const T*>(pi));
    }
  });
}

template <int Kind>  // 0 isnan, 1 isinf, 2 isfinite
void predicate_kernel(const TensorIter& it, DType dtype, const UnaryAttrs&) {
  auto pick = [](auto x) {
    if constexpr (Kind == 0) return std::isnan(x);
    else if constexpr (Kind == 1) return std::isinf(x);
    else return std::isfinite(x);
  };
  if (dtype == DType::float64) predicate_run<double>(it, pick);
  else predicate_run<float>(it, pick);
}

void logical_not_kernel(const TensorIter& it, DType, const UnaryAttrs&) {
  for_each_inner(it, kElementwiseGrain, [&](char* const* p, const int64_t* s, int64_t n) {
    char* po = p[0];
    const char* pi = p[1];
    for (int64_t i = 0; i < n; ++i, po += s[0], pi += s[1]) *po = !*pi;
  });
}

// One kernel per KN_UNARY / KN_UNARY_P row of ops.def, from the row's functor.
#define KN_OP(...)
#define KN_UNARY(name, functor, domain) KN_REGISTER_CPU_KERNEL(name, unary_kernel<functor>);
#define KN_UNARY_P(name, functor, domain) KN_UNARY(name, functor, domain)
#include "ops/ops.def"
#undef KN_UNARY_P
#undef KN_UNARY
#undef KN_OP
KN_REGISTER_CPU_KERNEL(isnan, predicate_kernel<0>);
KN_REGISTER_CPU_KERNEL(isinf, predicate_kernel<1>);
KN_REGISTER_CPU_KERNEL(isfinite, predicate_kernel<2>);
KN_REGISTER_CPU_KERNEL(logical_not, logical_not_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
