// The op table generated from ops.def: OpId, each op's name, family and kind, and the attribute
// structs several families share. Family headers include this (and nothing above it); the typed
// per-op traits that need every family's types are in op_traits.h.
#pragma once

#include <cstdint>
#include <string>

#include "core/fused_activation.h"

namespace kn {

enum class OpKind : uint8_t { KERNEL, NOGRAD, VIEW, COMPOSITE };

enum class OpId : uint16_t {
#define KN_OP(name, family, kind, attrs, kernel) name,
#include "ops/ops.def"
#undef KN_OP
  kCount
};
constexpr int kNumOps = static_cast<int>(OpId::kCount);

struct OpInfo {
  const char* name;
  const char* family;
  OpKind kind;
};

const OpInfo& op_info(OpId op);
inline const char* op_name(OpId op) { return op_info(op).name; }
// Throws ValueError for an unknown name.
OpId op_from_name(const std::string& name);

// The attributes of an op that records none.
struct NoAttrs {};
// The one axis of softmax, log_softmax, cumsum, cumprod, concatenate, take, scatter_add and their
// *_along_axis forms (already normalised to 0 <= axis < rank).
struct AxisAttrs {
  int64_t axis = 0;
};

// The kernel column of ops without kernels (VIEW, COMPOSITE rows): never defined, so nothing can
// register a kernel for them.
struct NoKernel;

}  // namespace kn
