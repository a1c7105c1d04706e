// Tensor.__getitem__ (numpy indexing semantics), see indexing.cpp.
#pragma once

#include "python/convert.h"

namespace kn {

Tensor getitem(const Tensor& x, py::handle index);

}  // namespace kn
