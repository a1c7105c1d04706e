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

#include "core/allocator.h"
#include "core/parallel.h"
#include "cpu/gemm.h"
#include "ops/conv/conv.h"
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

void conv_forward_f32(const ConvGeometry& g, const float* x, const float* w, float* y) {
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G;
  for (int64_t grp = 0; grp < g.G; ++grp) {
    PatchCtx ctx{x, g, grp};
    GemmArgs<float> a;
    a.M = g.N * g.out_spatial();
    a.N = Fg;
    a.K = g.kvol() * Cg;
    a.B = w + grp * Fg;
    a.rsb = g.F;
    a.csb = 1;
    a.C = y + grp * Fg;
    a.ldc = g.F;
    if (is_pointwise(g)) {
      a.A = x + grp * Cg;
      a.rsa = g.C;
      a.csa = 1;
    } else {
      a.pack_a = pack_patches;
      a.pack_a_ctx = &ctx;
    }
    sgemm(a);
  }
}

void conv_filter_f32(const ConvGeometry& g, const float* x, const float* dy, float* dw) {
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G;
  for (int64_t grp = 0; grp < g.G; ++grp) {
    PatchCtx ctx{x, g, grp};
    GemmArgs<float> a;
    a.M = g.kvol() * Cg;
    a.N = Fg;
    a.K = g.N * g.out_spatial();
    a.B = dy + grp * Fg;
    a.rsb = g.F;
    a.csb = 1;
    a.C = dw + grp * Fg;
    a.ldc = g.F;
    if (is_pointwise(g)) {
      a.A = x + grp * Cg;  // A(i = c, k = row) = x[row, c]
      a.rsa = 1;
      a.csa = g.C;
    } else {
      a.pack_a = pack_patches_t;
      a.pack_a_ctx = &ctx;
    }
    sgemm(a);
  }
}

void conv_input_f32(const ConvGeometry& g, const float* dy, const float* w, float* dx) {
  const int64_t Cg = g.C / g.G, Fg = g.F / g.G, kvol = g.kvol();
  const bool unit_stride = g.stride[0] == 1 && g.stride[1] == 1 && g.stride[2] == 1;
  if (unit_stride) {
    // dx = conv(dy, w') with w'[q', f, c] = w[kvol-1-q', c, f] (flipped, transposed), padding
    // (k-1)*dil - pad, one group at a time.
    const size_t wbytes = size_t(kvol * g.F * Cg) * sizeof(float);
    float* wt = static_cast<float*>(allocate(wbytes, Device{}));
    for (int64_t q = 0; q < kvol; ++q) {
      for (int64_t c = 0; c < Cg; ++c) {
        for (int64_t f = 0; f < g.F; ++f) {
          // Group of f is f / Fg; w' rows (q', f in group) x cols (c): store as [kvol][F][Cg].
          wt[((kvol - 1 - q) * g.F + f) * Cg + c] = w[(q * Cg + c) * g.F + f];
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
    for (int64_t grp = 0; grp < g.G; ++grp) {
      PatchCtx ctx{dy, t, grp};
      GemmArgs<float> a;
      a.M = g.N * g.in_spatial();
      a.N = Cg;
      a.K = kvol * Fg;
      // B(k = (q', f), j = c) = wt[(q' * F + grp*Fg + f) * Cg + c]: one panel row per (q', f).
      // Rows of a group are not evenly strided across q', so give each group its own copy.
      float* wg = static_cast<float*>(allocate(size_t(kvol * Fg * Cg) * sizeof(float), Device{}));
      for (int64_t q = 0; q < kvol; ++q) {
        std::memcpy(wg + q * Fg * Cg, wt + (q * g.F + grp * Fg) * Cg, size_t(Fg * Cg) * sizeof(float));
      }
      a.B = wg;
      a.rsb = Cg;
      a.csb = 1;
      a.C = dx + grp * Cg;
      a.ldc = g.C;
      a.pack_a = pack_patches;
      a.pack_a_ctx = &ctx;
      sgemm(a);
      deallocate(wg, size_t(kvol * Fg * Cg) * sizeof(float), Device{});
    }
    deallocate(wt, wbytes, Device{});
    return;
  }
  // Strided: dcols = dy @ w^T per chunk of images, then scatter-add the patches into dx.
  std::memset(dx, 0, size_t(g.N * g.in_spatial() * g.C) * sizeof(float));
  const int64_t cols = kvol * Cg, rows_per_image = g.out_spatial();
  const int64_t images_per_chunk = std::max<int64_t>(1, (int64_t(1) << 22) / std::max<int64_t>(1, rows_per_image * cols));
  const size_t buf_floats = size_t(std::min(images_per_chunk, g.N) * rows_per_image * cols);
  float* dcols = static_cast<float*>(allocate(buf_floats * sizeof(float), Device{}));
  for (int64_t grp = 0; grp < g.G; ++grp) {
    for (int64_t n0 = 0; n0 < g.N; n0 += images_per_chunk) {
      const int64_t nimg = std::min(images_per_chunk, g.N - n0);
      GemmArgs<float> a;
      a.M = nimg * rows_per_image;
      a.N = cols;
      a.K = Fg;
      a.A = dy + n0 * rows_per_image * g.F + grp * Fg;
      a.rsa = g.F;
      a.csa = 1;
      a.B = w + grp * Fg;  // B(k = f, j = (q, c)) = w[(q*Cg + c) * F + grp*Fg + f]
      a.rsb = 1;
      a.csb = g.F;
      a.C = dcols;
      a.ldc = cols;
      sgemm(a);
      parallel_for(0, nimg, 1, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) {
          for (int64_t rr = 0; rr < rows_per_image; ++rr) {
            int64_t o[3];
            const int64_t row = (n0 + i) * rows_per_image + rr;
            const int64_t nbase = decode_row(g, row, o);
            const float* src = dcols + (i * rows_per_image + rr) * cols;
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

KN_REGISTER_CPU_KERNEL(conv, conv_kernel);
KN_REGISTER_CPU_KERNEL(conv_backprop_input, conv_input_kernel);
KN_REGISTER_CPU_KERNEL(conv_backprop_filter, conv_filter_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
