// What this build of kerasnet contains: compiler, ISA levels, OpenMP, CUDA (for _C.build_info()).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kn {

std::vector<std::pair<std::string, std::string>> build_info();

}  // namespace kn
