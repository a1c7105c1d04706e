// CPU kernels of depthwise_conv and its gradients (compiled once per ISA level). Every output
// position accumulates its window's taps along the channel vector; the filter gradient reduces
// over images into one buffer per task, summed in order at the end.
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/parallel.h"
#include "cpu/vec/vec.h"
#include "ops/conv/conv_windows.h"
#include "ops/conv/depthwise_conv.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <class T>
void forward(const ConvGeometry& g, int64_t M, const T* x, const T* w, T* y) {
  const int64_t OS = g.out_spatial(), IS = g.in_spatial(), C = g.C, F = g.F;
  parallel_for(0, g.N * OS, std::max<int64_t>(1, 2048 / std::max<int64_t>(1, F)),
               [&](int64_t r0, int64_t r1) {
                 for (int64_t r = r0; r < r1; ++r) {
                   const int64_t n = r / OS;
                   int64_t o[3];
                   decode(g, r % OS, o);
                   T* out = y + r * F;
                   for (int64_t f = 0; f < F; ++f) out[f] = T(0);
                   const T* xn = x + n * IS * C;
                   for_taps(g, o, [&](int64_t q, int64_t off) {
                     const T* src = xn + off;
                     const T* wq = w + q * F;
                     if (M == 1) {
                       for (int64_t c = 0; c < C; ++c) out[c] += src[c] * wq[c];
                     } else {
                       for (int64_t c = 0; c < C; ++c) {
                         for (int64_t m = 0; m < M; ++m) out[c * M + m] += src[c] * wq[c * M + m];
                       }
                     }
                   });
                 }
               });
}

template <class T>
void backprop_input(const ConvGeometry& g, int64_t M, const T* dy, const T* w, T* dx) {
  const int64_t OS = g.out_spatial(), IS = g.in_spatial(), C = g.C, F = g.F;
  parallel_for(0, g.N, 1, [&](int64_t n0, int64_t n1) {
    for (int64_t n = n0; n < n1; ++n) {
      T* dxn = dx + n * IS * C;
      std::memset(dxn, 0, size_t(IS * C) * sizeof(T));
      for (int64_t os = 0; os < OS; ++os) {
        int64_t o[3];
        decode(g, os, o);
        const T* go = dy + (n * OS + os) * F;
        for_taps(g, o, [&](int64_t q, int64_t off) {
          T* d = dxn + off;
          const T* wq = w + q * F;
          if (M == 1) {
            for (int64_t c = 0; c < C; ++c) d[c] += go[c] * wq[c];
          } else {
            for (int64_t c = 0; c < C; ++c) {
              T acc = 0;
              for (int64_t m = 0; m < M; ++m) acc += go[c * M + m] * wq[c * M + m];
              d[c] += acc;
            }
          }
        });
      }
    }
  });
}

template <class T>
void backprop_filter(const ConvGeometry& g, int64_t M, const T* x, const T* dy, T* dw) {
  const int64_t OS = g.out_spatial(), IS = g.in_spatial(), C = g.C, F = g.F, W = g.kvol() * F;
  const int64_t parts = std::min<int64_t>(g.N, std::max(1, get_num_threads()) * 2);
  T* partial = new T[size_t(parts * W)];
  std::memset(partial, 0, size_t(parts * W) * sizeof(T));
  parallel_for_dynamic(0, parts, 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      T* acc = partial + p * W;
      const int64_t nb = g.N * p / parts, ne = g.N * (p + 1) / parts;
      for (int64_t n = nb; n < ne; ++n) {
        const T* xn = x + n * IS * C;
        for (int64_t os = 0; os < OS; ++os) {
          int64_t o[3];
          decode(g, os, o);
          const T* go = dy + (n * OS + os) * F;
          for_taps(g, o, [&](int64_t q, int64_t off) {
            const T* src = xn + off;
            T* a = acc + q * F;
            if (M == 1) {
              for (int64_t c = 0; c < C; ++c) a[c] += src[c] * go[c];
            } else {
              for (int64_t c = 0; c < C; ++c) {
                for (int64_t m = 0; m < M; ++m) a[c * M + m] += src[c] * go[c * M + m];
              }
            }
          });
        }
      }
    }
  });
  for (int64_t i = 0; i < W; ++i) {
    T s = 0;
    for (int64_t p = 0; p < parts; ++p) s += partial[p * W + i];
    dw[i] = s;
  }
  delete[] partial;
}

// float32 with depth_multiplier 1 (the common case): channel vectors in registers, output
// positions walked row by row (RowWalker, conv_windows.h).

// y[c] = sum over taps of x_tap[c] * w_tap[c], four vectors of channels per pass: four
// independent accumulator chains, no store and reload of y per tap.
void forward_f32(const ConvGeometry& geometry, const float* x, const float* w, float* y) {
  using V = Vec<float>;
  constexpr int64_t S = V::size;
  const ConvGeometry g = right_aligned(geometry);
  const int64_t C = g.C;
  for_window_positions(g, C, [&](int64_t pos, int64_t image, const TapList& taps, int64_t shift) {
    float* __restrict out = y + pos * C;
    const float* xs = x + image + shift;
    int64_t c = 0;
    for (; c + 4 * S <= C; c += 4 * S) {
      V a0 = V::broadcast(0.0f), a1 = a0, a2 = a0, a3 = a0;
      for (int64_t t = 0; t < taps.n; ++t) {
        const float* src = xs + taps.off[t] + c;
        const float* wq = w + taps.q[t] * C + c;
        a0 = V::fmadd(V::loadu(src), V::loadu(wq), a0);
        a1 = V::fmadd(V::loadu(src + S), V::loadu(wq + S), a1);
        a2 = V::fmadd(V::loadu(src + 2 * S), V::loadu(wq + 2 * S), a2);
        a3 = V::fmadd(V::loadu(src + 3 * S), V::loadu(wq + 3 * S), a3);
      }
      a0.storeu(out + c);
      a1.storeu(out + c + S);
      a2.storeu(out + c + 2 * S);
      a3.storeu(out + c + 3 * S);
    }
    for (; c < C; c += S) {
      const int m = int(std::min<int64_t>(S, C - c));
      V a = V::broadcast(0.0f);
      for (int64_t t = 0; t < taps.n; ++t) {
        a = V::fmadd(V::load_partial(xs + taps.off[t] + c, m),
                     V::load_partial(w + taps.q[t] * C + c, m), a);
      }
      a.store_partial(out + c, m);
    }
  });
}

// dx_tap[c] += dy[c] * w_tap[c], scattered from each output position (one image per task).
void backprop_input_f32(const ConvGeometry& geometry, const float* dy, const float* w, float* dx) {
  using V = Vec<float>;
  constexpr int64_t S = V::size;
  const ConvGeometry g = right_aligned(geometry);
  const int64_t IS = g.in_spatial(), C = g.C, O2 = g.out[2], rows_per_image = g.out[0] * g.out[1];
  parallel_for(0, g.N, 1, [&](int64_t n0, int64_t n1) {
    RowWalker walk(g);
    for (int64_t n = n0; n < n1; ++n) {
      float* __restrict dxn = dx + n * IS * C;
      std::memset(dxn, 0, size_t(IS * C) * sizeof(float));
      for (int64_t r = n * rows_per_image; r < (n + 1) * rows_per_image; ++r) {
        walk.row(r, [&](int64_t o2, const TapList& taps, int64_t shift) {
          const float* __restrict go = dy + (r * O2 + o2) * C;
          float* ds = dxn + shift;
          for (int64_t c = 0; c < C; c += S) {
            const int m = int(std::min<int64_t>(S, C - c));
            const V gv = m == S ? V::loadu(go + c) : V::load_partial(go + c, m);
            for (int64_t t = 0; t < taps.n; ++t) {
              float* d = ds + taps.off[t] + c;
              const float* wq = w + taps.q[t] * C + c;
              if (m == S) V::fmadd(gv, V::loadu(wq), V::loadu(d)).storeu(d);
              else V::fmadd(gv, V::load_partial(wq, m), V::load_partial(d, m)).store_partial(d, m);
            }
          }
        });
      }
    }
  });
}

// dw_tap[c] = sum over positions of x_tap[c] * dy[c]. For each output row and tap, the columns
// where the tap is inside form one range, summed in registers (four channel vectors at a time)
// and added to the task's buffer once per row, not once per position.
void backprop_filter_f32(const ConvGeometry& geometry, const float* x, const float* dy, float* dw) {
  using V = Vec<float>;
  constexpr int64_t S = V::size;
  const ConvGeometry g = right_aligned(geometry);
  const int64_t IS = g.in_spatial(), C = g.C, W = g.kvol() * C, O2 = g.out[2];
  const int64_t rows_per_image = g.out[0] * g.out[1];
  const int64_t parts = std::min<int64_t>(g.N, std::max(1, get_num_threads()) * 2);
  // Columns [col_lo[q2], col_hi[q2]) where horizontal tap q2 lands inside the input.
  std::vector<int64_t> col_lo(size_t(g.k[2])), col_hi(size_t(g.k[2]));
  for (int64_t q2 = 0; q2 < g.k[2]; ++q2) {
    auto col = [&](int64_t o2) { return o2 * g.stride[2] - g.pad[2] + q2 * g.dil[2]; };
    int64_t lo = 0, hi = O2;
    while (lo < hi && col(lo) < 0) ++lo;
    while (hi > lo && col(hi - 1) >= g.in[2]) --hi;
    col_lo[size_t(q2)] = lo;
    col_hi[size_t(q2)] = hi;
  }
  float* partial = new float[size_t(parts * W)];
  std::memset(partial, 0, size_t(parts * W) * sizeof(float));
  parallel_for_dynamic(0, parts, 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      float* __restrict acc = partial + p * W;
      const int64_t rb = rows_per_image * (g.N * p / parts),
                    re = rows_per_image * (g.N * (p + 1) / parts);
      for (int64_t r = rb; r < re; ++r) {
        const int64_t n = r / rows_per_image, o0 = (r / g.out[1]) % g.out[0], o1 = r % g.out[1];
        const float* __restrict dyrow = dy + r * O2 * C;
        for (int64_t q0 = 0; q0 < g.k[0]; ++q0) {
          const int64_t i0 = o0 * g.stride[0] + q0 * g.dil[0] - g.pad[0];
          if (i0 < 0 || i0 >= g.in[0]) continue;
          for (int64_t q1 = 0; q1 < g.k[1]; ++q1) {
            const int64_t i1 = o1 * g.stride[1] + q1 * g.dil[1] - g.pad[1];
            if (i1 < 0 || i1 >= g.in[1]) continue;
            const float* __restrict xrow = x + n * IS * C + (i0 * g.in[1] + i1) * g.in[2] * C;
            for (int64_t q2 = 0; q2 < g.k[2]; ++q2) {
              const int64_t lo = col_lo[size_t(q2)], hi = col_hi[size_t(q2)];
              if (lo >= hi) continue;
              float* a = acc + ((q0 * g.k[1] + q1) * g.k[2] + q2) * C;
              const int64_t xstep = g.stride[2] * C;
              const float* x0 = xrow + (lo * g.stride[2] - g.pad[2] + q2 * g.dil[2]) * C;
              const float* d0 = dyrow + lo * C;
              int64_t c = 0;
              for (; c + 4 * S <= C; c += 4 * S) {
                V s0 = V::broadcast(0.0f), s1 = s0, s2 = s0, s3 = s0;
                const float* xs = x0 + c;
                const float* ds = d0 + c;
                for (int64_t o2 = lo; o2 < hi; ++o2, xs += xstep, ds += C) {
                  s0 = V::fmadd(V::loadu(xs), V::loadu(ds), s0);
                  s1 = V::fmadd(V::loadu(xs + S), V::loadu(ds + S), s1);
                  s2 = V::fmadd(V::loadu(xs + 2 * S), V::loadu(ds + 2 * S), s2);
                  s3 = V::fmadd(V::loadu(xs + 3 * S), V::loadu(ds + 3 * S), s3);
                }
                (V::loadu(a + c) + s0).storeu(a + c);
                (V::loadu(a + c + S) + s1).storeu(a + c + S);
                (V::loadu(a + c + 2 * S) + s2).storeu(a + c + 2 * S);
                (V::loadu(a + c + 3 * S) + s3).storeu(a + c + 3 * S);
              }
              for (; c < C; c += S) {
                const int m = int(std::min<int64_t>(S, C - c));
                V s0 = V::broadcast(0.0f);
                const float* xs = x0 + c;
                const float* ds = d0 + c;
                for (int64_t o2 = lo; o2 < hi; ++o2, xs += xstep, ds += C) {
                  s0 = V::fmadd(V::load_partial(xs, m), V::load_partial(ds, m), s0);
                }
                (V::load_partial(a + c, m) + s0).store_partial(a + c, m);
              }
            }
          }
        }
      }
    }
  });
  for (int64_t i = 0; i < W; ++i) {
    float sum = 0;
    for (int64_t p = 0; p < parts; ++p) sum += partial[p * W + i];
    dw[i] = sum;
  }
  delete[] partial;
}

// Input gradient with stride 1: the forward kernel over dy with the spatially flipped filter and
// the complementary padding ((k - 1) * dilation - pad on each side), a gather with registers
// instead of nine read-modify-writes of dx per position. Strided cases scatter.
void backprop_input_f32_stride1(const ConvGeometry& g, const float* dy, const float* w, float* dx) {
  ConvGeometry t = g;
  for (int d = 0; d < 3; ++d) {
    t.in[d] = g.out[d];
    t.out[d] = g.in[d];
    t.pad[d] = (g.k[d] - 1) * g.dil[d] - g.pad[d];
    t.pad_after[d] = (g.k[d] - 1) * g.dil[d] - g.pad_after[d];
  }
  const int64_t kvol = g.kvol(), C = g.C;
  std::vector<float> flipped(size_t(kvol * C));
  for (int64_t q = 0; q < kvol; ++q) {
    std::memcpy(flipped.data() + q * C, w + (kvol - 1 - q) * C, size_t(C) * sizeof(float));
  }
  forward_f32(t, dy, flipped.data(), dx);
}

void fwd_kernel(const ConvGeometry& g, int64_t M, const void* a, const void* b, void* out,
                DType dt) {
  if (dt == DType::float64)
    forward(g, M, static_cast<const double*>(a), static_cast<const double*>(b),
            static_cast<double*>(out));
  else if (M == 1)
    forward_f32(g, static_cast<const float*>(a), static_cast<const float*>(b),
                static_cast<float*>(out));
  else
    forward(g, M, static_cast<const float*>(a), static_cast<const float*>(b),
            static_cast<float*>(out));
}
void input_kernel(const ConvGeometry& g, int64_t M, const void* a, const void* b, void* out,
                  DType dt) {
  if (dt == DType::float64)
    backprop_input(g, M, static_cast<const double*>(a), static_cast<const double*>(b),
                   static_cast<double*>(out));
  else if (M == 1 && g.stride[0] == 1 && g.stride[1] == 1 && g.stride[2] == 1 &&
           g.pad[0] <= (g.k[0] - 1) * g.dil[0] && g.pad[1] <= (g.k[1] - 1) * g.dil[1] &&
           g.pad[2] <= (g.k[2] - 1) * g.dil[2] && g.pad_after[0] <= (g.k[0] - 1) * g.dil[0] &&
           g.pad_after[1] <= (g.k[1] - 1) * g.dil[1] && g.pad_after[2] <= (g.k[2] - 1) * g.dil[2])
    backprop_input_f32_stride1(g, static_cast<const float*>(a), static_cast<const float*>(b),
                               static_cast<float*>(out));
  else if (M == 1)
    backprop_input_f32(g, static_cast<const float*>(a), static_cast<const float*>(b),
                       static_cast<float*>(out));
  else
    backprop_input(g, M, static_cast<const float*>(a), static_cast<const float*>(b),
                   static_cast<float*>(out));
}
void filter_kernel(const ConvGeometry& g, int64_t M, const void* a, const void* b, void* out,
                   DType dt) {
  if (dt == DType::float64)
    backprop_filter(g, M, static_cast<const double*>(a), static_cast<const double*>(b),
                    static_cast<double*>(out));
  else if (M == 1)
    backprop_filter_f32(g, static_cast<const float*>(a), static_cast<const float*>(b),
                        static_cast<float*>(out));
  else
    backprop_filter(g, M, static_cast<const float*>(a), static_cast<const float*>(b),
                    static_cast<float*>(out));
}

KN_REGISTER_CPU_KERNEL(depthwise_conv, fwd_kernel);
KN_REGISTER_CPU_KERNEL(depthwise_conv_backprop_input, input_kernel);
KN_REGISTER_CPU_KERNEL(depthwise_conv_backprop_filter, filter_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
