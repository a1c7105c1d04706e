// CPU instruction-set levels. Kernel files (*_cpu.cpp) are compiled once per level; the active
// level is the best one the CPU supports, capped by KERASNET_CPU_ISA=generic|avx2|avx512 (read
// at startup) or by set_isa_cap (tests use it to run every kernel path in one process).
#pragma once

namespace kn {

enum class IsaLevel : int { generic = 0, avx2 = 1, avx512 = 2 };
constexpr int kNumIsaLevels = 3;

const char* isa_name(IsaLevel level);
IsaLevel isa_from_name(const char* name);  // throws ValueError on unknown names
IsaLevel cpu_isa_level();                  // what this CPU (and OS) can run
IsaLevel max_built_isa_level();            // the best level this build compiled
IsaLevel active_isa_level();
void set_isa_cap(IsaLevel cap);  // the active level becomes min(cap, cpu, built)

}  // namespace kn
