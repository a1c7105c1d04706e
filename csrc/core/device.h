// Device: where a tensor's storage lives. `cpu` always exists; `cuda:N` when kerasnet was built
// with CUDA and a GPU is present (csrc/cuda registers the CUDA allocator and copies).
#pragma once

#include <cstdint>
#include <string>

namespace kn {

enum class DeviceType : uint8_t { CPU = 0, CUDA = 1 };
constexpr int kNumDeviceTypes = 2;

struct Device {
  DeviceType type = DeviceType::CPU;
  int16_t index = 0;

  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_cuda() const { return type == DeviceType::CUDA; }
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  std::string str() const;  // "cpu", "cuda:0"
};

// Parses "cpu", "cpu:0", "cuda", "cuda:1", "gpu", "gpu:0" (Keras' name for a GPU).
Device parse_device(const std::string& name);

}  // namespace kn
