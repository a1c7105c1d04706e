// CPU kernels of conv, conv_backprop_input, conv_backprop_filter (compiled once per ISA level).
//
// float32 runs on the GEMM (csrc/cpu/gemm.h) with the image patches packed on the fly:
//   conv:            y[rows, Fg]     = im2col(x)[rows, kvol*Cg] @ w[kvol*Cg, Fg]      (per group)
//   backprop_filter: dw[kvol*Cg, Fg] = im2col(x)^T @ dy[rows, Fg]                     (K = rows)
//   backprop_input:  stride 1: a convolution of dy with the flipped, transposed kernel;
//                    otherwise dcols = dy @ w^T then col2im (scatter-add), image by image.
// A 1x1, stride-1, unpadded convolution reads x directly as the A matrix.
// float64 uses direct loops (it exists for gradient checks, not for speed).
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/allocator.h"
#include "core/parallel.h"
#include "cpu/gemm.h"
#include "cpu/vec/vec.h"
#include "ops/conv/conv.h"
#include "ops/conv/conv_tiles.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

struct PatchCtx {
  const float* x;
  ConvGeometry g;
  int64_t group;
};

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

// A = im2col(x): rows are output positions, columns (q, c) kernel positions x channels of a group.
void pack_patches(const void* vctx, int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, float* dst) {
  const PatchCtx& ctx = *static_cast<const PatchCtx*>(vctx);
  const ConvGeometry& g = ctx.g;
  const int64_t Cg = g.C / g.G, M = g.N * g.out_spatial();
  const int64_t cbase = ctx.group * Cg;
  for (int64_t p = 0; p < mc; p += mr) {
    float* panel = dst + (p / mr) * kc * mr;
    for (int r = 0; r < mr; ++r) {
      const int64_t row = i0 + p + r;
      if (p + r >= mc || row >= M) {
        for (int64_t kk = 0; kk < kc; ++kk) panel[kk * mr + r] = 0.0f;
        continue;
      }
      int64_t o[3];
      const int64_t nbase = decode_row(g, row, o);
      int64_t k = k0, q = k0 / Cg, c = k0 % Cg;
      const int64_t kend = k0 + kc;
      while (k < kend) {
        const int64_t run = std::min(Cg - c, kend - k);
        float* d = panel + (k - k0) * mr + r;
        const int64_t off = patch_offset(g, o, q);
        if (off >= 0) {
          const float* src = ctx.x + nbase + off + cbase + c;
          for (int64_t t = 0; t < run; ++t) d[t * mr] = src[t];
        } else {
          for (int64_t t = 0; t < run; ++t) d[t * mr] = 0.0f;
        }
        k += run;
        ++q;
        c = 0;
      }
    }
  }
}

// A = im2col(x)^T: rows are (q, c), columns output positions (for the filter gradient).
void pack_patches_t(const void* vctx, int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, float* dst) {
  const PatchCtx& ctx = *static_cast<const PatchCtx*>(vctx);
  const ConvGeometry& g = ctx.g;
  const int64_t Cg = g.C / g.G, rows_total = g.kvol() * Cg;
  const int64_t cbase = ctx.group * Cg;
  for (int64_t kk = 0; kk < kc; ++kk) {
    int64_t o[3];
    const int64_t nbase = decode_row(g, k0 + kk, o);
    for (int64_t p = 0; p < mc; p += mr) {
      float* d = dst + (p / mr) * kc * mr + kk * mr;
      int64_t idx = i0 + p;
      int r = 0;
      while (r < mr) {
        if (p + r >= mc || idx >= rows_total) {
          d[r++] = 0.0f;
          ++idx;
          continue;
        }
        const int64_t q = idx / Cg, c = idx % Cg;
        const int64_t run = std::min<int64_t>(Cg - c, mr - r);
        const int64_t off = patch_offset(g, o, q);
        if (off >= 0) {
          const float* src = ctx.x + nbase + off + cbase + c;
          for (int64_t t = 0; t < run; ++t) d[r + t] = src[t];
        } else {
          for (int64_t t = 0; t < run; ++t) d[r + t] = 0.0f;
        }
        r += int(run);
        idx += run;
      }
    }
  }
}

bool is_pointwise(const ConvGeometry& g) {
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
  return (((o[0] * g.stride[0] - g.pad[0]) * g.in[1] + o[1] * g.stride[1] - g.pad[1]) * g.in[2] + o[2] * g.stride[2] -
          g.pad[2]) * g.C;
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

// Fills rows[q * MR + r] with the address of the input channels (from channel `cbase`) that
// output position row0 + r reads under kernel tap q, or `zero` in the padding / past the end.
void fill_row_pointers(const ConvGeometry& g, const Taps& taps, const float* x, int64_t cbase, int64_t row0,
                       int mr_valid, const float* zero, const float** rows) {
  OutPos pos(g, row0);
  const int64_t image = g.in_spatial() * g.C;
  for (int r = 0; r < kConvMR; ++r) {
    if (r >= mr_valid) {
      for (int64_t q = 0; q < taps.n; ++q) rows[q * kConvMR + r] = zero;
      continue;
    }
    const float* xn = x + pos.n * image + cbase;
    if (taps.interior(pos.o)) {  // no padding to test: window start plus each tap's offset
      const float* start = xn + window_offset(g, pos.o);
      for (int64_t q = 0; q < taps.n; ++q) rows[q * kConvMR + r] = start + taps.off[q];
    } else {
      tap_pointers(g, taps, xn, pos.o, zero, rows + r, kConvMR);
    }
    pos.next();
  }
}

// Weights of one group packed for conv_tile: panel p holds filters [p*NR, p*NR + NR) as
// [kvol][Cg][NR], zero past the group's last filter.
float* pack_weight_panels(const ConvGeometry& g, const float* w, int64_t grp, int64_t& panels) {
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G, kvol = g.kvol();
  panels = (Fg + kConvNR - 1) / kConvNR;
  const size_t n = size_t(panels * kvol * Cg * kConvNR);
  float* wp = static_cast<float*>(allocate(n * sizeof(float), Device{}));
  for (int64_t p = 0; p < panels; ++p) {
    for (int64_t q = 0; q < kvol; ++q) {
      for (int64_t c = 0; c < Cg; ++c) {
        float* dst = wp + ((p * kvol + q) * Cg + c) * kConvNR;
        const float* src = w + (q * Cg + c) * g.F + grp * Fg + p * kConvNR;
        const int64_t nr = std::min<int64_t>(kConvNR, Fg - p * kConvNR);
        for (int64_t j = 0; j < kConvNR; ++j) dst[j] = j < nr ? src[j] : 0.0f;
      }
    }
  }
  return wp;
}

// conv_bias_act's epilogue on an mr x nr block of y (leading dimension ldy) just written, while it
// is still in L1: + bias per filter, then ReLU when relu is set.
void tile_epilogue(float* y, int64_t ldy, int64_t mr, int64_t nr, const float* bias, bool relu) {
  using V = Vec<float>;
  constexpr int64_t S = V::size;
  const V zero = V::broadcast(0.0f);
  for (int64_t r = 0; r < mr; ++r) {
    float* row = y + r * ldy;
    for (int64_t j = 0; j < nr; j += S) {
      const int m = int(std::min<int64_t>(S, nr - j));
      V v = m == S ? V::loadu(row + j) : V::load_partial(row + j, m);
      if (bias) v = v + (m == S ? V::loadu(bias + j) : V::load_partial(bias + j, m));
      if (relu) v = V::max(v, zero);
      if (m == S) v.storeu(row + j);
      else v.store_partial(row + j, m);
    }
  }
}

// Forward convolution of one group as an indirect GEMM: tiles of MR output positions x NR filters
// (then bias[F] and ReLU per tile, for conv_bias_act).
//
// Note [Few-channel rows]
// With one to three input channels, conv_tile spends more loads on its per-position row pointers
// than on data (12 pointers for 12 x Cg broadcasts per tap). Positions next to each other in an
// output row read windows STEP floats apart, so conv_tile_row addresses them from one pointer per
// (tap, channel) pair; the tiles are laid along output rows so that most are such runs.
void conv_forward_group(const ConvGeometry& g, const float* x, const float* w, float* y, int64_t grp,
                        const float* bias = nullptr, bool relu = false) {
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G, kvol = g.kvol();
  const int64_t M = g.N * g.out_spatial();
  int64_t panels;
  float* wp = pack_weight_panels(g, w, grp, panels);
  float* zero = static_cast<float*>(allocate(size_t(Cg) * sizeof(float), Device{}));
  std::memset(zero, 0, size_t(Cg) * sizeof(float));
  const Taps taps(g);
  // Few input channels (first layers): tiles lie within one output row, and a tile whose window
  // is inside the input for every tap runs conv_tile_row (Note [Few-channel rows]).
  const int64_t inner = g.out[g.nd - 1], step = g.stride[g.nd - 1] * g.C;
  const bool row_tiles = kHasConvTileRow && Cg < 4 && (step == 1 || step == 2 || step == 3 || step == 4 || step == 6);
  const int64_t tiles_per_row = (inner + kConvMR - 1) / kConvMR;
  const int64_t tiles = row_tiles ? M / std::max<int64_t>(inner, 1) * tiles_per_row : (M + kConvMR - 1) / kConvMR;
  std::vector<int64_t> toff;  // row tiles: pair (q, c) -> offset from the window start
  if (row_tiles) {
    toff.resize(size_t(kvol * Cg));
    for (int64_t q = 0; q < kvol; ++q) {
      for (int64_t c = 0; c < Cg; ++c) toff[size_t(q * Cg + c)] = taps.off[q] + c;
    }
  }
  const double flops_per_tile = 2.0 * kConvMR * kConvNR * double(kvol * Cg * panels);
  const int64_t grain = std::max<int64_t>(1, int64_t(2e5 / flops_per_tile));
  parallel_for(0, tiles, grain, [&](int64_t t0, int64_t t1) {
    const float** rows = new const float*[size_t(kvol * kConvMR)];
    std::vector<int64_t> runs(size_t(2 * kvol));  // [begin, end) tap runs
    int64_t nruns = 0;
    alignas(64) float edge[kConvMR * kConvNR];
    for (int64_t t = t0; t < t1; ++t) {
      int64_t row0;
      int mr;
      if (row_tiles) {
        const int64_t in_row = (t % tiles_per_row) * kConvMR;
        row0 = t / tiles_per_row * inner + in_row;
        mr = int(std::min<int64_t>(kConvMR, inner - in_row));
      } else {
        row0 = t * kConvMR;
        mr = int(std::min<int64_t>(kConvMR, M - row0));
      }
#if defined(__AVX512F__)
      if (row_tiles && mr == kConvMR) {
        const OutPos first(g, row0), last(g, row0 + kConvMR - 1);
        if (taps.interior(first.o) && taps.interior(last.o)) {
          const float* xs = x + first.n * g.in_spatial() * g.C + grp * Cg + window_offset(g, first.o);
          for (int64_t p = 0; p < panels; ++p) {
            const float* wpp = wp + p * kvol * Cg * kConvNR;
            float* out = y + row0 * g.F + grp * Fg + p * kConvNR;
            const int64_t nr = std::min<int64_t>(kConvNR, Fg - p * kConvNR);
            float* dst = nr == kConvNR ? out : edge;
            const int64_t ld = nr == kConvNR ? g.F : kConvNR;
            switch (step) {
              case 1: conv_tile_row<1>(xs, toff.data(), kvol * Cg, wpp, dst, ld); break;
              case 2: conv_tile_row<2>(xs, toff.data(), kvol * Cg, wpp, dst, ld); break;
              case 3: conv_tile_row<3>(xs, toff.data(), kvol * Cg, wpp, dst, ld); break;
              case 4: conv_tile_row<4>(xs, toff.data(), kvol * Cg, wpp, dst, ld); break;
              default: conv_tile_row<6>(xs, toff.data(), kvol * Cg, wpp, dst, ld); break;
            }
            if (nr != kConvNR) {
              for (int r = 0; r < kConvMR; ++r) std::memcpy(out + r * g.F, edge + r * kConvNR, size_t(nr) * sizeof(float));
            }
            if (bias || relu) tile_epilogue(out, g.F, kConvMR, nr, bias ? bias + grp * Fg + p * kConvNR : nullptr, relu);
          }
          continue;
        }
      }
#endif
      fill_row_pointers(g, taps, x, grp * Cg, row0, mr, zero, rows);
      // Runs of taps that some row of the tile reads inside the input: a tap that lands in the
      // padding for every row adds zeros (28% of the work of a 'valid' convolution's input
      // gradient on 11x11 images), so it is skipped.
      nruns = 0;
      for (int64_t q = 0; q < kvol; ++q) {
        bool active = false;
        for (int r = 0; r < kConvMR && !active; ++r) active = rows[q * kConvMR + r] != zero;
        if (!active) continue;
        if (nruns > 0 && runs[size_t(2 * nruns - 1)] == q) {
          ++runs[size_t(2 * nruns - 1)];
        } else {
          runs[size_t(2 * nruns)] = q;
          runs[size_t(2 * nruns + 1)] = q + 1;
          ++nruns;
        }
      }
      for (int64_t p = 0; p < panels; ++p) {
        const float* wpp = wp + p * kvol * Cg * kConvNR;
        float* out = y + row0 * g.F + grp * Fg + p * kConvNR;
        const int64_t nr = std::min<int64_t>(kConvNR, Fg - p * kConvNR);
        const bool full = mr == kConvMR && nr == kConvNR;
        float* dst = full ? out : edge;
        const int64_t ld = full ? g.F : kConvNR;
        if (nruns == 0) {
          for (int r = 0; r < kConvMR; ++r) std::memset(dst + r * ld, 0, kConvNR * sizeof(float));
        }
        for (int64_t u = 0; u < nruns; ++u) {
          const int64_t q0 = runs[size_t(2 * u)], q1 = runs[size_t(2 * u + 1)];
          conv_tile(rows + q0 * kConvMR, q1 - q0, Cg, wpp + q0 * Cg * kConvNR, dst, ld, u > 0);
        }
        if (!full) {
          for (int r = 0; r < mr; ++r) std::memcpy(out + r * g.F, edge + r * kConvNR, size_t(nr) * sizeof(float));
        }
        if (bias || relu) tile_epilogue(out, g.F, mr, nr, bias ? bias + grp * Fg + p * kConvNR : nullptr, relu);
      }
    }
    delete[] rows;
  });
  deallocate(zero, size_t(Cg) * sizeof(float), Device{});
  deallocate(wp, size_t(panels * kvol * Cg * kConvNR) * sizeof(float), Device{});
}

void conv_forward_f32(const ConvGeometry& g, const float* x, const float* w, float* y, const float* bias = nullptr,
                      bool relu = false) {
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G;
  for (int64_t grp = 0; grp < g.G; ++grp) {
    if (is_pointwise(g)) {
      GemmArgs<float> a{g.N * g.out_spatial(), Fg, Cg,
                        x + grp * Cg, g.C, 1,
                        w + grp * Fg, g.F, 1,
                        y + grp * Fg, g.F};
      a.bias = bias ? bias + grp * Fg : nullptr;
      a.activation = relu ? FusedActivation::Relu : FusedActivation::Linear;
      sgemm(a);
    } else {
      conv_forward_group(g, x, w, y, grp, bias, relu);
    }
  }
}

// The filter gradients' shared pieces. A block of `rows` rows of dy (leading dimension F, the
// group's Fg columns) copied with zero columns up to ldp, so that every tile reads whole panels.
const float* padded_dy_rows(const float* dyp, int64_t rows, int64_t F, int64_t Fg, int64_t ldp, float* buf) {
  for (int64_t k = 0; k < rows; ++k) {
    for (int64_t j = 0; j < ldp; ++j) buf[k * ldp + j] = j < Fg ? dyp[k * F + j] : 0.0f;
  }
  return buf;
}

// dw rows [0, rows) of group grp = the sum of the tasks' partial buffers ([rows][ldp] each), in a
// fixed order: the result does not depend on scheduling.
void sum_partial_filters(const ConvGeometry& g, const float* partial, int64_t parts, size_t wsize, int64_t rows,
                         int64_t ldp, int64_t grp, float* dw) {
  const int64_t Fg = g.F / g.G;
  parallel_for(0, rows, 64, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      float* dst = dw + r * g.F + grp * Fg;
      for (int64_t f = 0; f < Fg; ++f) {
        float sum = 0;
        for (int64_t p = 0; p < parts; ++p) sum += partial[size_t(p) * wsize + size_t(r * ldp + f)];
        dst[f] = sum;
      }
    }
  });
}

// Filter gradient of one group with fewer input channels than a tile has rows (first layers,
// Cg = 1 or 3): tile rows are (tap, channel) pairs. Along one output row, tile row r reads the
// input at base_r + o * stride * C, so the kernel needs no per-position addresses; the few
// positions where a tap lands in the left/right padding take a scalar path.
void conv_filter_group_few_channels(const ConvGeometry& geometry, const float* x, const float* dy, float* dw,
                                    int64_t grp) {
  const ConvGeometry g = right_aligned(geometry);
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G, kvol = g.kvol();
  const int64_t grows = kvol * Cg, gtiles = (grows + kConvMR - 1) / kConvMR, prow = gtiles * kConvMR;
  const int64_t panels = (Fg + kConvNR - 1) / kConvNR, ldp = panels * kConvNR;
  const int64_t O2 = g.out[2], nrows = g.N * g.out[0] * g.out[1];
  const int64_t s2 = g.stride[2], step = s2 * g.C;
  const int nthreads = get_num_threads();
  const double flops = 2.0 * double(nrows * O2) * double(grows * Fg);
  const int64_t parts = flops < 4e6 ? 1 : std::min<int64_t>(int64_t(nthreads) * 2, nrows);
  const size_t wsize = size_t(prow * ldp);
  float* partial = static_cast<float*>(allocate(wsize * size_t(parts) * sizeof(float), Device{}));
  std::memset(partial, 0, wsize * size_t(parts) * sizeof(float));
  const size_t zlen = size_t(O2 * step + 1);  // a zero row any position's offset stays inside
  float* zero = static_cast<float*>(allocate(zlen * sizeof(float), Device{}));
  std::memset(zero, 0, zlen * sizeof(float));
  const bool pad_dy = Fg % kConvNR != 0;
  const Taps taps(g);
  const int64_t image = g.in_spatial() * g.C;

  // Tile row R: its tap (or -1 past the last row), channel, and the output columns [lo, hi)
  // where its tap lands inside the input; a tile's interior is where all of its rows do.
  std::vector<int64_t> rtap(size_t(prow), -1), rch(size_t(prow), 0);
  std::vector<int64_t> tile_lo(size_t(gtiles), 0), tile_hi(size_t(gtiles), O2);
  auto col = [&](int64_t q, int64_t o) { return o * s2 - g.pad[2] + taps.d[3 * q + 2]; };
  for (int64_t R = 0; R < grows; ++R) {
    rtap[size_t(R)] = R / Cg;
    rch[size_t(R)] = R % Cg;
    int64_t lo = 0, hi = O2;
    while (lo < O2 && col(R / Cg, lo) < 0) ++lo;
    while (hi > lo && col(R / Cg, hi - 1) >= g.in[2]) --hi;
    int64_t& tl = tile_lo[size_t(R / kConvMR)];
    int64_t& th = tile_hi[size_t(R / kConvMR)];
    tl = std::max(tl, lo);
    th = std::min(th, hi);
  }

  parallel_for_dynamic(0, parts, 1, [&](int64_t p0, int64_t p1) {
    float* dyblk = pad_dy ? new float[size_t(O2 * ldp)] : nullptr;
    const float* base[kConvMR];
    for (int64_t part = p0; part < p1; ++part) {
      float* acc = partial + size_t(part) * wsize;
      const int64_t rb = nrows * part / parts, re = nrows * (part + 1) / parts;
      for (int64_t row = rb; row < re; ++row) {
        const int64_t o1 = row % g.out[1], o0 = (row / g.out[1]) % g.out[0], n = row / (g.out[1] * g.out[0]);
        const float* dyp = dy + row * O2 * g.F + grp * Fg;
        if (pad_dy) dyp = padded_dy_rows(dyp, O2, g.F, Fg, ldp, dyblk);
        const int64_t ldy = pad_dy ? ldp : g.F;
        const int64_t b0 = o0 * g.stride[0] - g.pad[0], b1 = o1 * g.stride[1] - g.pad[1];
        // Start of tile row R's input row, or null where the row is all padding / past the end.
        auto row_start = [&](int64_t R) -> const float* {
          const int64_t q = rtap[size_t(R)];
          if (q < 0) return nullptr;
          const int64_t i0 = b0 + taps.d[3 * q], i1 = b1 + taps.d[3 * q + 1];
          if (uint64_t(i0) >= uint64_t(g.in[0]) || uint64_t(i1) >= uint64_t(g.in[1])) return nullptr;
          return x + n * image + (i0 * g.in[1] + i1) * g.in[2] * g.C + grp * Cg + rch[size_t(R)];
        };
        for (int64_t gt = 0; gt < gtiles; ++gt) {
          const int64_t lo = tile_lo[size_t(gt)], hi = tile_hi[size_t(gt)];
          float* out = acc + gt * kConvMR * ldp;
          const float* starts[kConvMR];
          for (int r = 0; r < kConvMR; ++r) {
            const int64_t R = gt * kConvMR + r;
            starts[r] = row_start(R);
            base[r] = starts[r] && hi > lo ? starts[r] + col(rtap[size_t(R)], lo) * g.C : zero;
          }
          for (int64_t p = 0; p < panels; ++p) {
            if (hi > lo) dw_tile_rows(base, step, hi - lo, dyp + lo * ldy + p * kConvNR, ldy, out + p * kConvNR, ldp);
          }
          // Columns outside the interior: each tap checked.
          for (int64_t o = 0; o < O2; ++o) {
            if (o == lo && hi > lo) o = hi;
            if (o >= O2) break;
            const float* d = dyp + o * ldy;
            for (int r = 0; r < kConvMR; ++r) {
              const int64_t R = gt * kConvMR + r;
              if (!starts[r]) continue;
              const int64_t i2 = col(rtap[size_t(R)], o);
              if (uint64_t(i2) >= uint64_t(g.in[2])) continue;
              const float v = starts[r][i2 * g.C];
              float* orow = out + r * ldp;
              for (int64_t j = 0; j < ldp; ++j) orow[j] += v * d[j];
            }
          }
        }
      }
    }
    delete[] dyblk;
  });
  sum_partial_filters(g, partial, parts, wsize, grows, ldp, grp, dw);
  deallocate(zero, zlen * sizeof(float), Device{});
  deallocate(partial, wsize * size_t(parts) * sizeof(float), Device{});
}

// Filter gradient of one group: dw[q, c, f] = sum over output positions k of
// x(k, q)[c] * dy[k, f], the positions split among tasks that each accumulate their own copy.
void conv_filter_group(const ConvGeometry& g, const float* x, const float* dy, float* dw, int64_t grp) {
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G, kvol = g.kvol();
  if (Cg < kConvMR) return conv_filter_group_few_channels(g, x, dy, dw, grp);
  const int64_t M = g.N * g.out_spatial();
  const int64_t panels = (Fg + kConvNR - 1) / kConvNR, ldp = panels * kConvNR;
  // Channel tiles of 8 where 8 divides Cg and 12 does not (see dw_tile8).
  const int64_t mr = kHasDwTile8 && Cg % kConvMR != 0 && Cg % 8 == 0 ? 8 : kConvMR;
  const int64_t ctiles = (Cg + mr - 1) / mr;
  // Output positions per block: 64 keeps a block of dy and the x rows of one tap in L1 for 64
  // channels and filters (7-8% faster than 128 on conv a and c; 32 and 256 are slower).
  constexpr int64_t kRows = 64;
  const int nthreads = get_num_threads();
  const double flops = 2.0 * double(M) * double(kvol * Cg * Fg);
  const int64_t parts = flops < 4e6 ? 1 : std::min<int64_t>(int64_t(nthreads) * 2, (M + kRows - 1) / kRows);
  const size_t wsize = size_t(kvol * Cg * ldp);
  float* partial = static_cast<float*>(allocate(wsize * size_t(parts) * sizeof(float), Device{}));
  std::memset(partial, 0, wsize * size_t(parts) * sizeof(float));
  float* zero = static_cast<float*>(allocate(size_t(Cg + kConvMR) * sizeof(float), Device{}));
  std::memset(zero, 0, size_t(Cg + kConvMR) * sizeof(float));
  const bool pad_dy = Fg % kConvNR != 0;

  const Taps taps(g);
  const int64_t image = g.in_spatial() * g.C;
  parallel_for_dynamic(0, parts, 1, [&](int64_t p0, int64_t p1) {
    const float** tapp = new const float*[size_t(kRows * kvol)];  // [k][q]
    float* dyblk = pad_dy ? new float[size_t(kRows * ldp)] : nullptr;
    alignas(64) float tmp[kConvMR * kConvNR];
    for (int64_t part = p0; part < p1; ++part) {
      float* acc = partial + size_t(part) * wsize;
      const int64_t kb = M * part / parts, ke = M * (part + 1) / parts;
      for (int64_t k0 = kb; k0 < ke; k0 += kRows) {
        const int64_t nk = std::min(kRows, ke - k0);
        const float* dyp = dy + k0 * g.F + grp * Fg;
        if (pad_dy) dyp = padded_dy_rows(dyp, nk, g.F, Fg, ldp, dyblk);
        const int64_t ldy = pad_dy ? ldp : g.F;
        OutPos pos(g, k0);
        for (int64_t k = 0; k < nk; ++k, pos.next()) {
          const float* xn = x + pos.n * image + grp * Cg;
          if (taps.interior(pos.o)) {  // window start plus each tap's offset
            const float* start = xn + window_offset(g, pos.o);
            for (int64_t q = 0; q < kvol; ++q) tapp[k * kvol + q] = start + taps.off[q];
          } else {
            tap_pointers(g, taps, xn, pos.o, zero, tapp + k * kvol, 1);
          }
        }
        for (int64_t q = 0; q < kvol; ++q) {
          const float* const* xq = tapp + q;  // position k's pointer at xq[k * kvol]
          for (int64_t ct = 0; ct < ctiles; ++ct) {
            const int64_t c0 = ct * mr;
            const bool edge = c0 + mr > Cg;
            for (int64_t p = 0; p < panels; ++p) {
              float* out = acc + (q * Cg + c0) * ldp + p * kConvNR;
              if (!edge) {
#if defined(__AVX512F__)
                if (mr == 8) {
                  dw_tile8(xq, kvol, nk, c0, dyp + p * kConvNR, ldy, out, ldp);
                  continue;
                }
#endif
                dw_tile(xq, kvol, nk, c0, dyp + p * kConvNR, ldy, out, ldp);
                continue;
              }
              // Last partial channel tile: the full tile ending at Cg into scratch, keeping
              // only the channels no earlier tile covered.
              const int64_t start = Cg - kConvMR;
              std::memset(tmp, 0, sizeof(tmp));
              dw_tile(xq, kvol, nk, start, dyp + p * kConvNR, ldy, tmp, kConvNR);
              for (int64_t c = c0; c < Cg; ++c) {
                float* o = acc + (q * Cg + c) * ldp + p * kConvNR;
                const float* t = tmp + (c - start) * kConvNR;
                for (int64_t j = 0; j < kConvNR; ++j) o[j] += t[j];
              }
            }
          }
        }
      }
    }
    delete[] tapp;
    delete[] dyblk;
  });
  sum_partial_filters(g, partial, parts, wsize, kvol * Cg, ldp, grp, dw);
  deallocate(zero, size_t(Cg + kConvMR) * sizeof(float), Device{});
  deallocate(partial, wsize * size_t(parts) * sizeof(float), Device{});
}

void conv_filter_f32(const ConvGeometry& g, const float* x, const float* dy, float* dw) {
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G;
  for (int64_t grp = 0; grp < g.G; ++grp) {
    if (is_pointwise(g)) {
      // A(i = c, k = row) = x[row, c]
      GemmArgs<float> a{Cg, Fg, g.N * g.out_spatial(),
                        x + grp * Cg, 1, g.C,
                        dy + grp * Fg, g.F, 1,
                        dw + grp * Fg, g.F};
      sgemm(a);
    } else {
      conv_filter_group(g, x, dy, dw, grp);
    }
  }
}

void conv_input_f32(const ConvGeometry& g, const float* dy, const float* w, float* dx) {
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G, kvol = g.kvol();
  const bool unit_stride = g.stride[0] == 1 && g.stride[1] == 1 && g.stride[2] == 1;
  if (is_pointwise(g)) {
    // dx = dy @ w^T per group: a plain GEMM reading w transposed in place.
    for (int64_t grp = 0; grp < g.G; ++grp) {
      // B(k = f, j = c) = w[c * F + grp * Fg + f]
      GemmArgs<float> a{g.N * g.in_spatial(), Cg, Fg,
                        dy + grp * Fg, g.F, 1,
                        w + grp * Fg, 1, g.F,
                        dx + grp * Cg, g.C};
      sgemm(a);
    }
    return;
  }
  // With few input channels per group (a first layer's Cg = 1 or 3), the flipped convolution
  // below would fill a 32-wide filter panel with Cg useful columns (1/32 of its multiplies for
  // conv b); dy @ w^T then a scatter of the patches (the strided path) does no wasted work.
  if (unit_stride && Cg >= 8) {
    // dx = conv(dy, w') with w'[q', f, c] = w[kvol-1-q', c, f] (flipped, transposed), padding
    // (k-1)*dil - pad. In the transposed geometry the groups swap roles: w' is laid out as
    // [kvol][Fg][C] with the output channels (x's channels) of group grp at [grp*Cg, grp*Cg+Cg).
    const size_t wbytes = size_t(kvol * Fg * g.C) * sizeof(float);
    float* wt = static_cast<float*>(allocate(wbytes, Device{}));
    for (int64_t q = 0; q < kvol; ++q) {
      for (int64_t grp = 0; grp < g.G; ++grp) {
        for (int64_t fi = 0; fi < Fg; ++fi) {
          for (int64_t c = 0; c < Cg; ++c) {
            wt[((kvol - 1 - q) * Fg + fi) * g.C + grp * Cg + c] = w[(q * Cg + c) * g.F + grp * Fg + fi];
          }
        }
      }
    }
    ConvGeometry t = g;
    t.C = g.F;
    t.F = g.C;
    for (int d = 0; d < 3; ++d) {
      t.in[d] = g.out[d];
      t.out[d] = g.in[d];
      t.pad[d] = (g.k[d] - 1) * g.dil[d] - g.pad[d];
    }
    for (int64_t grp = 0; grp < g.G; ++grp) conv_forward_group(t, dy, wt, dx, grp);
    deallocate(wt, wbytes, Device{});
    return;
  }
  // Strided (or few channels): dcols = dy @ w^T per chunk of images, then scatter-add the patches
  // into dx.
  std::memset(dx, 0, size_t(g.N * g.in_spatial() * g.C) * sizeof(float));
  const int64_t cols = kvol * Cg, rows_per_image = g.out_spatial();
  const int64_t images_per_chunk = std::max<int64_t>(1, (int64_t(1) << 22) / std::max<int64_t>(1, rows_per_image * cols));
  const size_t buf_floats = size_t(std::min(images_per_chunk, g.N) * rows_per_image * cols);
  float* dcols = static_cast<float*>(allocate(buf_floats * sizeof(float), Device{}));
  // w^T of one group, row-major [Fg][kvol * Cg]: the GEMM reads B by rows (its narrow kernel when
  // kvol * Cg is small) instead of packing a transposed B.
  std::vector<float> wt(static_cast<size_t>(Fg * cols));
  const Taps taps(g);
  for (int64_t grp = 0; grp < g.G; ++grp) {
    for (int64_t f = 0; f < Fg; ++f) {
      for (int64_t j = 0; j < cols; ++j) wt[size_t(f * cols + j)] = w[j * g.F + grp * Fg + f];
    }
    for (int64_t n0 = 0; n0 < g.N; n0 += images_per_chunk) {
      const int64_t nimg = std::min(images_per_chunk, g.N - n0);
      // B(k = f, j = (q, c)) = wt[f][q*Cg + c] = w[(q*Cg + c) * F + grp*Fg + f]
      GemmArgs<float> a{nimg * rows_per_image, cols, Fg,
                        dy + n0 * rows_per_image * g.F + grp * Fg, g.F, 1,
                        wt.data(), cols, 1,
                        dcols, cols};
      sgemm(a);
      parallel_for(0, nimg, 1, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) {
          for (int64_t rr = 0; rr < rows_per_image; ++rr) {
            int64_t o[3];
            const int64_t row = (n0 + i) * rows_per_image + rr;
            const int64_t nbase = decode_row(g, row, o);
            const float* src = dcols + (i * rows_per_image + rr) * cols;
            if (taps.interior(o)) {  // window start plus each tap's offset, no bounds tests
              float* start = dx + nbase + window_offset(g, o) + grp * Cg;
              for (int64_t q = 0; q < kvol; ++q) {
                float* d = start + taps.off[q];
                const float* s = src + q * Cg;
                for (int64_t c = 0; c < Cg; ++c) d[c] += s[c];
              }
              continue;
            }
            for (int64_t q = 0; q < kvol; ++q) {
              const int64_t off = patch_offset(g, o, q);
              if (off < 0) continue;
              float* d = dx + nbase + off + grp * Cg;
              const float* s = src + q * Cg;
              for (int64_t c = 0; c < Cg; ++c) d[c] += s[c];
            }
          }
        }
      });
    }
  }
  deallocate(dcols, buf_floats * sizeof(float), Device{});
}

// ---- float64: direct loops ------------------------------------------------------------------
template <class F>
void for_each_tap(const ConvGeometry& g, F&& f) {
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

void conv_forward_f64(const ConvGeometry& g, const double* x, const double* w, double* y) {
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G, OS = g.out_spatial(), IS = g.in_spatial();
  std::memset(y, 0, size_t(g.N * OS * g.F) * sizeof(double));
  for_each_tap(g, [&](int64_t n, int64_t os, int64_t is, int64_t q) {
    double* yo = y + (n * OS + os) * g.F;
    const double* xi = x + (n * IS + is) * g.C;
    for (int64_t f = 0; f < g.F; ++f) {
      const int64_t grp = f / Fg;
      double acc = 0;
      for (int64_t c = 0; c < Cg; ++c) acc += xi[grp * Cg + c] * w[(q * Cg + c) * g.F + f];
      yo[f] += acc;
    }
  });
}

void conv_input_f64(const ConvGeometry& g, const double* dy, const double* w, double* dx) {
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G, OS = g.out_spatial(), IS = g.in_spatial();
  std::memset(dx, 0, size_t(g.N * IS * g.C) * sizeof(double));
  for_each_tap(g, [&](int64_t n, int64_t os, int64_t is, int64_t q) {
    const double* go = dy + (n * OS + os) * g.F;
    double* xi = dx + (n * IS + is) * g.C;
    for (int64_t f = 0; f < g.F; ++f) {
      const int64_t grp = f / Fg;
      for (int64_t c = 0; c < Cg; ++c) xi[grp * Cg + c] += go[f] * w[(q * Cg + c) * g.F + f];
    }
  });
}

void conv_filter_f64(const ConvGeometry& g, const double* x, const double* dy, double* dw) {
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G, OS = g.out_spatial(), IS = g.in_spatial();
  std::memset(dw, 0, size_t(g.kvol() * Cg * g.F) * sizeof(double));
  for_each_tap(g, [&](int64_t n, int64_t os, int64_t is, int64_t q) {
    const double* go = dy + (n * OS + os) * g.F;
    const double* xi = x + (n * IS + is) * g.C;
    for (int64_t f = 0; f < g.F; ++f) {
      const int64_t grp = f / Fg;
      for (int64_t c = 0; c < Cg; ++c) dw[(q * Cg + c) * g.F + f] += xi[grp * Cg + c] * go[f];
    }
  });
}

void conv_kernel(const ConvGeometry& g, const void* x, const void* w, void* y, DType dt) {
  if (dt == DType::float64) {
    conv_forward_f64(g, static_cast<const double*>(x), static_cast<const double*>(w), static_cast<double*>(y));
  } else {
    conv_forward_f32(g, static_cast<const float*>(x), static_cast<const float*>(w), static_cast<float*>(y));
  }
}

void conv_input_kernel(const ConvGeometry& g, const void* dy, const void* w, void* dx, DType dt) {
  if (dt == DType::float64) {
    conv_input_f64(g, static_cast<const double*>(dy), static_cast<const double*>(w), static_cast<double*>(dx));
  } else {
    conv_input_f32(g, static_cast<const float*>(dy), static_cast<const float*>(w), static_cast<float*>(dx));
  }
}

void conv_filter_kernel(const ConvGeometry& g, const void* x, const void* dy, void* dw, DType dt) {
  if (dt == DType::float64) {
    conv_filter_f64(g, static_cast<const double*>(x), static_cast<const double*>(dy), static_cast<double*>(dw));
  } else {
    conv_filter_f32(g, static_cast<const float*>(x), static_cast<const float*>(dy), static_cast<float*>(dw));
  }
}

void conv_bias_act_kernel(const ConvGeometry& g, const void* x, const void* w, const void* bias,
                          FusedActivation activation, void* y, DType dt) {
  const bool relu = activation == FusedActivation::Relu;
  if (dt == DType::float64) {
    auto* out = static_cast<double*>(y);
    const auto* b = static_cast<const double*>(bias);
    conv_forward_f64(g, static_cast<const double*>(x), static_cast<const double*>(w), out);
    const int64_t rows = g.N * g.out_spatial();
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t f = 0; f < g.F; ++f) {
        double v = out[r * g.F + f] + (b ? b[f] : 0.0);
        out[r * g.F + f] = relu && !(v > 0.0) ? 0.0 : v;
      }
    }
  } else {
    conv_forward_f32(g, static_cast<const float*>(x), static_cast<const float*>(w), static_cast<float*>(y),
                     static_cast<const float*>(bias), relu);
  }
}

KN_REGISTER_CPU_KERNEL(conv, conv_kernel);
KN_REGISTER_CPU_KERNEL(conv_bias_act, conv_bias_act_kernel);
KN_REGISTER_CPU_KERNEL(conv_backprop_input, conv_input_kernel);
KN_REGISTER_CPU_KERNEL(conv_backprop_filter, conv_filter_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
