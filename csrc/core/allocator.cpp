// The size-bucketed caching allocator (see allocator.h).
//
// Note [Bucket sizes]
// Requests are rounded up to a bucket: multiples of 64 bytes up to 4 KiB, then four buckets per
// power of two (at most 25% waste). A freed block goes to its bucket's free list; a request takes
// a block of exactly its bucket. The cache is capped (kMaxCachedBytes): beyond that, frees go back
// to the system, and when the system refuses memory the cache is emptied and the request retried.
#include "core/allocator.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "core/errors.h"

namespace kn {
namespace {

constexpr size_t kAlign = 64;
constexpr int64_t kMaxCachedBytes = int64_t(1) << 31;

size_t bucket_size(size_t n) {
  if (n == 0) n = 1;
  if (n <= 4096) return (n + kAlign - 1) / kAlign * kAlign;
  size_t p = 4096;
  while (p * 2 < n) p *= 2;  // p < n <= 2p
  size_t step = p / 4;
  return (n + step - 1) / step * step;
}

void* cpu_raw_alloc(size_t nbytes, int) { return std::aligned_alloc(kAlign, nbytes); }
void cpu_raw_free(void* p, int) { std::free(p); }
void cpu_copy(void* dst, Device, const void* src, Device, size_t nbytes) {
  if (nbytes) std::memcpy(dst, src, nbytes);
}
int cpu_count() { return 1; }
void cpu_sync(int) {}

struct CachingAllocator {
  std::mutex mu;
  std::unordered_map<size_t, std::vector<void*>> free_lists[8];  // per device index (mod 8)
  int64_t allocated = 0, cached = 0, raw_allocs = 0;

  void* alloc(const DeviceBackend& be, size_t nbytes, int dev) {
    const size_t b = bucket_size(nbytes);
    {
      std::lock_guard<std::mutex> lock(mu);
      auto& fl = free_lists[dev & 7][b];
      if (!fl.empty()) {
        void* p = fl.back();
        fl.pop_back();
        cached -= b;
        allocated += b;
        return p;
      }
    }
    void* p = be.raw_alloc(b, dev);
    if (!p) {
      release_all(be);
      p = be.raw_alloc(b, dev);
    }
    if (!p) throw std::bad_alloc();
    std::lock_guard<std::mutex> lock(mu);
    allocated += b;
    ++raw_allocs;
    return p;
  }

  void free(const DeviceBackend& be, void* p, size_t nbytes, int dev) {
    const size_t b = bucket_size(nbytes);
    {
      std::lock_guard<std::mutex> lock(mu);
      allocated -= b;
      if (cached + int64_t(b) <= kMaxCachedBytes) {
        free_lists[dev & 7][b].push_back(p);
        cached += b;
        return;
      }
    }
    be.raw_free(p, dev);
  }

  void release_all(const DeviceBackend& be) {
    std::lock_guard<std::mutex> lock(mu);
    for (int d = 0; d < 8; ++d) {
      for (auto& kv : free_lists[d]) {
        for (void* p : kv.second) be.raw_free(p, d);
        kv.second.clear();
      }
    }
    cached = 0;
  }
};

struct Registry {
  DeviceBackend backends[kNumDeviceTypes];
  bool present[kNumDeviceTypes] = {true, false};
  CachingAllocator caches[kNumDeviceTypes];
  Registry() {
    backends[0] = DeviceBackend{cpu_raw_alloc, cpu_raw_free, cpu_copy, cpu_count, cpu_sync};
  }
};

// Leaked on purpose: tensors held by Python objects may be freed after static destructors ran.
Registry& registry() {
  static Registry* r = new Registry();
  return *r;
}

}  // namespace

void set_device_backend(DeviceType type, const DeviceBackend& backend) {
  registry().backends[int(type)] = backend;
  registry().present[int(type)] = true;
}

const DeviceBackend* device_backend(DeviceType type) {
  auto& r = registry();
  return r.present[int(type)] ? &r.backends[int(type)] : nullptr;
}

void check_device_available(Device dev) {
  if (dev.is_cpu()) return;
  const DeviceBackend* be = device_backend(dev.type);
  KN_CHECK_RUNTIME(be != nullptr, "Device '", dev.str(),
                   "' is not available: this kerasnet was built without CUDA (install it on a "
                   "machine with nvcc, or build with -DKERASNET_CUDA=ON).");
  const int n = be->device_count();
  KN_CHECK_RUNTIME(dev.index >= 0 && dev.index < n, "Device '", dev.str(),
                   "' is not available: ", n, " CUDA device(s) found",
                   n == 0 ? " (no GPU or no driver on this machine)" : "");
}

void* allocate(size_t nbytes, Device dev) {
  auto& r = registry();
  const DeviceBackend* be = device_backend(dev.type);
  if (!be) check_device_available(dev);
  return r.caches[int(dev.type)].alloc(*be, nbytes, dev.index);
}

void deallocate(void* p, size_t nbytes, Device dev) {
  if (!p) return;
  auto& r = registry();
  r.caches[int(dev.type)].free(r.backends[int(dev.type)], p, nbytes, dev.index);
}

void copy_bytes(void* dst, Device dst_dev, const void* src, Device src_dev, size_t nbytes) {
  if (nbytes == 0) return;
  const Device gpu = dst_dev.is_cuda() ? dst_dev : src_dev;
  const DeviceBackend* be = device_backend(gpu.type);
  if (!be) check_device_available(gpu);
  be->copy(dst, dst_dev, src, src_dev, nbytes);
}

AllocatorStats allocator_stats(DeviceType type) {
  auto& c = registry().caches[int(type)];
  std::lock_guard<std::mutex> lock(c.mu);
  return AllocatorStats{c.allocated, c.cached, c.raw_allocs};
}

void empty_cache(DeviceType type) {
  const DeviceBackend* be = device_backend(type);
  if (be) registry().caches[int(type)].release_all(*be);
}

}  // namespace kn
