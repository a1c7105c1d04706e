// CPU kernel of conv_backprop_input, the input gradient of conv (compiled once per ISA level):
// dx [N, S..., C] from dy [N, O..., F] and w [K..., Cg, F].
//
// float32, per group:
//   1x1, stride 1, unpadded:    dx = dy @ w^T, one GEMM reading w transposed in place.
//   stride 1, Cg >= 8:          a convolution of dy with the flipped, transposed kernel
//                               (conv_forward_group on the transposed geometry).
//   otherwise:                  dcols = dy @ w^T per chunk of images, then col2im (a scatter-add
//                               of each patch into dx).
// float64 uses direct loops (for gradient checks).
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/allocator.h"
#include "core/parallel.h"
#include "cpu/gemm.h"
#include "ops/conv/conv.h"
#include "ops/conv/conv_cpu.h"
#include "ops/op_registry.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

void conv_input_f32(const ConvGeometry& g, const float* dy, const float* w, float* dx) {
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G, kvol = g.kvol();
  const bool unit_stride = g.stride[0] == 1 && g.stride[1] == 1 && g.stride[2] == 1;
  if (is_pointwise(g)) {
    // dx = dy @ w^T per group: a plain GEMM reading w transposed in place.
    for (int64_t grp = 0; grp < g.G; ++grp) {
      // B(k = f, j = c) = w[c * F + grp * Fg + f]
      // clang-format off: one row per matrix (dims; A, strides; B, strides; C)
      GemmArgs<float> a{g.N * g.in_spatial(), Cg, Fg,
                        dy + grp * Fg, g.F, 1,
                        w + grp * Fg, 1, g.F,
                        dx + grp * Cg, g.C};
      // clang-format on
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
            wt[((kvol - 1 - q) * Fg + fi) * g.C + grp * Cg + c] =
                w[(q * Cg + c) * g.F + grp * Fg + fi];
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
  const int64_t images_per_chunk =
      std::max<int64_t>(1, (int64_t(1) << 22) / std::max<int64_t>(1, rows_per_image * cols));
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
      // clang-format off: one row per matrix (dims; A, strides; B, strides; C)
      GemmArgs<float> a{nimg * rows_per_image, cols, Fg,
                        dy + n0 * rows_per_image * g.F + grp * Fg, g.F, 1,
                        wt.data(), cols, 1,
                        dcols, cols};
      // clang-format on
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

void conv_input_kernel(const ConvGeometry& g, const void* dy, const void* w, void* dx, DType dt) {
  if (dt == DType::float64) {
    conv_input_f64(g, static_cast<const double*>(dy), static_cast<const double*>(w),
                   static_cast<double*>(dx));
  } else {
    conv_input_f32(g, static_cast<const float*>(dy), static_cast<const float*>(w),
                   static_cast<float*>(dx));
  }
}

KN_REGISTER_CPU_KERNEL(conv_backprop_input, conv_input_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
