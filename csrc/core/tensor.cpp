// Tensor construction and views.
#include "core/tensor.h"

#include <atomic>
#include <cstdint>

#include "core/allocator.h"
#include "core/errors.h"

namespace kn {

uint64_t next_tensor_id() {
  static std::atomic<uint64_t> counter{1};
  return counter.fetch_add(1, std::memory_order_relaxed);
}

int64_t shape_numel(const Shape& shape) {
  for (int64_t d : shape) {
    if (d == 0) return 0;
  }
  int64_t n = 1;
  for (int64_t d : shape) {
    KN_CHECK(d < 0 || n <= INT64_MAX / d, "Shape ", shape,
             " has too many elements (more than 2^63)");
    n *= d;
  }
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
  KN_CHECK(impl->numel <= INT64_MAX / int64_t(dtype_size(dtype)), "Shape ", shape, " of ",
           dtype_name(dtype), " is too large to allocate (", impl->numel, " elements)");
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
  double v = 0;
  if (!device().is_cpu()) {  // copy the element to the host first
    alignas(8) unsigned char buf[8];
    copy_bytes(buf, Device{}, raw_data(), device(), itemsize());
    KN_DISPATCH_ALL(dtype(), "item",
                    v = static_cast<double>(*reinterpret_cast<const scalar_t*>(buf)));
    return v;
  }
  KN_DISPATCH_ALL(dtype(), "item", v = static_cast<double>(*data<scalar_t>()));
  return v;
}

}  // namespace kn
