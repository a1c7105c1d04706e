// Storage lifetime: allocator-owned or borrowed memory.
#include "core/storage.h"

#include "core/allocator.h"

namespace kn {

StorageImpl::StorageImpl(size_t nbytes, Device device)
    : data_(allocate(nbytes, device)), nbytes_(nbytes), device_(device) {}

StorageImpl::StorageImpl(void* data, size_t nbytes, Device device, void (*release)(void*),
                         void* ctx)
    : data_(data), nbytes_(nbytes), device_(device), release_(release), ctx_(ctx) {}

StorageImpl::~StorageImpl() {
  if (release_) {
    release_(ctx_);
  } else {
    deallocate(data_, nbytes_, device_);
  }
}

}  // namespace kn
