// Tensor: a handle (shared pointer) to TensorImpl = storage + shape + strides + offset + dtype.
// Strides and offset are in elements and may be zero (broadcast) or negative (flip). Views share
// storage; kernels that need dense memory ask for `contiguous()` and get a copy only if needed.
//
// Every TensorImpl has a unique id: the autograd tape records ids, so two handles to the same
// impl are the same tensor to the tape. A Variable is a tensor with kVariable set; its storage
// is updated in place by assign (which bumps the version counter).
//
// Not here: the ops (csrc/ops), autograd (csrc/autograd).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/device.h"
#include "core/dims.h"
#include "core/dtype.h"
#include "core/storage.h"

namespace kn {

using Shape = Dims;

enum TensorFlags : uint8_t { kVariable = 1, kTrainable = 2 };

struct TensorImpl {
  Storage storage;
  Shape shape;
  Dims strides;
  int64_t offset = 0;
  int64_t numel = 1;
  uint64_t id = 0;
  uint64_t tape_tag = 0;  // uid of the first tape that tracks this tensor (autograd fast path)
  DType dtype = DType::float32;
  uint8_t flags = 0;
  bool contiguous = true;
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // A new dense tensor with uninitialised contents.
  static Tensor empty(const Shape& shape, DType dtype, Device device = Device{});
  // A view of `storage` with the given geometry (no copy, a new id).
  static Tensor from_storage(Storage storage, const Shape& shape, const Dims& strides,
                             int64_t offset, DType dtype);

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl_->shape; }
  const Dims& strides() const { return impl_->strides; }
  int64_t offset() const { return impl_->offset; }
  int ndim() const { return static_cast<int>(impl_->shape.size()); }
  int64_t numel() const { return impl_->numel; }
  int64_t dim(int i) const { return impl_->shape[i < 0 ? i + ndim() : i]; }
  DType dtype() const { return impl_->dtype; }
  Device device() const { return impl_->storage->device(); }
  size_t itemsize() const { return dtype_size(impl_->dtype); }
  bool is_contiguous() const { return impl_->contiguous; }
  const Storage& storage() const { return impl_->storage; }
  uint64_t id() const { return impl_->id; }
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

  uint8_t flags() const { return impl_->flags; }
  void set_flags(uint8_t f) { impl_->flags = f; }
  bool is_variable() const { return impl_->flags & kVariable; }
  uint64_t version() const { return impl_->storage->version(); }
  void bump_version() const { impl_->storage->bump_version(); }

  // Pointer to the first element (storage base + offset).
  void* raw_data() const {
    return static_cast<char*>(impl_->storage->data()) + impl_->offset * int64_t(itemsize());
  }
  template <class T>
  T* data() const {
    return static_cast<T*>(raw_data());
  }

  // A new view of the same storage (no copy; not recorded by autograd: ops wrap this).
  Tensor view(const Shape& shape, const Dims& strides, int64_t offset) const;
  // The element of a one-element tensor, converted to double (copied to the host first when the
  // tensor lives on a GPU).
  double item() const;

 private:
  std::shared_ptr<TensorImpl> impl_;
};

using TensorList = std::vector<Tensor>;

// Row-major strides of a dense tensor of this shape.
Dims contiguous_strides(const Shape& shape);
int64_t shape_numel(const Shape& shape);
bool is_contiguous_geometry(const Shape& shape, const Dims& strides);
uint64_t next_tensor_id();

}  // namespace kn
