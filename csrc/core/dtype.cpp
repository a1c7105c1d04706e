// dtype names, sizes and the Keras 3 promotion lattice (see dtype.h).
#include "core/dtype.h"

#include "core/errors.h"

namespace kn {

size_t dtype_size(DType t) {
  switch (t) {
    case DType::float32: return 4;
    case DType::float64: return 8;
    case DType::int32: return 4;
    case DType::int64: return 8;
    case DType::bool_: return 1;
    case DType::uint8: return 1;
  }
  return 0;
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::float32: return "float32";
    case DType::float64: return "float64";
    case DType::int32: return "int32";
    case DType::int64: return "int64";
    case DType::bool_: return "bool";
    case DType::uint8: return "uint8";
  }
  return "?";
}

DType dtype_from_name(const std::string& name) {
  for (int i = 0; i < kNumDTypes; ++i) {
    if (name == dtype_name(static_cast<DType>(i))) return static_cast<DType>(i);
  }
  KN_FAIL_TYPE("Unsupported dtype '", name,
               "'; kerasnet supports float32, float64, int32, int64, bool and uint8");
}

bool is_floating(DType t) { return t == DType::float32 || t == DType::float64; }
bool is_integral(DType t) { return t == DType::int32 || t == DType::int64 || t == DType::uint8; }

// Rank in the lattice bool < uint8 < int32 < int64 < float32 < float64: the join is the max.
static int promotion_rank(DType t) {
  switch (t) {
    case DType::bool_: return 0;
    case DType::uint8: return 1;
    case DType::int32: return 2;
    case DType::int64: return 3;
    case DType::float32: return 4;
    case DType::float64: return 5;
  }
  return 0;
}

DType promote_types(DType a, DType b) { return promotion_rank(a) >= promotion_rank(b) ? a : b; }

DType to_floating(DType t) { return is_floating(t) ? t : DType::float32; }

}  // namespace kn
