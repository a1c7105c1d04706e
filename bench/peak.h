// Measured FMA peak of this machine (see peak.cpp).
#pragma once

namespace kn_bench {

double measure_fma_peak_gflops(int threads, bool avx512);

}  // namespace kn_bench
