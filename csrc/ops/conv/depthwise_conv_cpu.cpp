// CPU kernels of depthwise_conv and its gradients (compiled once per ISA level). Every output
// position accumulates its window's taps along the channel vector; the filter gradient reduces
// over images into one buffer per task, summed in order at the end.
#include <algorithm>
#include <cstring>

#include "core/parallel.h"
#include "ops/conv/depthwise_conv.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

// Calls f(q, input_spatial_offset * C) for each valid tap of output position o.
template <class F>
inline void for_taps(const ConvGeometry& g, const int64_t* o, F&& f) {
  for (int64_t q0 = 0; q0 < g.k[0]; ++q0) {
    const int64_t i0 = o[0] * g.stride[0] + q0 * g.dil[0] - g.pad[0];
    if (i0 < 0 || i0 >= g.in[0]) continue;
    for (int64_t q1 = 0; q1 < g.k[1]; ++q1) {
      const int64_t i1 = o[1] * g.stride[1] + q1 * g.dil[1] - g.pad[1];
      if (i1 < 0 || i1 >= g.in[1]) continue;
      for (int64_t q2 = 0; q2 < g.k[2]; ++q2) {
        const int64_t i2 = o[2] * g.stride[2] + q2 * g.dil[2] - g.pad[2];
        if (i2 < 0 || i2 >= g.in[2]) continue;
        f((q0 * g.k[1] + q1) * g.k[2] + q2, ((i0 * g.in[1] + i1) * g.in[2] + i2) * g.C);
      }
    }
  }
}

inline void decode(const ConvGeometry& g, int64_t os, int64_t* o) {
  o[2] = os % g.out[2];
  o[1] = (os / g.out[2]) % g.out[1];
  o[0] = os / (g.out[1] * g.out[2]);
}

template <class T>
void forward(const ConvGeometry& g, int64_t M, const T* x, const T* w, T* y) {
  const int64_t OS = g.out_spatial(), IS = g.in_spatial(), C = g.C, F = g.F;
  parallel_for(0, g.N * OS, std::max<int64_t>(1, 2048 / std::max<int64_t>(1, F)), [&](int64_t r0, int64_t r1) {
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

void fwd_kernel(const ConvGeometry& g, int64_t M, const void* a, const void* b, void* out, DType dt) {
  if (dt == DType::float64) forward(g, M, static_cast<const double*>(a), static_cast<const double*>(b), static_cast<double*>(out));
  else forward(g, M, static_cast<const float*>(a), static_cast<const float*>(b), static_cast<float*>(out));
}
void input_kernel(const ConvGeometry& g, int64_t M, const void* a, const void* b, void* out, DType dt) {
  if (dt == DType::float64) backprop_input(g, M, static_cast<const double*>(a), static_cast<const double*>(b), static_cast<double*>(out));
  else backprop_input(g, M, static_cast<const float*>(a), static_cast<const float*>(b), static_cast<float*>(out));
}
void filter_kernel(const ConvGeometry& g, int64_t M, const void* a, const void* b, void* out, DType dt) {
  if (dt == DType::float64) backprop_filter(g, M, static_cast<const double*>(a), static_cast<const double*>(b), static_cast<double*>(out));
  else backprop_filter(g, M, static_cast<const float*>(a), static_cast<const float*>(b), static_cast<float*>(out));
}

KN_REGISTER_CPU_KERNEL(depthwise_conv, fwd_kernel);
KN_REGISTER_CPU_KERNEL(depthwise_conv_backprop_input, input_kernel);
KN_REGISTER_CPU_KERNEL(depthwise_conv_backprop_filter, filter_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
