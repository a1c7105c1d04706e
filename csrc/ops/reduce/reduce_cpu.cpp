// CPU kernels of sum, prod, max, min, any, all over the [outer, r, inner] geometry (compiled once
// per ISA level).
//   inner == 1: each output reduces a dense run of r elements (Vec accumulators); when there are
//               few outputs, the run is split into fixed-size chunks whose partial results are
//               combined in order, so the result does not depend on the thread count.
//   inner  > 1: each output row accumulates r rows of `inner` elements, vectorised along inner.
// max/min propagate NaN; any/all are max/min over bool bytes.
#include <algorithm>
#include <limits>
#include <memory>

#include "core/parallel.h"
#include "cpu/vec/vec.h"
#include "ops/op_registry.h"
#include "ops/reduce/reduce.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <class T>
T lowest() {
  if constexpr (std::is_floating_point<T>::value) return -std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::lowest();
}
template <class T>
T highest() {
  if constexpr (std::is_floating_point<T>::value) return std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::max();
}

struct SumR {
  template <class T>
  static T init() {
    return T(0);
  }
  template <class T>
  static T scalar(T a, T b) {
    return T(a + b);
  }
  template <class V>
  static V vec(V acc, V x) {
    return acc + x;
  }
  template <class V>
  static auto horizontal(V v) {
    return v.reduce_add();
  }
};
struct ProdR {
  template <class T>
  static T init() {
    return T(1);
  }
  template <class T>
  static T scalar(T a, T b) {
    return T(a * b);
  }
  template <class V>
  static V vec(V acc, V x) {
    return acc * x;
  }
  template <class V>
  static auto horizontal(V v) {
    using T = decltype(v.reduce_add());
    alignas(64) T lanes[V::size];
    v.storeu(lanes);
    T p = 1;
    for (int i = 0; i < V::size; ++i) p *= lanes[i];
    return p;
  }
};
struct MaxR {
  template <class T>
  static T init() {
    return lowest<T>();
  }
  template <class T>
  static T scalar(T a, T b) {
    if constexpr (std::is_floating_point<T>::value) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return a > b ? a : b;
  }
  // A NaN in x becomes the accumulator and then sticks (max returns its second operand on NaN).
  template <class V>
  static V vec(V acc, V x) {
    return V::select(V::isnan(x), x, V::max(x, acc));
  }
  template <class V>
  static auto horizontal(V v) {
    using T = decltype(v.reduce_add());
    alignas(64) T lanes[V::size];
    v.storeu(lanes);
    T m = lanes[0];
    for (int i = 1; i < V::size; ++i) m = scalar(m, lanes[i]);
    return m;
  }
};
struct MinR {
  template <class T>
  static T init() {
    return highest<T>();
  }
  template <class T>
  static T scalar(T a, T b) {
    if constexpr (std::is_floating_point<T>::value) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return a < b ? a : b;
  }
  template <class V>
  static V vec(V acc, V x) {
    return V::select(V::isnan(x), x, V::min(x, acc));
  }
  template <class V>
  static auto horizontal(V v) {
    using T = decltype(v.reduce_add());
    alignas(64) T lanes[V::size];
    v.storeu(lanes);
    T m = lanes[0];
    for (int i = 1; i < V::size; ++i) m = scalar(m, lanes[i]);
    return m;
  }
};

// Reduces a dense run of n elements.
template <class Op, class T>
T reduce_run(const T* p, int64_t n) {
  if constexpr (std::is_floating_point<T>::value) {
    using V = Vec<T>;
    const V init = V::broadcast(Op::template init<T>());
    V a0 = init, a1 = init, a2 = init, a3 = init;
    int64_t i = 0;
    for (; i + 4 * V::size <= n; i += 4 * V::size) {
      a0 = Op::vec(a0, V::loadu(p + i));
      a1 = Op::vec(a1, V::loadu(p + i + V::size));
      a2 = Op::vec(a2, V::loadu(p + i + 2 * V::size));
      a3 = Op::vec(a3, V::loadu(p + i + 3 * V::size));
    }
    for (; i + V::size <= n; i += V::size) a0 = Op::vec(a0, V::loadu(p + i));
    V acc = Op::vec(Op::vec(a0, a1), Op::vec(a2, a3));
    T r = Op::horizontal(acc);
    for (; i < n; ++i) r = Op::scalar(r, p[i]);
    return r;
  } else {
    T r = Op::template init<T>();
    for (int64_t i = 0; i < n; ++i) r = Op::scalar(r, p[i]);
    return r;
  }
}

// acc[0:n] = acc op row[0:n]
template <class Op, class T>
void accumulate_row(T* acc, const T* row, int64_t n) {
  int64_t i = 0;
  if constexpr (std::is_floating_point<T>::value) {
    using V = Vec<T>;
    for (; i + V::size <= n; i += V::size)
      Op::vec(V::loadu(acc + i), V::loadu(row + i)).storeu(acc + i);
  }
  for (; i < n; ++i) acc[i] = Op::scalar(acc[i], row[i]);
}

constexpr int64_t kChunk =
    1 << 15;  // elements per partial result (fixed: thread-count independent)

template <class Op, class T>
void reduce_kernel_t(const T* in, T* out, int64_t outer, int64_t r, int64_t inner) {
  if (inner == 1) {
    if (outer >= get_num_threads() || r <= kChunk) {
      parallel_for(0, outer, std::max<int64_t>(1, kChunk / r), [&](int64_t b, int64_t e) {
        for (int64_t o = b; o < e; ++o) out[o] = reduce_run<Op>(in + o * r, r);
      });
      return;
    }
    const int64_t nchunks = (r + kChunk - 1) / kChunk;
    // (No std::vector in kernel files: its members could merge across ISA copies at link time.)
    std::unique_ptr<T[]> partial(new T[size_t(outer * nchunks)]);
    parallel_for(0, outer * nchunks, 1, [&](int64_t b, int64_t e) {
      for (int64_t t = b; t < e; ++t) {
        const int64_t o = t / nchunks, c = t % nchunks;
        const int64_t start = c * kChunk, len = std::min(kChunk, r - start);
        partial[size_t(t)] = reduce_run<Op>(in + o * r + start, len);
      }
    });
    for (int64_t o = 0; o < outer; ++o) {
      T acc = partial[size_t(o * nchunks)];
      for (int64_t c = 1; c < nchunks; ++c) acc = Op::scalar(acc, partial[size_t(o * nchunks + c)]);
      out[o] = acc;
    }
    return;
  }
  // Tasks: (outer index, block of inner columns).
  const int64_t block = std::max<int64_t>(64, std::min<int64_t>(inner, 1024));
  const int64_t nblocks = (inner + block - 1) / block;
  const int64_t grain = std::max<int64_t>(1, kChunk / std::max<int64_t>(1, r * block));
  parallel_for(0, outer * nblocks, grain, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) {
      const int64_t o = t / nblocks, i0 = (t % nblocks) * block;
      const int64_t n = std::min(block, inner - i0);
      T* acc = out + o * inner + i0;
      const T* base = in + o * r * inner + i0;
      for (int64_t i = 0; i < n; ++i) acc[i] = base[i];
      if constexpr (std::is_same<Op, SumR>::value && std::is_floating_point<T>::value) {
        // Sum in blocks of rows: the rounding error grows with the block, not with r.
        constexpr int64_t kRows = 256;
        if (r > kRows) {
          T part[1024];
          for (int64_t j0 = 1; j0 < r; j0 += kRows) {
            const int64_t j1 = std::min(r, j0 + kRows);
            for (int64_t i = 0; i < n; ++i) part[i] = base[j0 * inner + i];
            for (int64_t j = j0 + 1; j < j1; ++j) accumulate_row<Op>(part, base + j * inner, n);
            accumulate_row<Op>(acc, part, n);
          }
          continue;
        }
      }
      for (int64_t j = 1; j < r; ++j) accumulate_row<Op>(acc, base + j * inner, n);
    }
  });
}

template <class Op>
void reduce_kernel(const void* in, void* out, int64_t outer, int64_t r, int64_t inner,
                   DType dtype) {
  switch (dtype) {
    case DType::float32:
      reduce_kernel_t<Op>(static_cast<const float*>(in), static_cast<float*>(out), outer, r, inner);
      break;
    case DType::float64:
      reduce_kernel_t<Op>(static_cast<const double*>(in), static_cast<double*>(out), outer, r,
                          inner);
      break;
    case DType::int32:
      reduce_kernel_t<Op>(static_cast<const int32_t*>(in), static_cast<int32_t*>(out), outer, r,
                          inner);
      break;
    case DType::int64:
      reduce_kernel_t<Op>(static_cast<const int64_t*>(in), static_cast<int64_t*>(out), outer, r,
                          inner);
      break;
    case DType::uint8:
    case DType::bool_:
      reduce_kernel_t<Op>(static_cast<const uint8_t*>(in), static_cast<uint8_t*>(out), outer, r,
                          inner);
      break;
  }
}

KN_REGISTER_CPU_KERNEL(sum, reduce_kernel<SumR>);
KN_REGISTER_CPU_KERNEL(prod, reduce_kernel<ProdR>);
KN_REGISTER_CPU_KERNEL(max, reduce_kernel<MaxR>);
KN_REGISTER_CPU_KERNEL(min, reduce_kernel<MinR>);
KN_REGISTER_CPU_KERNEL(any, reduce_kernel<MaxR>);
KN_REGISTER_CPU_KERNEL(all, reduce_kernel<MinR>);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
