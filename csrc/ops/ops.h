// Every engine op (the C++ API used by the binding, the benchmark runner and gradient rules).
#pragma once

#include "ops/creation/creation.h"
#include "ops/elementwise/elementwise.h"
#include "ops/index/index.h"
#include "ops/matmul/matmul.h"
#include "ops/norm/norm.h"
#include "ops/random/random.h"
#include "ops/reduce/reduce.h"
#include "ops/shape/shape.h"
