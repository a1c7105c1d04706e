// DLPack export and import (see dlpack.h). Exported tensors keep their storage alive through the
// manager context until the consumer calls the deleter; imported ones call the producer's deleter
// when the last kerasnet view is gone.
#include "python/dlpack.h"

#include <vector>

#include "core/errors.h"

namespace kn {
namespace {

struct ExportCtx {
  Tensor tensor;
  std::vector<int64_t> shape, strides;
  DLManagedTensor managed;
};

void export_deleter(DLManagedTensor* self) { delete static_cast<ExportCtx*>(self->manager_ctx); }

DLDataType to_dl_dtype(DType t) {
  switch (t) {
    case DType::float32: return {2, 32, 1};
    case DType::float64: return {2, 64, 1};
    case DType::int32: return {0, 32, 1};
    case DType::int64: return {0, 64, 1};
    case DType::bool_: return {6, 8, 1};
    case DType::uint8: return {1, 8, 1};
  }
  return {2, 32, 1};
}

DType from_dl_dtype(DLDataType d) {
  if (d.lanes != 1)
    throw py::type_error("from_dlpack: vector (lanes > 1) dtypes are not supported");
  if (d.code == 2 && d.bits == 32) return DType::float32;
  if (d.code == 2 && d.bits == 64) return DType::float64;
  if (d.code == 0 && d.bits == 32) return DType::int32;
  if (d.code == 0 && d.bits == 64) return DType::int64;
  if (d.code == 6 && d.bits == 8) return DType::bool_;
  if (d.code == 1 && d.bits == 8) return DType::uint8;
  throw py::type_error("from_dlpack: unsupported DLPack dtype (code " + std::to_string(d.code) +
                       ", bits " + std::to_string(d.bits) + ")");
}

void release_imported(void* ctx) {
  auto* m = static_cast<DLManagedTensor*>(ctx);
  if (m->deleter) m->deleter(m);
}

}  // namespace

py::capsule to_dlpack(const Tensor& t, py::object, py::object, py::object, py::object) {
  auto* ctx = new ExportCtx{t, t.shape().vec(), t.strides().vec(), {}};
  DLTensor& dl = ctx->managed.dl_tensor;
  dl.data = t.raw_data();
  dl.device = DLDevice{t.device().is_cuda() ? 2 : 1, t.device().index};
  dl.ndim = t.ndim();
  dl.dtype = to_dl_dtype(t.dtype());
  dl.shape = ctx->shape.data();
  dl.strides = ctx->strides.data();
  dl.byte_offset = 0;
  ctx->managed.manager_ctx = ctx;
  ctx->managed.deleter = export_deleter;
  // An unconsumed capsule (still named "dltensor") frees the export itself.
  return py::capsule(&ctx->managed, "dltensor", [](PyObject* cap) {
    if (PyCapsule_IsValid(cap, "dltensor")) {
      auto* m = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(cap, "dltensor"));
      if (m && m->deleter) m->deleter(m);
    }
  });
}

py::tuple dlpack_device(const Tensor& t) {
  return py::make_tuple(t.device().is_cuda() ? 2 : 1, int(t.device().index));
}

Tensor from_dlpack(py::object x) {
  py::object cap = py::hasattr(x, "__dlpack__") ? x.attr("__dlpack__")() : x;
  if (!PyCapsule_IsValid(cap.ptr(), "dltensor")) {
    throw py::type_error(
        "from_dlpack: expected an object with __dlpack__ or an unconsumed 'dltensor' capsule");
  }
  auto* m = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(cap.ptr(), "dltensor"));
  PyCapsule_SetName(cap.ptr(), "used_dltensor");
  const DLTensor& dl = m->dl_tensor;
  const DType dtype = from_dl_dtype(dl.dtype);
  Device dev;
  if (dl.device.device_type == 2) dev = Device{DeviceType::CUDA, int16_t(dl.device.device_id)};
  else if (dl.device.device_type != 1) {
    if (m->deleter) m->deleter(m);
    throw py::type_error("from_dlpack: only CPU and CUDA tensors can be imported");
  }
  Shape shape(dl.shape, size_t(dl.ndim));
  Dims strides = dl.strides ? Dims(dl.strides, size_t(dl.ndim)) : contiguous_strides(shape);
  int64_t span = 1;
  for (int i = 0; i < dl.ndim; ++i)
    if (shape[i] > 0) span += (shape[i] - 1) * (strides[i] < 0 ? -strides[i] : strides[i]);
  void* base = static_cast<char*>(dl.data) + dl.byte_offset;
  auto storage = std::make_shared<StorageImpl>(base, size_t(span) * dtype_size(dtype), dev,
                                               release_imported, m);
  return Tensor::from_storage(storage, shape, strides, 0, dtype);
}

}  // namespace kn
