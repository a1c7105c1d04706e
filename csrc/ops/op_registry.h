// The op table generated from ops.def, and the per-op registries filled at static-init time:
// CPU kernels (one slot per ISA level), CUDA kernels, gradient rules. The self-check verifies
// that every row of ops.def has what its kind promises.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kn {

enum class OpKind : uint8_t { KERNEL, NOGRAD, VIEW, COMPOSITE };

enum class OpId : uint16_t {
#define KN_OP(name, family, kind) name,
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

// ---- kernels ----
void register_cpu_kernel(OpId op, int isa_level, void* fn);
void register_cuda_kernel(OpId op, void* fn);
bool has_cpu_kernel(OpId op, int isa_level);
bool has_cuda_kernel(OpId op);
// The kernel of the best level <= the active ISA level; throws RuntimeError when missing.
void* cpu_kernel_ptr(OpId op);
void* cuda_kernel_ptr(OpId op);
template <class Fn>
Fn cpu_kernel(OpId op) { return reinterpret_cast<Fn>(cpu_kernel_ptr(op)); }
template <class Fn>
Fn cuda_kernel(OpId op) { return reinterpret_cast<Fn>(cuda_kernel_ptr(op)); }

// ---- gradient rules (the function type lives in autograd/node.h) ----
void register_grad_rule(OpId op, void* fn);
void* grad_rule_ptr(OpId op);

// Problems found by the self-check ("exp: KERNEL op without a CPU kernel"); empty when sound.
std::vector<std::string> self_check_problems();

struct CpuKernelRegistrar {
  CpuKernelRegistrar(OpId op, int isa_level, void* fn) { register_cpu_kernel(op, isa_level, fn); }
};
struct CudaKernelRegistrar {
  CudaKernelRegistrar(OpId op, void* fn) { register_cuda_kernel(op, fn); }
};
struct GradRuleRegistrar {
  GradRuleRegistrar(OpId op, void* fn) { register_grad_rule(op, fn); }
};

}  // namespace kn

#define KN_CONCAT_INNER(a, b) a##b
#define KN_CONCAT(a, b) KN_CONCAT_INNER(a, b)
// In a *_cpu.cpp file: registers `fn` as the CPU kernel of `op` for this file's ISA level.
#define KN_REGISTER_CPU_KERNEL(op, fn)                                                       \
  static ::kn::CpuKernelRegistrar KN_CONCAT(kn_cpu_kernel_reg_, op)(::kn::OpId::op, KN_ISA_LEVEL, \
                                                                   reinterpret_cast<void*>(fn))
#define KN_REGISTER_CUDA_KERNEL(op, fn)                                 \
  static ::kn::CudaKernelRegistrar KN_CONCAT(kn_cuda_kernel_reg_, op)( \
      ::kn::OpId::op, reinterpret_cast<void*>(fn))
// In an op's definition file: registers its gradient rule.
#define KN_REGISTER_GRAD(op, fn) \
  static ::kn::GradRuleRegistrar KN_CONCAT(kn_grad_reg_, op)(::kn::OpId::op, reinterpret_cast<void*>(fn))
