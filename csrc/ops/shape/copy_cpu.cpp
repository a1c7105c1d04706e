// CPU kernels of copy (any strided view into any strided view) and concatenate (compiled once per
// ISA level). Dense runs are memcpy.
#include <algorithm>
#include <cstring>

#include "cpu/loops.h"
#include "ops/op_registry.h"
#include "ops/shape/shape.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <class T>
void copy_run(char* const* p, const int64_t* s, int64_t n) {
  if (s[0] == int64_t(sizeof(T)) && s[1] == int64_t(sizeof(T))) {
    std::memcpy(p[0], p[1], size_t(n) * sizeof(T));
    return;
  }
  if (s[0] == int64_t(sizeof(T)) && s[1] == 0) {  // a broadcast value (the gradient of a sum)
    T* out = reinterpret_cast<T*>(p[0]);
    std::fill(out, out + n, *reinterpret_cast<const T*>(p[1]));
    return;
  }
  char* po = p[0];
  const char* pi = p[1];
  for (int64_t i = 0; i < n; ++i, po += s[0], pi += s[1]) {
    *reinterpret_cast<T*>(po) = *reinterpret_cast<const T*>(pi);
  }
}

void copy_kernel(const TensorIter& it, DType dtype) {
  auto run = [&](auto tag) {
    using T = decltype(tag);
    for_each_inner(it, kElementwiseGrain,
                   [&](char* const* p, const int64_t* s, int64_t n) { copy_run<T>(p, s, n); });
  };
  switch (dtype_size(dtype)) {
    case 1: run(uint8_t{}); break;
    case 4: run(uint32_t{}); break;
    case 8: run(uint64_t{}); break;
  }
}

void concat_kernel(const char* const* srcs, const int64_t* row_bytes, int n, char* dst,
                   int64_t outer, int64_t dst_row_bytes) {
  parallel_for(0, outer,
               std::max<int64_t>(1, (int64_t(1) << 17) / std::max<int64_t>(1, dst_row_bytes)),
               [&](int64_t b, int64_t e) {
                 for (int64_t o = b; o < e; ++o) {
                   char* d = dst + o * dst_row_bytes;
                   for (int k = 0; k < n; ++k) {
                     std::memcpy(d, srcs[k] + o * row_bytes[k], size_t(row_bytes[k]));
                     d += row_bytes[k];
                   }
                 }
               });
}

KN_REGISTER_CPU_KERNEL(copy, copy_kernel);
KN_REGISTER_CPU_KERNEL(slice_scatter, copy_kernel);
KN_REGISTER_CPU_KERNEL(concatenate, concat_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
