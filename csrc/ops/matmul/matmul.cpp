// matmul: checks, batch broadcasting, dispatch and the gradient rule
//   dA = g @ B^T, dB = A^T @ g (the engine sums broadcast batch axes back).
#include <algorithm>
#include <vector>

#include "core/errors.h"
#include "ops/dispatch.h"
#include "ops/elementwise/elementwise.h"
#include "ops/matmul/matmul.h"
#include "ops/record.h"
#include "ops/shape/shape.h"

namespace kn {
namespace ops {
namespace {

TensorList matmul_backward(const Node& n, const GradContext& ctx) {
  const Tensor& g = ctx.grad();
  return {ctx.needs(0) ? matmul(g, matrix_transpose(n.saved_tensor(1))) : Tensor(),
          ctx.needs(1) ? matmul(matrix_transpose(n.saved_tensor(0)), g) : Tensor()};
}

// Element offsets of each batch matrix of x for the broadcast batch shape.
std::vector<int64_t> batch_offsets(const Tensor& x, const Shape& batch) {
  const int bd = int(batch.size()), xd = x.ndim() - 2;
  int64_t total = shape_numel(batch);
  std::vector<int64_t> off(size_t(total), 0);
  for (int64_t b = 0; b < total; ++b) {
    int64_t rem = b, o = 0;
    for (int d = bd - 1; d >= 0; --d) {
      const int64_t i = rem % batch[d];
      rem /= batch[d];
      const int xi = d - (bd - xd);
      if (xi >= 0 && x.shape()[xi] != 1) o += i * x.strides()[xi];
    }
    off[size_t(b)] = o;
  }
  return off;
}

Tensor matmul_nd(const Tensor& a, const Tensor& b) {
  const Device dev = common_device(OpId::matmul, {&a, &b});
  const int64_t M = a.dim(-2), K = a.dim(-1), K2 = b.dim(-2), N = b.dim(-1);
  KN_CHECK(K == K2, "matmul: incompatible shapes ", a.shape(), " and ", b.shape(),
           ": the last axis of the first (", K,
           ") must equal the second-to-last axis of the second (", K2, ")");
  Shape ab(a.shape().begin(), size_t(a.ndim() - 2)), bb(b.shape().begin(), size_t(b.ndim() - 2));
  for (size_t i = 1; i <= std::min(ab.size(), bb.size()); ++i) {
    const int64_t da = ab[ab.size() - i], db = bb[bb.size() - i];
    KN_CHECK(da == db || da == 1 || db == 1, "matmul: the batch axes of shapes ", a.shape(),
             " and ", b.shape(), " do not broadcast");
  }
  const Shape batch = broadcast_shapes(ab, bb, "matmul");
  Shape out_shape = batch;
  out_shape.push_back(M);
  out_shape.push_back(N);
  Tensor out = Tensor::empty(out_shape, a.dtype(), dev);
  if (out.numel() > 0) {
    const std::vector<int64_t> ao = batch_offsets(a, batch), bo = batch_offsets(b, batch);
    // clang-format off: one row per matrix (dims; A, strides; B, strides; C)
    MatmulArgs args{shape_numel(batch), M, N, K,
                    a.raw_data(), ao.data(), a.strides()[a.ndim() - 2], a.strides()[a.ndim() - 1],
                    b.raw_data(), bo.data(), b.strides()[b.ndim() - 2], b.strides()[b.ndim() - 1],
                    out.raw_data(), a.dtype()};
    // clang-format on
    run_kernel<MatmulKernelFn>(OpId::matmul, dev, args);
  }
  if (autograd::any_tape_recording() && is_floating(a.dtype())) {
    autograd::record(OpId::matmul, {a, b}, {out}, {a, b});
  }
  return out;
}

}  // namespace

Tensor matrix_transpose(const Tensor& x) {
  KN_CHECK(x.ndim() >= 2, "matrix_transpose: expected a tensor of rank >= 2, got shape ",
           x.shape());
  Dims perm;
  for (int i = 0; i < x.ndim(); ++i) perm.push_back(i);
  std::swap(perm[x.ndim() - 1], perm[x.ndim() - 2]);
  return transpose(x, perm);
}

Tensor matmul(const Tensor& a_in, const Tensor& b_in) {
  KN_CHECK(a_in.ndim() >= 1 && b_in.ndim() >= 1,
           "matmul: operands must have rank >= 1, got shapes ", a_in.shape(), " and ",
           b_in.shape());
  DType dtype = promote_types(a_in.dtype(), b_in.dtype());
  if (dtype == DType::bool_ || dtype == DType::uint8) dtype = DType::int32;
  Tensor a = cast(a_in, dtype), b = cast(b_in, dtype);
  const bool a_vec = a.ndim() == 1, b_vec = b.ndim() == 1;
  if (a_vec) a = reshape(a, Shape{1, a.dim(0)});
  if (b_vec) b = reshape(b, Shape{b.dim(0), 1});
  Tensor out = matmul_nd(a, b);
  if (a_vec || b_vec) {
    Shape s(out.shape().begin(), size_t(out.ndim() - 2));
    if (!a_vec) s.push_back(out.dim(-2));
    if (!b_vec) s.push_back(out.dim(-1));
    out = reshape(out, s);
  }
  return out;
}

}  // namespace ops

KN_REGISTER_GRAD(matmul, ops::matmul_backward);

}  // namespace kn
