// Caching allocators, one per device type. A training step frees and re-allocates the same
// sizes every step; keeping freed blocks in size buckets turns those into list operations
// instead of malloc/cudaMalloc calls. CPU blocks are 64-byte aligned.
//
// Not here: CUDA itself (csrc/cuda/ registers the CUDA backend through set_device_backend).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/device.h"

namespace kn {

// Raw memory of one device type (malloc/free, cudaMalloc/cudaFree) plus copies between it and
// the host. The caching layer sits on top of it.
struct DeviceBackend {
  void* (*raw_alloc)(size_t nbytes, int device_index) = nullptr;
  void (*raw_free)(void* p, int device_index) = nullptr;
  // Copies nbytes between any two of {host, this device}.
  void (*copy)(void* dst, Device dst_dev, const void* src, Device src_dev, size_t nbytes) = nullptr;
  int (*device_count)() = nullptr;
  void (*synchronize)(int device_index) = nullptr;
};

void set_device_backend(DeviceType type, const DeviceBackend& backend);
const DeviceBackend* device_backend(DeviceType type);  // nullptr when not built
// Throws RuntimeError naming the build option when `dev` is not available.
void check_device_available(Device dev);

void* allocate(size_t nbytes, Device dev);
void deallocate(void* p, size_t nbytes, Device dev);
void copy_bytes(void* dst, Device dst_dev, const void* src, Device src_dev, size_t nbytes);

struct AllocatorStats {
  int64_t allocated_bytes;  // in live blocks
  int64_t cached_bytes;     // held in free lists
  int64_t num_raw_allocs;   // calls that reached malloc / cudaMalloc
};
AllocatorStats allocator_stats(DeviceType type);
void empty_cache(DeviceType type);  // returns every cached block to the system

}  // namespace kn
