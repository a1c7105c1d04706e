// CPU kernels of max/avg pooling and their backward passes (compiled once per ISA level).
// Every output position reduces its window's valid cells along the channel vector (the
// contiguous axis), so the inner loops are plain vectorisable loops over channels. Backward
// passes scatter into dx one image per task (windows of one image may overlap).
#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "core/allocator.h"
#include "core/parallel.h"
#include "cpu/vec/vec.h"
#include "ops/conv/conv_windows.h"
#include "ops/op_registry.h"
#include "ops/pool/pool.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

// Calls f(q_offset) for every valid input cell (flat spatial index * C) of window o.
template <class F>
inline int64_t for_window(const ConvGeometry& g, const int64_t* o, F&& f) {
  int64_t lo[3], hi[3];
  for (int d = 0; d < 3; ++d) {
    const int64_t start = o[d] * g.stride[d] - g.pad[d];
    lo[d] = std::max<int64_t>(start, 0);
    hi[d] = std::min<int64_t>(start + g.k[d], g.in[d]);
  }
  int64_t count = 0;
  for (int64_t i0 = lo[0]; i0 < hi[0]; ++i0) {
    for (int64_t i1 = lo[1]; i1 < hi[1]; ++i1) {
      for (int64_t i2 = lo[2]; i2 < hi[2]; ++i2) {
        f(((i0 * g.in[1] + i1) * g.in[2] + i2) * g.C);
        ++count;
      }
    }
  }
  return count;
}

inline void decode_out(const ConvGeometry& g, int64_t os, int64_t* o) {
  o[2] = os % g.out[2];
  o[1] = (os / g.out[2]) % g.out[1];
  o[0] = os / (g.out[1] * g.out[2]);
}

template <class T, bool kMax>
void pool_forward(const ConvGeometry& g, const T* x, T* y) {
  const int64_t OS = g.out_spatial(), IS = g.in_spatial(), C = g.C;
  parallel_for(0, g.N * OS, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, C * g.kvol())),
               [&](int64_t r0, int64_t r1) {
                 for (int64_t r = r0; r < r1; ++r) {
                   const int64_t n = r / OS;
                   int64_t o[3];
                   decode_out(g, r % OS, o);
                   T* out = y + r * C;
                   const T* xn = x + n * IS * C;
                   for (int64_t c = 0; c < C; ++c)
                     out[c] = kMax ? -std::numeric_limits<T>::infinity() : T(0);
                   const int64_t count = for_window(g, o, [&](int64_t off) {
                     const T* src = xn + off;
                     if (kMax) {
                       for (int64_t c = 0; c < C; ++c) out[c] = src[c] > out[c] ? src[c] : out[c];
                     } else {
                       for (int64_t c = 0; c < C; ++c) out[c] += src[c];
                     }
                   });
                   if (!kMax && count > 0) {
                     const T inv = T(1) / T(count);
                     for (int64_t c = 0; c < C; ++c) out[c] *= inv;
                   }
                 }
               });
}

// First maximum of window o, channel by channel: writes the flat spatial offsets into best_off.
template <class T>
inline void window_argmax(const ConvGeometry& g, const T* xn, const int64_t* o, T* best,
                          int64_t* best_off) {
  const int64_t C = g.C;
  for (int64_t c = 0; c < C; ++c) {
    best[c] = -std::numeric_limits<T>::infinity();
    best_off[c] = -1;
  }
  for_window(g, o, [&](int64_t off) {
    const T* src = xn + off;
    for (int64_t c = 0; c < C; ++c) {
      if (src[c] > best[c] || best_off[c] < 0) {
        best[c] = src[c];
        best_off[c] = off;
      }
    }
  });
}

// Max-pool backward when windows do not overlap (stride >= pool size, MaxPooling2D's default):
// each input cell gets its window's gradient or zero, written once, with two vectorisable
// passes per window (the maximum, then the first cell equal to it) instead of a scatter.
void max_backward_disjoint_f32(const ConvGeometry& geometry, const float* x, const float* dy,
                               float* dx);

template <class T>
void max_backward_disjoint(const ConvGeometry& g, const T* x, const T* dy, T* dx) {
  const int64_t OS = g.out_spatial(), IS = g.in_spatial(), C = g.C;
  bool covers = true;  // every input cell in exactly one window: no zero fill needed first
  for (int d = 0; d < 3; ++d) {
    covers = covers && g.stride[d] == g.k[d] && g.pad[d] == 0 && g.out[d] * g.k[d] == g.in[d];
  }
  if constexpr (std::is_same<T, float>::value) {
    max_backward_disjoint_f32(g, x, dy, dx);
  } else
    parallel_for(0, g.N * OS, std::max<int64_t>(1, 8192 / std::max<int64_t>(1, C * g.kvol())),
                 [&](int64_t r0, int64_t r1) {
                   T* best = new T[size_t(C)];
                   uint8_t* taken = new uint8_t[size_t(C)];
                   for (int64_t r = r0; r < r1; ++r) {
                     const int64_t n = r / OS;
                     int64_t o[3];
                     decode_out(g, r % OS, o);
                     const T* xn = x + n * IS * C;
                     T* dxn = dx + n * IS * C;
                     const T* gr = dy + r * C;
                     bool first = true;
                     for_window(g, o, [&](int64_t off) {
                       const T* src = xn + off;
                       if (first) {
                         for (int64_t c = 0; c < C; ++c) best[c] = src[c];
                         first = false;
                         return;
                       }
                       for (int64_t c = 0; c < C; ++c)
                         best[c] = src[c] > best[c] ? src[c] : best[c];
                     });
                     // The first cell holding the maximum wins (a NaN maximum can only be the first
                     // cell).
                     for (int64_t c = 0; c < C; ++c) taken[c] = 0;
                     for_window(g, o, [&](int64_t off) {
                       const T* src = xn + off;
                       T* dst = dxn + off;
                       for (int64_t c = 0; c < C; ++c) {
                         const bool hit = !taken[c] && (src[c] == best[c] || best[c] != best[c]);
                         dst[c] = hit ? gr[c] : T(0);
                         taken[c] |= uint8_t(hit);
                       }
                     });
                   }
                   delete[] best;
                   delete[] taken;
                 });
  if (!covers) {
    // Cells no window reaches: zero. Marked by a pass over the windows' extents per axis.
    parallel_for(0, g.N, 1, [&](int64_t n0, int64_t n1) {
      for (int64_t n = n0; n < n1; ++n) {
        for (int64_t i0 = 0; i0 < g.in[0]; ++i0) {
          for (int64_t i1 = 0; i1 < g.in[1]; ++i1) {
            for (int64_t i2 = 0; i2 < g.in[2]; ++i2) {
              const int64_t i[3] = {i0, i1, i2};
              bool reached = true;
              for (int d = 0; d < 3 && reached; ++d) {
                const int64_t rel = i[d] + g.pad[d];  // position from the first window's start
                const int64_t w = rel / g.stride[d];
                reached = w < g.out[d] && rel - w * g.stride[d] < g.k[d];
              }
              if (!reached) {
                T* dst = dx + (n * IS + (i0 * g.in[1] + i1) * g.in[2] + i2) * C;
                for (int64_t c = 0; c < C; ++c) dst[c] = T(0);
              }
            }
          }
        }
      }
    });
  }
}

// float32 form of the disjoint-window backward pass: windows walked row by row, channel vectors
// in registers. `avail` holds the window's gradient until the first cell equal to the maximum
// takes it (a NaN maximum: the first cell), so later equal cells get zero.
void max_backward_disjoint_f32(const ConvGeometry& geometry, const float* x, const float* dy,
                               float* dx) {
  using V = Vec<float>;
  constexpr int64_t S = V::size;
  const ConvGeometry g = right_aligned(geometry);
  const int64_t C = g.C;
  for_window_positions(g, C, [&](int64_t pos, int64_t image, const TapList& cells, int64_t shift) {
    if (cells.n == 0) return;
    const float* xs = x + image + shift;
    float* ds = dx + image + shift;
    const float* gr = dy + pos * C;
    for (int64_t c = 0; c < C; c += S) {
      const int m = int(std::min<int64_t>(S, C - c));
      auto load = [m](const float* p) {
        return m == V::size ? V::loadu(p) : V::load_partial(p, m);
      };
      V best = load(xs + cells.off[0] + c);
      for (int64_t t = 1; t < cells.n; ++t) best = V::max(load(xs + cells.off[t] + c), best);
      const auto best_nan = V::isnan(best);
      const V zero = V::broadcast(0.0f);
      V avail = load(gr + c);
      for (int64_t t = 0; t < cells.n; ++t) {
        const auto hit = V::mask_or(V::eq(load(xs + cells.off[t] + c), best), best_nan);
        const V out = V::select(hit, avail, zero);
        avail = V::select(hit, zero, avail);
        if (m == S) out.storeu(ds + cells.off[t] + c);
        else out.store_partial(ds + cells.off[t] + c, m);
      }
    }
  });
}

template <class T>
void max_backward(const ConvGeometry& g, const T* x, const T* dy, T* dx) {
  const int64_t OS = g.out_spatial(), IS = g.in_spatial(), C = g.C;
  if (g.stride[0] >= g.k[0] && g.stride[1] >= g.k[1] && g.stride[2] >= g.k[2]) {
    max_backward_disjoint(g, x, dy, dx);
    return;
  }
  parallel_for(0, g.N, 1, [&](int64_t n0, int64_t n1) {
    T* best = new T[size_t(C)];
    int64_t* off = new int64_t[size_t(C)];
    for (int64_t n = n0; n < n1; ++n) {
      T* dxn = dx + n * IS * C;
      std::memset(dxn, 0, size_t(IS * C) * sizeof(T));
      const T* xn = x + n * IS * C;
      for (int64_t os = 0; os < OS; ++os) {
        int64_t o[3];
        decode_out(g, os, o);
        window_argmax(g, xn, o, best, off);
        const T* g_out = dy + (n * OS + os) * C;
        for (int64_t c = 0; c < C; ++c) {
          if (off[c] >= 0) dxn[off[c] + c] += g_out[c];
        }
      }
    }
    delete[] best;
    delete[] off;
  });
}

template <class T>
void avg_backward(const ConvGeometry& g, const T* dy, T* dx) {
  const int64_t OS = g.out_spatial(), IS = g.in_spatial(), C = g.C;
  parallel_for(0, g.N, 1, [&](int64_t n0, int64_t n1) {
    for (int64_t n = n0; n < n1; ++n) {
      T* dxn = dx + n * IS * C;
      std::memset(dxn, 0, size_t(IS * C) * sizeof(T));
      for (int64_t os = 0; os < OS; ++os) {
        int64_t o[3];
        decode_out(g, os, o);
        const int64_t count = for_window(g, o, [](int64_t) {});
        if (count == 0) continue;
        const T inv = T(1) / T(count);
        const T* g_out = dy + (n * OS + os) * C;
        for_window(g, o, [&](int64_t off) {
          T* d = dxn + off;
          for (int64_t c = 0; c < C; ++c) d[c] += g_out[c] * inv;
        });
      }
    }
  });
}

template <class T>
void argmax_run(const ConvGeometry& g, const T* x, int64_t* idx) {
  const int64_t OS = g.out_spatial(), IS = g.in_spatial(), C = g.C;
  parallel_for(0, g.N, 1, [&](int64_t n0, int64_t n1) {
    T* best = new T[size_t(C)];
    int64_t* off = new int64_t[size_t(C)];
    for (int64_t n = n0; n < n1; ++n) {
      for (int64_t os = 0; os < OS; ++os) {
        int64_t o[3];
        decode_out(g, os, o);
        window_argmax(g, x + n * IS * C, o, best, off);
        int64_t* out = idx + (n * OS + os) * C;
        for (int64_t c = 0; c < C; ++c) out[c] = n * IS * C + off[c] + c;
      }
    }
    delete[] best;
    delete[] off;
  });
}

// float32 pooling over windows walked row by row (Note [Window rows] in conv_windows.h), channel
// vectors reduced in registers: kMode Max (padding never wins; a NaN cell is skipped, as in the
// scalar path), Mean (over the valid cells) or Sum.
enum class PoolMode { Max, Mean, Sum };

template <PoolMode kMode>
void pool_rows_f32(const ConvGeometry& geometry, const float* x, float* y) {
  using V = Vec<float>;
  constexpr int64_t S = V::size;
  const ConvGeometry g = right_aligned(geometry);
  const int64_t C = g.C;
  const float init = kMode == PoolMode::Max ? -std::numeric_limits<float>::infinity() : 0.0f;
  for_window_positions(g, C, [&](int64_t pos, int64_t image, const TapList& cells, int64_t shift) {
    float* __restrict out = y + pos * C;
    const float* xs = x + image + shift;
    const V scale =
        V::broadcast(kMode == PoolMode::Mean && cells.n > 0 ? 1.0f / float(cells.n) : 1.0f);
    auto reduce = [](V acc, V v) { return kMode == PoolMode::Max ? V::max(v, acc) : acc + v; };
    int64_t c = 0;
    for (; c + 4 * S <= C; c += 4 * S) {
      V a0 = V::broadcast(init), a1 = a0, a2 = a0, a3 = a0;
      for (int64_t t = 0; t < cells.n; ++t) {
        const float* src = xs + cells.off[t] + c;
        a0 = reduce(a0, V::loadu(src));
        a1 = reduce(a1, V::loadu(src + S));
        a2 = reduce(a2, V::loadu(src + 2 * S));
        a3 = reduce(a3, V::loadu(src + 3 * S));
      }
      if (kMode == PoolMode::Mean) {
        a0 = a0 * scale;
        a1 = a1 * scale;
        a2 = a2 * scale;
        a3 = a3 * scale;
      }
      a0.storeu(out + c);
      a1.storeu(out + c + S);
      a2.storeu(out + c + 2 * S);
      a3.storeu(out + c + 3 * S);
    }
    for (; c < C; c += S) {
      const int m = int(std::min<int64_t>(S, C - c));
      V a = V::broadcast(init);
      for (int64_t t = 0; t < cells.n; ++t)
        a = reduce(a, V::load_partial(xs + cells.off[t] + c, m));
      if (kMode == PoolMode::Mean) a = a * scale;
      a.store_partial(out + c, m);
    }
  });
}

// Average-pool backward with stride 1: dx[i] = sum over the windows o holding i of dy[o] / n(o),
// i.e. dy scaled by each window's cell count, then sum-pooled over the mirrored window
// (padding (k - 1) - pad on each side): a gather, not a scatter into dx. One image at a time, so
// that its scaled gradient stays in this core's cache between the two passes.
void avg_backward_stride1_f32(const ConvGeometry& g, const float* dy, float* dx) {
  const int64_t OS = g.out_spatial(), IS = g.in_spatial(), C = g.C;
  std::vector<float> inv(static_cast<size_t>(OS));  // the same for every image
  for (int64_t os = 0; os < OS; ++os) {
    int64_t o[3];
    decode_out(g, os, o);
    const int64_t count = for_window(g, o, [](int64_t) {});
    inv[size_t(os)] = count > 0 ? 1.0f / float(count) : 0.0f;
  }
  ConvGeometry t = g;
  t.N = 1;
  for (int d = 0; d < 3; ++d) {
    t.in[d] = g.out[d];
    t.out[d] = g.in[d];
    t.pad[d] = g.k[d] - 1 - g.pad[d];
    t.pad_after[d] = g.k[d] - 1 - g.pad_after[d];
  }
  parallel_for(0, g.N, 1, [&](int64_t n0, int64_t n1) {
    float* scaled = static_cast<float*>(allocate(size_t(OS * C) * sizeof(float), Device{}));
    for (int64_t n = n0; n < n1; ++n) {
      const float* dyn = dy + n * OS * C;
      for (int64_t os = 0; os < OS; ++os) {
        const float f = inv[size_t(os)];
        for (int64_t c = 0; c < C; ++c) scaled[os * C + c] = dyn[os * C + c] * f;
      }
      pool_rows_f32<PoolMode::Sum>(t, scaled, dx + n * IS * C);  // runs inline: inside a task
    }
    deallocate(scaled, size_t(OS * C) * sizeof(float), Device{});
  });
}

template <bool kMax>
void forward_kernel(const ConvGeometry& g, const void* x, void* y, DType dt) {
  if (dt == DType::float64)
    pool_forward<double, kMax>(g, static_cast<const double*>(x), static_cast<double*>(y));
  else if (kMax)
    pool_rows_f32<PoolMode::Max>(g, static_cast<const float*>(x), static_cast<float*>(y));
  else pool_rows_f32<PoolMode::Mean>(g, static_cast<const float*>(x), static_cast<float*>(y));
}

void max_backward_kernel(const ConvGeometry& g, const void* x, const void* dy, void* dx, DType dt) {
  if (dt == DType::float64) {
    max_backward(g, static_cast<const double*>(x), static_cast<const double*>(dy),
                 static_cast<double*>(dx));
  } else {
    max_backward(g, static_cast<const float*>(x), static_cast<const float*>(dy),
                 static_cast<float*>(dx));
  }
}

void avg_backward_kernel(const ConvGeometry& g, const void*, const void* dy, void* dx, DType dt) {
  if (dt == DType::float64)
    avg_backward(g, static_cast<const double*>(dy), static_cast<double*>(dx));
  else if (g.stride[0] == 1 && g.stride[1] == 1 && g.stride[2] == 1)
    avg_backward_stride1_f32(g, static_cast<const float*>(dy), static_cast<float*>(dx));
  else avg_backward(g, static_cast<const float*>(dy), static_cast<float*>(dx));
}

void argmax_kernel(const ConvGeometry& g, const void* x, int64_t* idx, DType dt) {
  if (dt == DType::float64) argmax_run(g, static_cast<const double*>(x), idx);
  else argmax_run(g, static_cast<const float*>(x), idx);
}

KN_REGISTER_CPU_KERNEL(max_pool, forward_kernel<true>);
KN_REGISTER_CPU_KERNEL(avg_pool, forward_kernel<false>);
KN_REGISTER_CPU_KERNEL(max_pool_backward, max_backward_kernel);
KN_REGISTER_CPU_KERNEL(avg_pool_backward, avg_backward_kernel);
KN_REGISTER_CPU_KERNEL(max_pool_argmax, argmax_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
