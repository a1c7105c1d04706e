// Storage: a reference-counted block of device memory that tensors view. Memory comes from the
// caching allocator, or is borrowed from outside (a numpy array, a DLPack capsule) with a
// release callback. The version counter is shared by every view of the storage: in-place writes
// bump it, and autograd compares it to detect a saved tensor that was modified after recording.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/device.h"

namespace kn {

class StorageImpl {
 public:
  // Owns `nbytes` fresh bytes from the caching allocator of `device`.
  StorageImpl(size_t nbytes, Device device);
  // Borrows external memory; `release(ctx)` runs when the last view is gone.
  StorageImpl(void* data, size_t nbytes, Device device, void (*release)(void*), void* ctx);
  ~StorageImpl();
  StorageImpl(const StorageImpl&) = delete;
  StorageImpl& operator=(const StorageImpl&) = delete;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }
  bool is_borrowed() const { return release_ != nullptr; }
  uint64_t version() const { return version_; }
  void bump_version() { ++version_; }

 private:
  void* data_;
  size_t nbytes_;
  Device device_;
  void (*release_)(void*) = nullptr;
  void* ctx_ = nullptr;
  uint64_t version_ = 0;
};

using Storage = std::shared_ptr<StorageImpl>;

}  // namespace kn
