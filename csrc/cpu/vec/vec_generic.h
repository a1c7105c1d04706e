// Vec<T> of width 1 for CPUs without AVX2 (and non-x86 builds): the vector kernels compile to
// scalar code, which the compiler may still vectorise with SSE2.
#pragma once

#include <algorithm>
#include <cmath>

namespace kn {
namespace KN_ISA_NS {

template <class T>
struct Vec {
  static constexpr int size = 1;
  using Mask = bool;
  T v;
  Vec() = default;
  Vec(T x) : v(x) {}
  static Vec broadcast(T x) { return Vec(x); }
  static Vec loadu(const T* p) { return Vec(*p); }
  static Vec load_partial(const T* p, int n) { return Vec(n > 0 ? *p : T(0)); }
  void storeu(T* p) const { *p = v; }
  void store_partial(T* p, int n) const {
    if (n > 0) *p = v;
  }
  friend Vec operator+(Vec a, Vec b) { return a.v + b.v; }
  friend Vec operator-(Vec a, Vec b) { return a.v - b.v; }
  friend Vec operator*(Vec a, Vec b) { return a.v * b.v; }
  friend Vec operator/(Vec a, Vec b) { return a.v / b.v; }
  Vec operator-() const { return -v; }
  static Vec fmadd(Vec a, Vec b, Vec c) { return a.v * b.v + c.v; }
  // max/min return the second operand when either is NaN (like the x86 instructions); kernels
  // that must propagate NaN check isnan themselves.
  static Vec max(Vec a, Vec b) { return a.v > b.v ? a.v : b.v; }
  static Vec min(Vec a, Vec b) { return a.v < b.v ? a.v : b.v; }
  static Vec abs(Vec a) { return std::fabs(a.v); }
  static Vec sqrt(Vec a) { return std::sqrt(a.v); }
  static Vec floor(Vec a) { return std::floor(a.v); }
  static Vec ceil(Vec a) { return std::ceil(a.v); }
  static Vec round(Vec a) { return std::nearbyint(a.v); }
  static Mask lt(Vec a, Vec b) { return a.v < b.v; }
  static Mask le(Vec a, Vec b) { return a.v <= b.v; }
  static Mask gt(Vec a, Vec b) { return a.v > b.v; }
  static Mask ge(Vec a, Vec b) { return a.v >= b.v; }
  static Mask eq(Vec a, Vec b) { return a.v == b.v; }
  static Mask ne(Vec a, Vec b) { return a.v != b.v; }
  static Mask isnan(Vec a) { return a.v != a.v; }
  static Mask mask_and(Mask a, Mask b) { return a && b; }
  static Mask mask_or(Mask a, Mask b) { return a || b; }
  static Vec select(Mask m, Vec a, Vec b) { return m ? a : b; }
  static Vec pow2i(Vec n) { return std::ldexp(T(1), int(n.v)); }
  static void frexp(Vec x, Vec& m, Vec& e) {
    int ex;
    m = std::frexp(x.v, &ex);
    e = T(ex);
  }
  T reduce_add() const { return v; }
  T reduce_max() const { return v; }
  T reduce_min() const { return v; }
};

}  // namespace KN_ISA_NS
}  // namespace kn
