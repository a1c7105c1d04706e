// The one place engine errors are thrown from (a breakpoint here catches every engine error).
#include "core/errors.h"

namespace kn {

void throw_error(ErrorKind kind, const std::string& msg) { throw Error(kind, msg); }

}  // namespace kn
