// CPU kernel of pad (compiled once per ISA level). Each output row (all axes but the last) maps
// to one input row, or to the fill value in constant mode; within a row, the interior is a
// memcpy and the borders are mapped element by element.
#include <cstring>

#include "core/parallel.h"
#include "ops/op_registry.h"
#include "ops/shape/shape.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

// Source index along an axis of size n for padded position p (p - before already subtracted);
// -1 when it falls in a constant border.
inline int64_t source_index(int64_t i, int64_t n, PadMode mode) {
  if (i >= 0 && i < n) return i;
  if (mode == PadMode::Constant) return -1;
  const int64_t shift = mode == PadMode::Reflect ? 1 : 0;
  if (i < 0) return -i - 1 + shift;
  return 2 * n - i - 1 - shift;
}

template <class T>
void pad_run(const T* in, T* out, const Shape& in_shape, const Dims& pads, PadMode mode, T value) {
  const int nd = int(in_shape.size());
  if (nd == 0) {
    out[0] = in[0];
    return;
  }
  Shape out_shape(nd);
  for (int d = 0; d < nd; ++d) out_shape[d] = in_shape[d] + pads[2 * d] + pads[2 * d + 1];
  const int64_t out_w = out_shape[nd - 1], in_w = in_shape[nd - 1];
  const int64_t left = pads[2 * nd - 2];
  int64_t rows = 1;
  for (int d = 0; d < nd - 1; ++d) rows *= out_shape[d];
  Dims in_strides(nd);
  int64_t acc = 1;
  for (int d = nd - 1; d >= 0; --d) {
    in_strides[d] = acc;
    acc *= in_shape[d];
  }
  parallel_for(0, rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(out_w, 1)),
               [&](int64_t b, int64_t e) {
                 for (int64_t row = b; row < e; ++row) {
                   T* o = out + row * out_w;
                   int64_t rem = row, src = 0;
                   bool fill = false;
                   for (int d = nd - 2; d >= 0; --d) {
                     const int64_t p = rem % out_shape[d];
                     rem /= out_shape[d];
                     const int64_t s = source_index(p - pads[2 * d], in_shape[d], mode);
                     if (s < 0) fill = true;
                     else src += s * in_strides[d];
                   }
                   if (fill || in_w == 0) {
                     for (int64_t j = 0; j < out_w; ++j) o[j] = value;
                     continue;
                   }
                   const T* irow = in + src;
                   for (int64_t j = 0; j < left; ++j) {
                     const int64_t s = source_index(j - left, in_w, mode);
                     o[j] = s < 0 ? value : irow[s];
                   }
                   std::memcpy(o + left, irow, size_t(in_w) * sizeof(T));
                   for (int64_t j = left + in_w; j < out_w; ++j) {
                     const int64_t s = source_index(j - left, in_w, mode);
                     o[j] = s < 0 ? value : irow[s];
                   }
                 }
               });
}

void pad_kernel(const void* in, void* out, const Shape& in_shape, const Dims& pads, PadMode mode,
                double value, DType dtype) {
  switch (dtype) {
    case DType::float32:
      pad_run(static_cast<const float*>(in), static_cast<float*>(out), in_shape, pads, mode,
              float(value));
      break;
    case DType::float64:
      pad_run(static_cast<const double*>(in), static_cast<double*>(out), in_shape, pads, mode,
              value);
      break;
    case DType::int32:
      pad_run(static_cast<const int32_t*>(in), static_cast<int32_t*>(out), in_shape, pads, mode,
              int32_t(value));
      break;
    case DType::int64:
      pad_run(static_cast<const int64_t*>(in), static_cast<int64_t*>(out), in_shape, pads, mode,
              int64_t(value));
      break;
    case DType::uint8:
      pad_run(static_cast<const uint8_t*>(in), static_cast<uint8_t*>(out), in_shape, pads, mode,
              uint8_t(value));
      break;
    case DType::bool_:
      pad_run(static_cast<const uint8_t*>(in), static_cast<uint8_t*>(out), in_shape, pads, mode,
              uint8_t(value != 0));
      break;
  }
}

KN_REGISTER_CPU_KERNEL(pad, pad_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
