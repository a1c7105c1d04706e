// CPU kernel of conv_backprop_filter, the kernel gradient of conv (compiled once per ISA level):
// dw [K..., Cg, F] = im2col(x)^T @ dy, a GEMM whose K axis is every output position of the batch.
//
// float32, per group: a 1x1, stride-1, unpadded convolution is one GEMM; otherwise the output
// positions are split among tasks that each accumulate a private copy of dw with the register
// tiles of conv_tiles.h (dw_tile, and dw_tile_rows for the first layers' one to three channels),
// and the copies are summed in a fixed order (results do not depend on scheduling). float64 uses
// direct loops (for gradient checks).
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/allocator.h"
#include "core/parallel.h"
#include "cpu/gemm.h"
#include "ops/conv/conv.h"
#include "ops/conv/conv_cpu.h"
#include "ops/conv/conv_tiles.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

// The filter gradients' shared pieces. A block of `rows` rows of dy (leading dimension F, the
// group's Fg columns) copied with zero columns up to ldp, so that every tile reads whole panels.
const float* padded_dy_rows(const float* dyp, int64_t rows, int64_t F, int64_t Fg, int64_t ldp,
                            float* buf) {
  for (int64_t k = 0; k < rows; ++k) {
    for (int64_t j = 0; j < ldp; ++j) buf[k * ldp + j] = j < Fg ? dyp[k * F + j] : 0.0f;
  }
  return buf;
}

// dw rows [0, rows) of group grp = the sum of the tasks' partial buffers ([rows][ldp] each), in a
// fixed order: the result does not depend on scheduling.
void sum_partial_filters(const ConvGeometry& g, const float* partial, int64_t parts, size_t wsize,
                         int64_t rows, int64_t ldp, int64_t grp, float* dw) {
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
void conv_filter_group_few_channels(const ConvGeometry& geometry, const float* x, const float* dy,
                                    float* dw, int64_t grp) {
  const ConvGeometry g = right_aligned(geometry);
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G, kvol = g.kvol();
  const int64_t grows = kvol * Cg, gtiles = (grows + kConvMR - 1) / kConvMR,
                prow = gtiles * kConvMR;
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
        const int64_t o1 = row % g.out[1], o0 = (row / g.out[1]) % g.out[0],
                      n = row / (g.out[1] * g.out[0]);
        const float* dyp = dy + row * O2 * g.F + grp * Fg;
        if (pad_dy) dyp = padded_dy_rows(dyp, O2, g.F, Fg, ldp, dyblk);
        const int64_t ldy = pad_dy ? ldp : g.F;
        const int64_t b0 = o0 * g.stride[0] - g.pad[0], b1 = o1 * g.stride[1] - g.pad[1];
        // Start of tile row R's input row, or null where the row is all padding / past the end.
        auto row_start = [&](int64_t R) -> const float* {
          const int64_t q = rtap[size_t(R)];
          if (q < 0) return nullptr;
          const int64_t i0 = b0 + taps.d[3 * q], i1 = b1 + taps.d[3 * q + 1];
          if (uint64_t(i0) >= uint64_t(g.in[0]) || uint64_t(i1) >= uint64_t(g.in[1]))
            return nullptr;
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
            if (hi > lo)
              dw_tile_rows(base, step, hi - lo, dyp + lo * ldy + p * kConvNR, ldy,
                           out + p * kConvNR, ldp);
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
void conv_filter_group(const ConvGeometry& g, const float* x, const float* dy, float* dw,
                       int64_t grp) {
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
  const int64_t parts =
      flops < 4e6 ? 1 : std::min<int64_t>(int64_t(nthreads) * 2, (M + kRows - 1) / kRows);
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
      // clang-format off: one row per matrix (dims; A, strides; B, strides; C)
      GemmArgs<float> a{Cg, Fg, g.N * g.out_spatial(),
                        x + grp * Cg, 1, g.C,
                        dy + grp * Fg, g.F, 1,
                        dw + grp * Fg, g.F};
      // clang-format on
      sgemm(a);
    } else {
      conv_filter_group(g, x, dy, dw, grp);
    }
  }
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

void conv_filter_kernel(const ConvGeometry& g, const void* x, const void* dy, void* dw, DType dt) {
  if (dt == DType::float64) {
    conv_filter_f64(g, static_cast<const double*>(x), static_cast<const double*>(dy),
                    static_cast<double*>(dw));
  } else {
    conv_filter_f32(g, static_cast<const float*>(x), static_cast<const float*>(dy),
                    static_cast<float*>(dw));
  }
}

KN_REGISTER_CPU_KERNEL(conv_backprop_filter, conv_filter_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
