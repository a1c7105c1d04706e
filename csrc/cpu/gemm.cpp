// GEMM dispatch: the implementation of the best registered ISA level <= the active one.
#include "cpu/gemm.h"

#include "core/errors.h"
#include "cpu/isa.h"

namespace kn {
namespace {
struct GemmTable {
  SgemmFn s[kNumIsaLevels] = {};
  DgemmFn d[kNumIsaLevels] = {};
};
GemmTable& table() {
  static GemmTable* t = new GemmTable();
  return *t;
}
template <class Fn>
Fn pick(Fn* slots) {
  for (int level = int(active_isa_level()); level >= 0; --level) {
    if (slots[level]) return slots[level];
  }
  KN_FAIL_RUNTIME("gemm: no kernel registered (a kerasnet build defect)");
}
}  // namespace

void register_gemm(int isa_level, SgemmFn s, DgemmFn d) {
  table().s[isa_level] = s;
  table().d[isa_level] = d;
}

void sgemm(const GemmArgs<float>& args) { pick(table().s)(args); }
void dgemm(const GemmArgs<double>& args) { pick(table().d)(args); }

}  // namespace kn
