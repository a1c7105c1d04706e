// Window walking for the channels_last window kernels (depthwise conv, pooling). ISA-namespaced
// like loops.h: these inline functions are compiled once per ISA level and must not be merged
// across levels by the linker.
//
//   for_taps(g, o, f)  f(tap, input offset) for each tap of output position o inside the input
//   RowWalker          the positions of one output row with their tap lists
//   for_window_positions(g, channels, f)  every output position, rows in parallel
#pragma once

#ifndef KN_ISA_NS
#error "conv_windows.h is for *_cpu.cpp kernel files"
#endif

#include <algorithm>
#include <cstdint>

#include "core/parallel.h"

#include "ops/conv/conv.h"

namespace kn {
namespace KN_ISA_NS {

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

// Note [Window rows]
// In a right-aligned geometry (conv.h), output row (n, o0, o1) has the same vertical taps for
// all of its columns, and in the columns [lo, hi) where every horizontal tap is inside, the same
// tap list up to a shift of o2 * stride2 * C. Border columns list their taps one by one.
struct TapList {
  int64_t n = 0;
  int64_t* off;  // flat input offset (spatial * C), relative to the image
  int64_t* q;    // tap index into the kernel
  explicit TapList(int64_t kvol) : off(new int64_t[size_t(kvol)]), q(new int64_t[size_t(kvol)]) {}
  ~TapList() {
    delete[] off;
    delete[] q;
  }
  TapList(const TapList&) = delete;
  TapList& operator=(const TapList&) = delete;
  void fill(const ConvGeometry& g, const int64_t* o) {
    n = 0;
    for_taps(g, o, [&](int64_t tq, int64_t toff) {
      off[n] = toff;
      q[n] = tq;
      ++n;
    });
  }
};

struct RowWalker {
  const ConvGeometry& g;  // right-aligned
  int64_t lo = 0, hi = 0;
  TapList inner, border;
  explicit RowWalker(const ConvGeometry& geo) : g(geo), inner(geo.kvol()), border(geo.kvol()) {
    const int64_t span = (g.k[2] - 1) * g.dil[2];
    lo = 0;
    hi = g.out[2];
    while (lo < hi && lo * g.stride[2] - g.pad[2] < 0) ++lo;
    while (hi > lo && (hi - 1) * g.stride[2] - g.pad[2] + span >= g.in[2]) --hi;
  }
  // Calls f(o2, taps, shift) for every column of output row `row` (= (n * O0 + o0) * O1 + o1),
  // where a tap's input offset is taps.off[t] + shift.
  template <class F>
  void row(int64_t row_index, F&& f) {
    int64_t o[3] = {(row_index / g.out[1]) % g.out[0], row_index % g.out[1], 0};
    if (lo < hi) {  // the interior columns' taps: those of column lo, moved back to column 0
      o[2] = lo;
      inner.fill(g, o);
      for (int64_t t = 0; t < inner.n; ++t) inner.off[t] -= lo * g.stride[2] * g.C;
    }
    for (int64_t o2 = 0; o2 < g.out[2]; ++o2) {
      if (o2 >= lo && o2 < hi) {
        f(o2, inner, o2 * g.stride[2] * g.C);
        continue;
      }
      o[2] = o2;
      border.fill(g, o);
      f(o2, border, int64_t(0));
    }
  }
};

// Every output position of a right-aligned geometry, output rows handed to the threads: calls
// f(pos, image, taps, shift) with pos the flat output position (its output vector starts at
// pos * channels), image the offset of its image in the input, and tap t of the window at
// image + taps.off[t] + shift.
template <class F>
void for_window_positions(const ConvGeometry& g, int64_t channels, F&& f) {
  const int64_t OS = g.out_spatial(), IS = g.in_spatial(), O2 = g.out[2];
  const int64_t rows = g.N * g.out[0] * g.out[1];
  parallel_for(0, rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, channels * O2)),
               [&](int64_t r0, int64_t r1) {
                 RowWalker walk(g);
                 for (int64_t r = r0; r < r1; ++r) {
                   const int64_t image = (r * O2 / OS) * IS * g.C;
                   walk.row(r, [&](int64_t o2, const TapList& taps, int64_t shift) {
                     f(r * O2 + o2, image, taps, shift);
                   });
                 }
               });
}

}  // namespace KN_ISA_NS
}  // namespace kn
