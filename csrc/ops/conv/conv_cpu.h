// The pieces the float32 and float64 convolution kernels share (conv_cpu.cpp,
// conv_backprop_input_cpu.cpp, conv_backprop_filter_cpu.cpp): output-position decoding, the
// kernel taps of a window and their input addresses, the pointwise test, the float64 tap walk,
// and the forward GEMM of one group, which the input gradient reuses on the transposed geometry.
// ISA-namespaced like conv_tiles.h: compiled once per ISA level with each kernel file.
//
// Shape glossary as in conv.h: output position (row) r = ((n * O0 + o0) * O1 + o1) * O2 + o2;
// tap q = (q0 * K1 + q1) * K2 + q2; channels innermost, so an input cell is C floats.
#pragma once

#ifndef KN_ISA_NS
#error "conv_cpu.h is for *_cpu.cpp kernel files"
#endif

#include <cstdint>

#include "ops/conv/conv.h"

namespace kn {
namespace KN_ISA_NS {

// Row index of the output -> (n, o0, o1, o2); returns the flat input offset of (n, 0, 0, 0, 0).
inline int64_t decode_row(const ConvGeometry& g, int64_t row, int64_t* o) {
  o[2] = row % g.out[2];
  row /= g.out[2];
  o[1] = row % g.out[1];
  row /= g.out[1];
  o[0] = row % g.out[0];
  const int64_t n = row / g.out[0];
  return n * g.in_spatial() * g.C;
}

// Input offset of kernel position q for output position o, or -1 in the padding.
inline int64_t patch_offset(const ConvGeometry& g, const int64_t* o, int64_t q) {
  int64_t qd[3];
  qd[2] = q % g.k[2];
  q /= g.k[2];
  qd[1] = q % g.k[1];
  qd[0] = q / g.k[1];
  int64_t off = 0;
  for (int d = 0; d < 3; ++d) {
    const int64_t i = o[d] * g.stride[d] + qd[d] * g.dil[d] - g.pad[d];
    if (i < 0 || i >= g.in[d]) return -1;
    off = off * g.in[d] + i;
  }
  return off * g.C;
}

inline bool is_pointwise(const ConvGeometry& g) {
  for (int d = 0; d < 3; ++d) {
    if (g.k[d] != 1 || g.stride[d] != 1 || g.pad[d] != 0) return false;
  }
  return true;
}

// Kernel taps as per-axis offsets (q -> (q0 dil0, q1 dil1, q2 dil2)), so that the pointer of a
// tap needs no division; and, for output positions whose every tap lands inside the input
// (o_d in [inner_lo_d, inner_hi_d) on each axis), each tap's flat offset from the window start.
struct Taps {
  int64_t n = 0;
  int64_t* d = nullptr;    // [n][3]
  int64_t* off = nullptr;  // [n]: ((d0 * in1 + d1) * in2 + d2) * C
  int64_t inner_lo[3] = {0, 0, 0}, inner_hi[3] = {0, 0, 0};
  explicit Taps(const ConvGeometry& g)
      : n(g.kvol()), d(new int64_t[size_t(3 * g.kvol())]), off(new int64_t[size_t(g.kvol())]) {
    for (int64_t q = 0; q < n; ++q) {
      d[3 * q + 0] = (q / (g.k[1] * g.k[2])) * g.dil[0];
      d[3 * q + 1] = ((q / g.k[2]) % g.k[1]) * g.dil[1];
      d[3 * q + 2] = (q % g.k[2]) * g.dil[2];
      off[q] = ((d[3 * q] * g.in[1] + d[3 * q + 1]) * g.in[2] + d[3 * q + 2]) * g.C;
    }
    for (int a = 0; a < 3; ++a) {
      const int64_t span = (g.k[a] - 1) * g.dil[a];
      auto inside = [&](int64_t o) {
        const int64_t i = o * g.stride[a] - g.pad[a];
        return i >= 0 && i + span < g.in[a];
      };
      int64_t lo = 0, hi = g.out[a];
      while (lo < hi && !inside(lo)) ++lo;
      while (hi > lo && !inside(hi - 1)) --hi;
      inner_lo[a] = lo;
      inner_hi[a] = hi;
    }
  }
  bool interior(const int64_t* o) const {
    return o[0] >= inner_lo[0] && o[0] < inner_hi[0] && o[1] >= inner_lo[1] && o[1] < inner_hi[1] &&
           o[2] >= inner_lo[2] && o[2] < inner_hi[2];
  }
  ~Taps() {
    delete[] d;
    delete[] off;
  }
  Taps(const Taps&) = delete;
  Taps& operator=(const Taps&) = delete;
};

// Address of the input channels at output position o (n's image starting at xn) under each tap,
// or `zero` in the padding: out[q * stride_out].
inline void tap_pointers(const ConvGeometry& g, const Taps& taps, const float* xn, const int64_t* o,
                         const float* zero, const float** out, int64_t stride_out) {
  const int64_t b0 = o[0] * g.stride[0] - g.pad[0], b1 = o[1] * g.stride[1] - g.pad[1],
                b2 = o[2] * g.stride[2] - g.pad[2];
  for (int64_t q = 0; q < taps.n; ++q) {
    const int64_t i0 = b0 + taps.d[3 * q], i1 = b1 + taps.d[3 * q + 1], i2 = b2 + taps.d[3 * q + 2];
    const bool inside = uint64_t(i0) < uint64_t(g.in[0]) && uint64_t(i1) < uint64_t(g.in[1]) &&
                        uint64_t(i2) < uint64_t(g.in[2]);
    out[q * stride_out] = inside ? xn + ((i0 * g.in[1] + i1) * g.in[2] + i2) * g.C : zero;
  }
}

// Offset (in floats, within one image) of the first cell of output position o's window.
inline int64_t window_offset(const ConvGeometry& g, const int64_t* o) {
  return (((o[0] * g.stride[0] - g.pad[0]) * g.in[1] + o[1] * g.stride[1] - g.pad[1]) * g.in[2] +
          o[2] * g.stride[2] - g.pad[2]) *
         g.C;
}

// Output position odometer: row index -> (n, o0, o1, o2), advanced without divisions.
struct OutPos {
  const ConvGeometry& g;
  int64_t n = 0, o[3] = {0, 0, 0};
  OutPos(const ConvGeometry& geo, int64_t row) : g(geo) {
    o[2] = row % g.out[2];
    row /= g.out[2];
    o[1] = row % g.out[1];
    row /= g.out[1];
    o[0] = row % g.out[0];
    n = row / g.out[0];
  }
  void next() {
    if (++o[2] < g.out[2]) return;
    o[2] = 0;
    if (++o[1] < g.out[1]) return;
    o[1] = 0;
    if (++o[0] < g.out[0]) return;
    o[0] = 0;
    ++n;
  }
};

// float64 kernels: f(n, output position, input position, tap) for every tap inside the input.
template <class F>
inline void for_each_tap(const ConvGeometry& g, F&& f) {
  // f(n, out_spatial_index, in_spatial_index, q)
  for (int64_t n = 0; n < g.N; ++n) {
    for (int64_t os = 0; os < g.out_spatial(); ++os) {
      int64_t o[3] = {os / (g.out[1] * g.out[2]), (os / g.out[2]) % g.out[1], os % g.out[2]};
      for (int64_t q = 0; q < g.kvol(); ++q) {
        const int64_t off = patch_offset(g, o, q);
        if (off >= 0) f(n, os, off / g.C, q);
      }
    }
  }
}

// Forward convolution of one group (float32, conv_cpu.cpp): y[:, grp's filters] = conv(x, w), then
// + bias[F] (nullptr: none) and ReLU per output tile.
void conv_forward_group(const ConvGeometry& g, const float* x, const float* w, float* y,
                        int64_t grp, const float* bias = nullptr, bool relu = false);

}  // namespace KN_ISA_NS
}  // namespace kn
