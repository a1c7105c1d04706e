// Printing of shapes.
#include "core/dims.h"

namespace kn {

std::ostream& operator<<(std::ostream& os, const Dims& d) {
  os << '(';
  for (size_t i = 0; i < d.size(); ++i) {
    if (i) os << ", ";
    os << d[i];
  }
  if (d.size() == 1) os << ',';
  return os << ')';
}

}  // namespace kn
