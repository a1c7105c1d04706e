// build_info(): key/value pairs describing this build, read from the CMake-generated header.
#include "core/build_info.h"

#include "core/allocator.h"
#include "cpu/isa.h"
#include "kn_build_info.h"

namespace kn {

std::vector<std::pair<std::string, std::string>> build_info() {
  std::vector<std::pair<std::string, std::string>> info;
  info.emplace_back("compiler", KN_BUILD_COMPILER);
  info.emplace_back("build_type", KN_BUILD_TYPE);
  info.emplace_back("git_commit", KN_BUILD_GIT_COMMIT);
  info.emplace_back("isa_levels_built", KN_BUILD_ISA_LEVELS);
  info.emplace_back("isa_level_cpu", isa_name(cpu_isa_level()));
  info.emplace_back("isa_level_active", isa_name(active_isa_level()));
  info.emplace_back("openmp", KN_BUILD_OPENMP);
#ifdef KN_WITH_CUDA
  info.emplace_back("cuda", std::string("yes (nvcc ") + KN_BUILD_CUDA_COMPILER + ", archs " +
                                KN_BUILD_CUDA_ARCHS + ")");
#else
  info.emplace_back("cuda", "no");
#endif
  return info;
}

}  // namespace kn
