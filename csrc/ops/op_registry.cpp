// The op table and its registries (see op_registry.h).
#include "ops/op_registry.h"

#include "core/errors.h"
#include "cpu/isa.h"

namespace kn {
namespace {

const OpInfo kOpTable[] = {
#define KN_OP(name, family, kind) {#name, #family, OpKind::kind},
#include "ops/ops.def"
#undef KN_OP
};

struct Tables {
  void* cpu[kNumOps][kNumIsaLevels] = {};
  void* cuda[kNumOps] = {};
  void* grad[kNumOps] = {};
};

// Function-local so registrars in other translation units can run before main in any order.
Tables& tables() {
  static Tables* t = new Tables();
  return *t;
}

}  // namespace

const OpInfo& op_info(OpId op) { return kOpTable[static_cast<int>(op)]; }

OpId op_from_name(const std::string& name) {
  for (int i = 0; i < kNumOps; ++i) {
    if (name == kOpTable[i].name) return static_cast<OpId>(i);
  }
  KN_FAIL("Unknown op '", name, "'");
}

void register_cpu_kernel(OpId op, int isa_level, void* fn) {
  tables().cpu[static_cast<int>(op)][isa_level] = fn;
}
void register_cuda_kernel(OpId op, void* fn) { tables().cuda[static_cast<int>(op)] = fn; }
bool has_cpu_kernel(OpId op, int isa_level) {
  return tables().cpu[static_cast<int>(op)][isa_level] != nullptr;
}
bool has_cuda_kernel(OpId op) { return tables().cuda[static_cast<int>(op)] != nullptr; }

void* cpu_kernel_ptr(OpId op) {
  auto& slots = tables().cpu[static_cast<int>(op)];
  for (int level = static_cast<int>(active_isa_level()); level >= 0; --level) {
    if (slots[level]) return slots[level];
  }
  KN_FAIL_RUNTIME(op_name(op), ": no CPU kernel is registered (a kerasnet build defect)");
}

void* cuda_kernel_ptr(OpId op) {
  void* fn = tables().cuda[static_cast<int>(op)];
  KN_CHECK_RUNTIME(fn != nullptr, op_name(op),
                   ": no CUDA kernel for this op yet; move the tensors to the CPU (or build "
                   "kerasnet with -DKERASNET_CUDA=ON if it was built without CUDA)");
  return fn;
}

void register_grad_rule(OpId op, void* fn) { tables().grad[static_cast<int>(op)] = fn; }
void* grad_rule_ptr(OpId op) { return tables().grad[static_cast<int>(op)]; }

std::vector<std::string> self_check_problems() {
  std::vector<std::string> problems;
  const int built = static_cast<int>(max_built_isa_level());
  for (int i = 0; i < kNumOps; ++i) {
    const OpInfo& info = kOpTable[i];
    const bool needs_kernel = info.kind == OpKind::KERNEL || info.kind == OpKind::NOGRAD;
    const bool needs_grad = info.kind == OpKind::KERNEL || info.kind == OpKind::VIEW;
    if (needs_kernel) {
      for (int level = 0; level <= built; ++level) {
        if (!tables().cpu[i][level]) {
          problems.push_back(str(info.name, ": no CPU kernel for ISA level ",
                                 isa_name(static_cast<IsaLevel>(level))));
        }
      }
    }
    if (needs_grad && !tables().grad[i]) {
      problems.push_back(str(info.name, ": differentiable op without a gradient rule"));
    }
  }
  return problems;
}

}  // namespace kn
