// The typed per-op registries, filled at static-init time: CPU kernels (one slot per ISA level),
// CUDA kernels and gradient rules. A kernel is registered through its op's ops.def row, so a
// kernel of the wrong function type does not compile; a gradient rule receives the attribute
// struct the row names. The self-check verifies that every row has what its kind promises.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "cpu/isa.h"
#include "ops/op_table.h"
#include "ops/op_traits.h"
#include "ops/record.h"

namespace kn {

// ---- kernels ----
// The kernel slots of one function type, indexed by op (several ops share a type, such as
// UnaryKernelFn). Zero-initialised constants, so registrars in any translation unit may run
// before main in any order.
template <class Fn>
struct KernelSlots {
  static inline Fn cpu[kNumOps][kNumIsaLevels] = {};
  static inline Fn cuda[kNumOps] = {};
};

// Presence bits for the self-check and the op table the tests read.
void note_cpu_kernel(OpId op, int isa_level);
void note_cuda_kernel(OpId op);
bool has_cpu_kernel(OpId op, int isa_level);
bool has_cuda_kernel(OpId op);
[[noreturn]] void missing_cpu_kernel(OpId op);
[[noreturn]] void missing_cuda_kernel(OpId op);

template <OpId op>
void register_cpu_kernel(int isa_level, KernelOf<op> fn) {
  KernelSlots<KernelOf<op>>::cpu[static_cast<int>(op)][isa_level] = fn;
  note_cpu_kernel(op, isa_level);
}
template <OpId op>
void register_cuda_kernel(KernelOf<op> fn) {
  KernelSlots<KernelOf<op>>::cuda[static_cast<int>(op)] = fn;
  note_cuda_kernel(op);
}

// The kernel of the best level <= the active ISA level; RuntimeError when missing. `Fn` is the
// type of the op's row (a lookup with another type finds no kernel).
template <class Fn>
Fn cpu_kernel(OpId op) {
  const Fn* slots = KernelSlots<Fn>::cpu[static_cast<int>(op)];
  for (int level = static_cast<int>(active_isa_level()); level >= 0; --level) {
    if (slots[level]) return slots[level];
  }
  missing_cpu_kernel(op);
}
template <class Fn>
Fn cuda_kernel(OpId op) {
  if (Fn fn = KernelSlots<Fn>::cuda[static_cast<int>(op)]) return fn;
  missing_cuda_kernel(op);
}

// ---- gradient rules ----
void register_grad_rule(OpId op, GradFn fn);
GradFn grad_rule(OpId op);  // nullptr when none

// Adapts a rule written against the op's attribute struct, (node, attrs, ctx), or for an op
// without attributes (node, ctx), to GradFn.
template <OpId op, auto rule>
TensorList typed_grad_rule(const Node& n, const GradContext& ctx) {
  using A = AttrsOf<op>;
  if constexpr (std::is_invocable_v<decltype(rule), const Node&, const A&, const GradContext&>) {
    return rule(n, n.attrs<A>(), ctx);
  } else {
    static_assert(std::is_same_v<A, NoAttrs>,
                  "the gradient rule of an op with attributes takes (const Node&, const Attrs&, "
                  "const GradContext&), Attrs being the struct its ops.def row names");
    return rule(n, ctx);
  }
}

// Problems found by the self-check ("exp: KERNEL op without a CPU kernel"); empty when sound.
std::vector<std::string> self_check_problems();

}  // namespace kn

#define KN_CONCAT_INNER(a, b) a##b
#define KN_CONCAT(a, b) KN_CONCAT_INNER(a, b)
// In a *_cpu.cpp file: registers `fn` as the CPU kernel of `op` for this file's ISA level.
#define KN_REGISTER_CPU_KERNEL(op, fn)                                   \
  [[maybe_unused]] static const bool KN_CONCAT(kn_cpu_kernel_reg_, op) = \
      (::kn::register_cpu_kernel<::kn::OpId::op>(KN_ISA_LEVEL, fn), true)
#define KN_REGISTER_CUDA_KERNEL(op, fn)                                   \
  [[maybe_unused]] static const bool KN_CONCAT(kn_cuda_kernel_reg_, op) = \
      (::kn::register_cuda_kernel<::kn::OpId::op>(fn), true)
// In an op's definition file: registers its gradient rule.
#define KN_REGISTER_GRAD(op, fn)                                   \
  [[maybe_unused]] static const bool KN_CONCAT(kn_grad_reg_, op) = \
      (::kn::register_grad_rule(::kn::OpId::op, &::kn::typed_grad_rule<::kn::OpId::op, fn>), true)
