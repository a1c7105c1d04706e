// CPU kernels of the index family (compiled once per ISA level): take, take_along_axis, the two
// scatter-adds, one_hot, nonzero. Gathers are parallel over output rows; scatter-adds are
// parallel over (outer, blocks of inner) so that repeated indices never race.
#include <algorithm>
#include <atomic>
#include <cstring>

#include "core/parallel.h"
#include "ops/index/index.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

inline bool resolve(int64_t& i, int64_t n) {
  if (i < 0) i += n;
  return i >= 0 && i < n;
}

// Records the smallest bad position seen by any thread.
struct BadIndex {
  std::atomic<int64_t> pos{-1};
  void report(int64_t p) {
    int64_t cur = pos.load();
    while ((cur < 0 || p < cur) && !pos.compare_exchange_weak(cur, p)) {
    }
  }
};

template <class T>
int64_t take_run(const T* src, const int64_t* idx, T* dst, int64_t outer, int64_t n, int64_t m,
                 int64_t inner) {
  BadIndex bad;
  parallel_for(0, outer * m, std::max<int64_t>(1, 32768 / std::max<int64_t>(inner, 1)),
               [&](int64_t b, int64_t e) {
                 for (int64_t t = b; t < e; ++t) {
                   const int64_t o = t / m, j = t % m;
                   int64_t i = idx[j];
                   T* d = dst + t * inner;
                   if (!resolve(i, n)) {
                     bad.report(j);
                     std::memset(d, 0, size_t(inner) * sizeof(T));
                     continue;
                   }
                   std::memcpy(d, src + (o * n + i) * inner, size_t(inner) * sizeof(T));
                 }
               });
  return bad.pos.load();
}

template <class T>
int64_t take_along_run(const T* src, const int64_t* idx, T* dst, int64_t outer, int64_t n,
                       int64_t m, int64_t inner) {
  BadIndex bad;
  parallel_for(0, outer * m, std::max<int64_t>(1, 32768 / std::max<int64_t>(inner, 1)),
               [&](int64_t b, int64_t e) {
                 for (int64_t t = b; t < e; ++t) {
                   const int64_t o = t / m;
                   for (int64_t k = 0; k < inner; ++k) {
                     int64_t i = idx[t * inner + k];
                     if (!resolve(i, n)) {
                       bad.report(t * inner + k);
                       dst[t * inner + k] = T(0);
                       continue;
                     }
                     dst[t * inner + k] = src[(o * n + i) * inner + k];
                   }
                 }
               });
  return bad.pos.load();
}

// dst[o, idx[j], :] += src[o, j, :]  (kAlong: idx is [outer, m, inner], per element)
template <bool kAlong, class T>
int64_t scatter_run(const T* src, const int64_t* idx, T* dst, int64_t outer, int64_t n, int64_t m,
                    int64_t inner) {
  BadIndex bad;
  const int64_t block = std::min<int64_t>(std::max<int64_t>(inner, 1), 512);
  const int64_t nblocks = (inner + block - 1) / block;
  // Each task does m * block updates; small scatters stay on one thread.
  const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, m * block));
  parallel_for(0, outer * nblocks, grain, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) {
      const int64_t o = t / nblocks, k0 = (t % nblocks) * block, k1 = std::min(inner, k0 + block);
      for (int64_t j = 0; j < m; ++j) {
        const T* s = src + (o * m + j) * inner;
        if constexpr (kAlong) {
          for (int64_t k = k0; k < k1; ++k) {
            int64_t i = idx[(o * m + j) * inner + k];
            if (!resolve(i, n)) {
              bad.report((o * m + j) * inner + k);
              continue;
            }
            dst[(o * n + i) * inner + k] += s[k];
          }
        } else {
          int64_t i = idx[j];
          if (!resolve(i, n)) {
            bad.report(j);
            continue;
          }
          T* d = dst + (o * n + i) * inner;
          for (int64_t k = k0; k < k1; ++k) d[k] += s[k];
        }
      }
    }
  });
  return bad.pos.load();
}

template <class F>
int64_t by_size(DType dtype, F&& f) {
  switch (dtype) {
    case DType::float32: return f(float{});
    case DType::float64: return f(double{});
    case DType::int32: return f(int32_t{});
    case DType::int64: return f(int64_t{});
    case DType::uint8:
    case DType::bool_: return f(uint8_t{});
  }
  return -1;
}

int64_t take_kernel(const void* src, const int64_t* idx, void* dst, int64_t outer, int64_t n,
                    int64_t m, int64_t inner, DType dtype) {
  return by_size(dtype, [&](auto tag) {
    using T = decltype(tag);
    return take_run(static_cast<const T*>(src), idx, static_cast<T*>(dst), outer, n, m, inner);
  });
}
int64_t take_along_kernel(const void* src, const int64_t* idx, void* dst, int64_t outer, int64_t n,
                          int64_t m, int64_t inner, DType dtype) {
  return by_size(dtype, [&](auto tag) {
    using T = decltype(tag);
    return take_along_run(static_cast<const T*>(src), idx, static_cast<T*>(dst), outer, n, m,
                          inner);
  });
}
template <bool kAlong>
int64_t scatter_kernel(const void* src, const int64_t* idx, void* dst, int64_t outer, int64_t n,
                       int64_t m, int64_t inner, DType dtype) {
  return by_size(dtype, [&](auto tag) {
    using T = decltype(tag);
    return scatter_run<kAlong>(static_cast<const T*>(src), idx, static_cast<T*>(dst), outer, n, m,
                               inner);
  });
}

void one_hot_kernel(const int64_t* idx, void* out, int64_t outer, int64_t depth, int64_t inner,
                    DType dtype) {
  by_size(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* o = static_cast<T*>(out);
    parallel_for(0, outer, std::max<int64_t>(1, 8192 / std::max<int64_t>(depth * inner, 1)),
                 [&](int64_t b, int64_t e) {
                   for (int64_t a = b; a < e; ++a) {
                     T* block = o + a * depth * inner;
                     std::memset(block, 0, size_t(depth * inner) * sizeof(T));
                     for (int64_t k = 0; k < inner; ++k) {
                       const int64_t c = idx[a * inner + k];
                       if (c >= 0 && c < depth) block[c * inner + k] = T(1);
                     }
                   }
                 });
    return int64_t(0);
  });
}

int64_t nonzero_kernel(const void* x, const Shape& shape, DType dtype, int64_t* out) {
  return by_size(dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* p = static_cast<const T*>(x);
    const int64_t n = shape_numel(shape);
    const int nd = int(shape.size());
    int64_t count = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (p[i] == T(0)) continue;
      if (out) {
        int64_t rem = i;
        for (int d = nd - 1; d >= 0; --d) {
          out[count * nd + d] = rem % shape[d];
          rem /= shape[d];
        }
      }
      ++count;
    }
    return count;
  });
}

KN_REGISTER_CPU_KERNEL(take, take_kernel);
KN_REGISTER_CPU_KERNEL(take_along_axis, take_along_kernel);
KN_REGISTER_CPU_KERNEL(scatter_add, scatter_kernel<false>);
KN_REGISTER_CPU_KERNEL(scatter_add_along_axis, scatter_kernel<true>);
KN_REGISTER_CPU_KERNEL(one_hot, one_hot_kernel);
KN_REGISTER_CPU_KERNEL(nonzero, nonzero_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
