// TensorIter construction: broadcasting, dropping size-1 dims, merging contiguous dims.
#include "core/tensor_iter.h"

#include "core/errors.h"

namespace kn {

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const size_t n = a.size() > b.size() ? a.size() : b.size();
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    const int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    KN_CHECK(da == db || da == 1 || db == 1, op,
             ": operands could not be broadcast together with shapes ", a, " and ", b);
    out[i] = da == 1 ? db : da;
  }
  return out;
}

TensorIter TensorIter::make(const Shape& shape, std::initializer_list<const Tensor*> operands) {
  TensorIter it;
  it.noperands = static_cast<int>(operands.size());
  it.numel = shape_numel(shape);
  const int nd = static_cast<int>(shape.size());
  KN_CHECK(nd <= kMaxDims, "Tensors of more than ", kMaxDims,
           " dimensions are not supported (shape ", shape, ")");
  int k = 0;
  for (const Tensor* t : operands) {
    it.data[k] = static_cast<char*>(t->raw_data());
    ++k;
  }
  // Gather dims innermost first, skipping size-1 dims.
  int d = 0;
  for (int i = nd - 1; i >= 0; --i) {
    if (shape[i] == 1) continue;
    it.shape[d] = shape[i];
    k = 0;
    for (const Tensor* t : operands) {
      const int ti = i - (nd - t->ndim());  // the operand's own axis for output axis i
      const int64_t st = (ti < 0 || t->shape()[ti] == 1) ? 0 : t->strides()[ti];
      it.strides[d][k] = st * int64_t(t->itemsize());
      ++k;
    }
    ++d;
  }
  // Merge dim j+1 into dim j when, for every operand, stepping dim j+1 once equals stepping
  // dim j shape[j] times.
  int out = 0;
  for (int j = 0; j < d; ++j) {
    if (out > 0) {
      bool mergeable = true;
      for (k = 0; k < it.noperands; ++k) {
        if (it.strides[j][k] != it.strides[out - 1][k] * it.shape[out - 1]) mergeable = false;
      }
      if (mergeable) {
        it.shape[out - 1] *= it.shape[j];
        continue;
      }
    }
    it.shape[out] = it.shape[j];
    for (k = 0; k < it.noperands; ++k) it.strides[out][k] = it.strides[j][k];
    ++out;
  }
  it.ndim = out;
  return it;
}

}  // namespace kn
