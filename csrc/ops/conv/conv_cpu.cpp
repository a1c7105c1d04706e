// CPU kernels of conv and conv_bias_act (compiled once per ISA level); the gradients' kernels are
// in conv_backprop_input_cpu.cpp and conv_backprop_filter_cpu.cpp, the shared pieces in conv_cpu.h.
//
// float32 runs as an indirect GEMM: y[rows, Fg] = im2col(x)[rows, kvol*Cg] @ w[kvol*Cg, Fg] per
// group, the rows of im2col(x) read through per-position pointers (conv_tiles.h), never
// materialised; conv_bias_act adds the bias and the activation to each output tile while it is in
// L1. A 1x1, stride-1, unpadded convolution is a plain GEMM reading x as its A matrix, with the
// bias and activation in the GEMM's epilogue. float64 uses direct loops (it exists for gradient
// checks, not for speed).
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/allocator.h"
#include "core/parallel.h"
#include "cpu/gemm.h"
#include "cpu/vec/vec.h"
#include "ops/conv/conv.h"
#include "ops/conv/conv_cpu.h"
#include "ops/conv/conv_tiles.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

// Fills rows[q * MR + r] with the address of the input channels (from channel `cbase`) that
// output position row0 + r reads under kernel tap q, or `zero` in the padding / past the end.
void fill_row_pointers(const ConvGeometry& g, const Taps& taps, const float* x, int64_t cbase,
                       int64_t row0, int mr_valid, const float* zero, const float** rows) {
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

}  // namespace

// Forward convolution of one group as an indirect GEMM: tiles of MR output positions x NR filters
// (then bias[F] and ReLU per tile, for conv_bias_act).
//
// Note [Few-channel rows]
// With one to three input channels, conv_tile spends more loads on its per-position row pointers
// than on data (12 pointers for 12 x Cg broadcasts per tap). Positions next to each other in an
// output row read windows STEP floats apart, so conv_tile_row addresses them from one pointer per
// (tap, channel) pair; the tiles are laid along output rows so that most are such runs.
void conv_forward_group(const ConvGeometry& g, const float* x, const float* w, float* y,
                        int64_t grp, const float* bias, bool relu) {
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
  const bool row_tiles =
      kHasConvTileRow && Cg < 4 && (step == 1 || step == 2 || step == 3 || step == 4 || step == 6);
  const int64_t tiles_per_row = (inner + kConvMR - 1) / kConvMR;
  const int64_t tiles =
      row_tiles ? M / std::max<int64_t>(inner, 1) * tiles_per_row : (M + kConvMR - 1) / kConvMR;
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
          const float* xs =
              x + first.n * g.in_spatial() * g.C + grp * Cg + window_offset(g, first.o);
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
              for (int r = 0; r < kConvMR; ++r)
                std::memcpy(out + r * g.F, edge + r * kConvNR, size_t(nr) * sizeof(float));
            }
            if (bias || relu)
              tile_epilogue(out, g.F, kConvMR, nr, bias ? bias + grp * Fg + p * kConvNR : nullptr,
                            relu);
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
          for (int r = 0; r < mr; ++r)
            std::memcpy(out + r * g.F, edge + r * kConvNR, size_t(nr) * sizeof(float));
        }
        if (bias || relu)
          tile_epilogue(out, g.F, mr, nr, bias ? bias + grp * Fg + p * kConvNR : nullptr, relu);
      }
    }
    delete[] rows;
  });
  deallocate(zero, size_t(Cg) * sizeof(float), Device{});
  deallocate(wp, size_t(panels * kvol * Cg * kConvNR) * sizeof(float), Device{});
}

namespace {

void conv_forward_f32(const ConvGeometry& g, const float* x, const float* w, float* y,
                      const float* bias = nullptr, bool relu = false) {
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G;
  for (int64_t grp = 0; grp < g.G; ++grp) {
    if (is_pointwise(g)) {
      // clang-format off: one row per matrix (dims; A, strides; B, strides; C)
      GemmArgs<float> a{g.N * g.out_spatial(), Fg, Cg,
                        x + grp * Cg, g.C, 1,
                        w + grp * Fg, g.F, 1,
                        y + grp * Fg, g.F};
      // clang-format on
      a.bias = bias ? bias + grp * Fg : nullptr;
      a.activation = relu ? FusedActivation::Relu : FusedActivation::Linear;
      sgemm(a);
    } else {
      conv_forward_group(g, x, w, y, grp, bias, relu);
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

void conv_kernel(const ConvGeometry& g, const void* x, const void* w, void* y, DType dt) {
  if (dt == DType::float64) {
    conv_forward_f64(g, static_cast<const double*>(x), static_cast<const double*>(w),
                     static_cast<double*>(y));
  } else {
    conv_forward_f32(g, static_cast<const float*>(x), static_cast<const float*>(w),
                     static_cast<float*>(y));
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
    conv_forward_f32(g, static_cast<const float*>(x), static_cast<const float*>(w),
                     static_cast<float*>(y), static_cast<const float*>(bias), relu);
  }
}

KN_REGISTER_CPU_KERNEL(conv, conv_kernel);
KN_REGISTER_CPU_KERNEL(conv_bias_act, conv_bias_act_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
