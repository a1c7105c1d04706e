// DLPack exchange (the subset of the DLPack ABI that kerasnet uses, declared from the public
// specification): __dlpack__ / __dlpack_device__ out, from_dlpack in, both without copies.
#pragma once

#include <cstdint>

#include "python/convert.h"

extern "C" {
struct DLDevice {
  int32_t device_type;  // 1 = CPU, 2 = CUDA
  int32_t device_id;
};
struct DLDataType {
  uint8_t code;  // 0 int, 1 uint, 2 float, 6 bool
  uint8_t bits;
  uint16_t lanes;
};
struct DLTensor {
  void* data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;
  int64_t* strides;  // in elements; may be null (dense)
  uint64_t byte_offset;
};
struct DLManagedTensor {
  DLTensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(DLManagedTensor* self);
};
}

namespace kn {

py::capsule to_dlpack(const Tensor& t, py::object stream, py::object max_version,
                      py::object dl_device, py::object copy);
py::tuple dlpack_device(const Tensor& t);
Tensor from_dlpack(py::object x);

}  // namespace kn
