// Tensor construction and views.
#include "core/tensor.h"

#include <atomic>

#include "core/errors.h"

namespace kn {

uint64_t next_tensor_id() {
  static std::atomic<uint64_t> counter{1};
  return counter.fetch_add(1, std::memory_order_relaxed);
}

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

Dims contiguous_strides(const Shape& shape) {
  Dims s(shape.size());
  int64_t acc = 1;
  for (int i = int(shape.size()) - 1; i >= 0; --i) {
    s[i] = acc;
    acc *= shape[i] > 0 ? shape[i] : 1;
  }
  return s;
}

bool is_contiguous_geometry(const Shape& shape, const Dims& strides) {
  int64_t expected = 1;
  for (int i = int(shape.size()) - 1; i >= 0; --i) {
    if (shape[i] == 0) return true;
    if (shape[i] != 1 && strides[i] != expected) return false;
    expected *= shape[i];
  }
  return true;
}

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  for (int64_t d : shape) KN_CHECK(d >= 0, "Negative dimension in shape ", shape);
  auto impl = std::make_shared<TensorImpl>();
  impl->numel = shape_numel(shape);
  impl->storage = std::make_shared<StorageImpl>(size_t(impl->numel) * dtype_size(dtype), device);
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  impl->id = next_tensor_id();
  impl->contiguous = true;
  return Tensor(std::move(impl));
}

Tensor Tensor::from_storage(Storage storage, const Shape& shape, const Dims& strides,
                            int64_t offset, DType dtype) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::move(storage);
  impl->shape = shape;
  impl->strides = strides;
  impl->offset = offset;
  impl->numel = shape_numel(shape);
  impl->dtype = dtype;
  impl->id = next_tensor_id();
  impl->contiguous = is_contiguous_geometry(shape, strides);
  return Tensor(std::move(impl));
}

Tensor Tensor::view(const Shape& shape, const Dims& strides, int64_t offset) const {
  return from_storage(impl_->storage, shape, strides, offset, impl_->dtype);
}

double Tensor::item() const {
  KN_CHECK(numel() == 1, "item(): expected a tensor with one element, got shape ", shape());
  KN_CHECK_RUNTIME(device().is_cpu(), "item(): tensor is on ", device().str(), ", copy it to cpu");
  double v = 0;
  KN_DISPATCH_ALL(dtype(), "item", v = static_cast<double>(*data<scalar_t>()));
  return v;
}

}  // namespace kn
