// cpuid detection and the KERASNET_CPU_ISA cap (see isa.h).
#include "cpu/isa.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "core/errors.h"
#include "kn_build_info.h"

namespace kn {
namespace {

IsaLevel detect() {
#if defined(__x86_64__) || defined(_M_X64)
  __builtin_cpu_init();
  // __builtin_cpu_supports also checks that the OS saves the AVX / AVX-512 register state.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    return IsaLevel::avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return IsaLevel::avx2;
#endif
  return IsaLevel::generic;
}

IsaLevel min_level(IsaLevel a, IsaLevel b) { return int(a) < int(b) ? a : b; }

IsaLevel initial_active() {
  IsaLevel level = min_level(cpu_isa_level(), max_built_isa_level());
  if (const char* env = std::getenv("KERASNET_CPU_ISA")) {
    if (*env) level = min_level(level, isa_from_name(env));
  }
  return level;
}

IsaLevel& active() {
  static IsaLevel level = initial_active();
  return level;
}

}  // namespace

const char* isa_name(IsaLevel level) {
  switch (level) {
    case IsaLevel::generic: return "generic";
    case IsaLevel::avx2: return "avx2";
    case IsaLevel::avx512: return "avx512";
  }
  return "?";
}

IsaLevel isa_from_name(const char* name) {
  for (int i = 0; i < kNumIsaLevels; ++i) {
    if (std::strcmp(name, isa_name(IsaLevel(i))) == 0) return IsaLevel(i);
  }
  KN_FAIL("Unknown CPU ISA level '", name,
          "' (KERASNET_CPU_ISA): expected generic, avx2 or avx512");
}

IsaLevel cpu_isa_level() {
  static IsaLevel level = detect();
  return level;
}

IsaLevel max_built_isa_level() {
  const std::string built = KN_BUILD_ISA_LEVELS;
  if (built.find("avx512") != std::string::npos) return IsaLevel::avx512;
  if (built.find("avx2") != std::string::npos) return IsaLevel::avx2;
  return IsaLevel::generic;
}

IsaLevel active_isa_level() { return active(); }

void set_isa_cap(IsaLevel cap) {
  active() = min_level(min_level(cap, cpu_isa_level()), max_built_isa_level());
}

}  // namespace kn
