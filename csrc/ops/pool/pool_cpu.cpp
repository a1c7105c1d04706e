// CPU kernels of max/avg pooling and their backward passes (compiled once per ISA level).
// Every output position reduces its window's valid cells along the channel vector (the
// contiguous axis), so the inner loops are plain vectorisable loops over channels. Backward
// passes scatter into dx one image per task (windows of one image may overlap).
#include <algorithm>
#include <cstring>
#include <limits>

#include "core/parallel.h"
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
  parallel_for(0, g.N * OS, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, C * g.kvol())), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / OS;
      int64_t o[3];
      decode_out(g, r % OS, o);
      T* out = y + r * C;
      const T* xn = x + n * IS * C;
      for (int64_t c = 0; c < C; ++c) out[c] = kMax ? -std::numeric_limits<T>::infinity() : T(0);
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
inline void window_argmax(const ConvGeometry& g, const T* xn, const int64_t* o, T* best, int64_t* best_off) {
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
template <class T>
void max_backward_disjoint(const ConvGeometry& g, const T* x, const T* dy, T* dx) {
  const int64_t OS = g.out_spatial(), IS = g.in_spatial(), C = g.C;
  bool covers = true;  // every input cell in exactly one window: no zero fill needed first
  for (int d = 0; d < 3; ++d) {
    covers = covers && g.stride[d] == g.k[d] && g.pad[d] == 0 && g.out[d] * g.k[d] == g.in[d];
  }
  parallel_for(0, g.N * OS, std::max<int64_t>(1, 8192 / std::max<int64_t>(1, C * g.kvol())), [&](int64_t r0,
                                                                                                int64_t r1) {
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
        for (int64_t c = 0; c < C; ++c) best[c] = src[c] > best[c] ? src[c] : best[c];
      });
      // The first cell holding the maximum wins (a NaN maximum can only be the first cell).
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

template <bool kMax>
void forward_kernel(const ConvGeometry& g, const void* x, void* y, DType dt) {
  if (dt == DType::float64) pool_forward<double, kMax>(g, static_cast<const double*>(x), static_cast<double*>(y));
  else pool_forward<float, kMax>(g, static_cast<const float*>(x), static_cast<float*>(y));
}

void max_backward_kernel(const ConvGeometry& g, const void* x, const void* dy, void* dx, DType dt) {
  if (dt == DType::float64) {
    max_backward(g, static_cast<const double*>(x), static_cast<const double*>(dy), static_cast<double*>(dx));
  } else {
    max_backward(g, static_cast<const float*>(x), static_cast<const float*>(dy), static_cast<float*>(dx));
  }
}

void avg_backward_kernel(const ConvGeometry& g, const void*, const void* dy, void* dx, DType dt) {
  if (dt == DType::float64) avg_backward(g, static_cast<const double*>(dy), static_cast<double*>(dx));
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
