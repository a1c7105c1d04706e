// The op table and its registries (see op_table.h, op_registry.h).
#include "ops/op_registry.h"

#include "core/errors.h"

namespace kn {
namespace {

const OpInfo kOpTable[] = {
#define KN_OP(name, family, kind, attrs, kernel) {#name, #family, OpKind::kind},
#include "ops/ops.def"
#undef KN_OP
};
static_assert(sizeof(kOpTable) / sizeof(kOpTable[0]) == kNumOps, "one OpInfo per row");

struct Tables {
  bool cpu[kNumOps][kNumIsaLevels] = {};
  bool cuda[kNumOps] = {};
  GradFn grad[kNumOps] = {};
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

void note_cpu_kernel(OpId op, int isa_level) {
  tables().cpu[static_cast<int>(op)][isa_level] = true;
}
void note_cuda_kernel(OpId op) { tables().cuda[static_cast<int>(op)] = true; }
bool has_cpu_kernel(OpId op, int isa_level) {
  return tables().cpu[static_cast<int>(op)][isa_level];
}
bool has_cuda_kernel(OpId op) { return tables().cuda[static_cast<int>(op)]; }

void missing_cpu_kernel(OpId op) {
  KN_FAIL_RUNTIME(op_name(op), ": no CPU kernel is registered (a kerasnet build defect)");
}
void missing_cuda_kernel(OpId op) {
  KN_FAIL_RUNTIME(op_name(op),
                  ": no CUDA kernel for this op yet; move the tensors to the CPU (or build "
                  "kerasnet with -DKERASNET_CUDA=ON if it was built without CUDA)");
}

void register_grad_rule(OpId op, GradFn fn) { tables().grad[static_cast<int>(op)] = fn; }
GradFn grad_rule(OpId op) { return tables().grad[static_cast<int>(op)]; }

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
