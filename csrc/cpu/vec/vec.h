// Vec<T>: one SIMD register of T for the ISA this translation unit is compiled for, used by the
// *_cpu.cpp kernels (compiled once per level, see cmake/KerasnetIsa.cmake). Everything here
// lives in namespace kn::KN_ISA_NS so that copies compiled for different levels never merge at
// link time. Vec<float> and Vec<double> exist on every level (width 1 on `generic`); integer
// kernels are plain loops the compiler vectorises.
//
// Interface (per specialisation):
//   size; broadcast(x); loadu(p); load_partial(p, n); storeu(p); store_partial(p, n)
//   + - * /; fmadd(a, b, c) = a*b + c; max, min, abs, sqrt, floor, ceil, round (half to even)
//   Mask; lt, le, gt, ge, eq, ne (ordered compares); select(mask, a, b) = mask ? a : b
//   isnan(a); pow2i(n) = 2^n for integral n; frexp(x, m, e): x = m * 2^e, m in [0.5, 1)
//   reduce_add(), reduce_max(), reduce_min()
#pragma once

#ifndef KN_ISA_NS
#error "vec.h is for *_cpu.cpp kernel files, which CMake compiles with KN_ISA_NS defined"
#endif

#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__AVX512F__)
#include "cpu/vec/vec_avx512.h"
#elif defined(__AVX2__) && defined(__FMA__)
#include "cpu/vec/vec_avx2.h"
#else
#include "cpu/vec/vec_generic.h"
#endif
