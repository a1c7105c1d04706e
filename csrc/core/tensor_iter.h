// TensorIter: the geometry of an elementwise op over up to 4 operands (output first), after
// numpy broadcasting. Dimensions are stored innermost first, size-1 dimensions are dropped and
// neighbours that are contiguous in every operand are merged, so a dense op becomes one flat loop
// and `x + bias` becomes rows x columns with the bias stride 0 on rows.
//
// Built by the op's definition file (no ISA code); walked by cpu/loops.h in the kernels and by the
// CUDA elementwise kernels.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "core/tensor.h"

namespace kn {

struct TensorIter {
  static constexpr int kMaxOperands = 4;
  static constexpr int kMaxDims = 16;

  int noperands = 0;
  int ndim = 0;  // after coalescing; 0 for a single element
  int64_t numel = 0;
  char* data[kMaxOperands] = {};                 // first element of each operand
  int64_t shape[kMaxDims] = {};                  // [0] is the innermost dimension
  int64_t strides[kMaxDims][kMaxOperands] = {};  // in bytes

  // Operand 0 is the output (dense, of `shape`); the inputs broadcast to `shape`.
  static TensorIter make(const Shape& shape, std::initializer_list<const Tensor*> operands);
};

// numpy broadcasting of two shapes; throws ValueError naming both shapes and the op.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

}  // namespace kn
