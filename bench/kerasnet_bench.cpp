// kerasnet-bench: times the engine's ops on the reference workloads (../shared/bench/
// workloads.json) through the C++ API (no Python), and prints a table or JSON lines:
//   op, case, shape, threads, median ms, min ms, GFLOP/s (or GB/s), % of the measured FMA peak.
//
//   kerasnet-bench [--threads N] [--isa generic|avx2|avx512] [--filter SUBSTR] [--repeat R]
//                  [--json] [--workloads PATH] [--no-peak]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "core/build_info.h"
#include "core/parallel.h"
#include "cpu/isa.h"
#include "json.h"
#include "ops/conv/conv.h"
#include "ops/conv/depthwise_conv.h"
#include "ops/ops.h"
#include "ops/pool/pool.h"
#include "peak.h"

using kn::Dims;
using kn::Shape;
using kn::Tensor;
namespace ops = kn::ops;
using kn_bench::Json;

namespace {

struct Options {
  int threads = 0;
  std::string isa;
  std::string filter;
  int repeat = 7;
  bool json = false;
  bool peak = true;
  std::string workloads;
};

struct Result {
  std::string op, name, shape;
  double median_ms, min_ms, rate;  // rate: GFLOP/s or GB/s
  const char* unit;
  double pct_peak;  // < 0 when not a FLOP-bound case
};

Tensor randn(const Shape& shape, uint64_t seed) {
  return ops::normal(shape, 0.0, 1.0, kn::DType::float32, seed, 0);
}

// Median and min of `repeat` timings; each timing runs fn enough times to last >= 50 ms.
std::pair<double, double> time_it(const std::function<void()>& fn, int repeat) {
  using clock = std::chrono::steady_clock;
  for (int i = 0; i < 2; ++i) fn();
  auto t0 = clock::now();
  fn();
  double once = std::chrono::duration<double>(clock::now() - t0).count();
  const int inner = std::max(1, std::min(1000, int(0.05 / std::max(once, 1e-7))));
  std::vector<double> ts;
  for (int r = 0; r < repeat; ++r) {
    t0 = clock::now();
    for (int k = 0; k < inner; ++k) fn();
    ts.push_back(std::chrono::duration<double>(clock::now() - t0).count() / inner);
  }
  std::sort(ts.begin(), ts.end());
  return {ts[ts.size() / 2] * 1e3, ts.front() * 1e3};
}

std::string shape_str(std::initializer_list<long long> dims) {
  std::string s;
  for (long long d : dims) s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}

Dims same_pads(const std::string& padding, const Dims& in, const Dims& k, const Dims& s) {
  Dims pads;
  for (size_t d = 0; d < in.size(); ++d) {
    int64_t b, a;
    kn::keras_padding(padding, in[d], k[d], s[d], 1, &b, &a, "bench");
    pads.push_back(b);
    pads.push_back(a);
  }
  return pads;
}

void run_all(const Json& w, const Options& opt, double peak, std::vector<Result>& out) {
  auto want = [&](const std::string& key) {
    return opt.filter.empty() || key.find(opt.filter) != std::string::npos;
  };
  auto add = [&](const std::string& op, const std::string& name, const std::string& shape,
                 double flops, double bytes, const std::function<void()>& fn) {
    if (!want(op + " " + name)) return;
    auto [med, mn] = time_it(fn, opt.repeat);
    Result r{op, name, shape, med, mn, 0, "GFLOP/s", -1};
    if (flops > 0) {
      r.rate = flops / (med * 1e-3) / 1e9;
      r.pct_peak = peak > 0 ? 100.0 * r.rate / peak : -1;
    } else {
      r.rate = bytes / (med * 1e-3) / 1e9;
      r.unit = "GB/s";
    }
    out.push_back(r);
  };

  // GEMM: square sizes in each transpose combination, then the skinny shapes (M, K, N).
  const Json& g = w["gemm"];
  for (const Json& nj : g["sizes"].arr) {
    const long long n = nj.as_int();
    for (const Json& tj : g["transposes"].arr) {
      const std::string t = tj.str;
      Tensor a = randn({n, n}, 1), b = randn({n, n}, 2);
      Tensor av = t[0] == 't' ? ops::transpose(a) : a, bv = t[1] == 't' ? ops::transpose(b) : b;
      add("sgemm", t, shape_str({n, n, n}), 2.0 * n * n * n, 0, [&] { ops::matmul(av, bv); });
    }
  }
  for (const Json& sk : g["skinny"].arr) {
    const long long m = sk[0].as_int(), k = sk[1].as_int(), n = sk[2].as_int();
    Tensor a = randn({m, k}, 3), b = randn({k, n}, 4);
    add("sgemm", "skinny", shape_str({m, k, n}), 2.0 * m * n * k, 0, [&] { ops::matmul(a, b); });
  }

  // conv2d, channels_last: forward, and forward + backward (filter, input when input_grad).
  for (const Json& c : w["conv2d"].arr) {
    const long long N = c["batch"].as_int(), H = c["hw"][0].as_int(), W = c["hw"][1].as_int();
    const long long C = c["cin"].as_int(), F = c["cout"].as_int();
    const auto k = c["kernel"].ints(2), s = c["strides"].ints(2);
    const bool input_grad = c["input_grad"].b;
    const Dims ks{k[0], k[1]}, ss{s[0], s[1]}, dil{1, 1};
    const Dims pads = same_pads(c["padding"].str, Dims{H, W}, ks, ss);
    Tensor x = randn({N, H, W, C}, 5), wt = randn({k[0], k[1], C, F}, 6);
    Tensor y = ops::conv(x, wt, ss, pads, dil, 1);
    Tensor dy = randn(y.shape(), 7);
    const double fwd = 2.0 * double(y.numel()) * k[0] * k[1] * C;
    const std::string shape = shape_str({N, H, W, C, F, k[0], k[1]});
    add("conv2d", c["name"].str + " fwd", shape, fwd, 0,
        [&] { ops::conv(x, wt, ss, pads, dil, 1); });
    add("conv2d", c["name"].str + " fwd+bwd", shape, fwd * (input_grad ? 3 : 2), 0, [&] {
      ops::conv(x, wt, ss, pads, dil, 1);
      ops::conv_backprop_filter(x, dy, wt.shape(), ss, pads, dil, 1);
      if (input_grad) ops::conv_backprop_input(dy, wt, x.shape(), ss, pads, dil, 1);
    });
  }

  for (const Json& c : w["depthwise_conv2d"].arr) {
    const long long N = c["batch"].as_int(), H = c["hw"][0].as_int(), W = c["hw"][1].as_int();
    const long long C = c["cin"].as_int(), M = c["depth_multiplier"].as_int();
    const auto k = c["kernel"].ints(2), s = c["strides"].ints(2);
    const Dims ks{k[0], k[1]}, ss{s[0], s[1]}, dil{1, 1};
    const Dims pads = same_pads(c["padding"].str, Dims{H, W}, ks, ss);
    Tensor x = randn({N, H, W, C}, 8), wt = randn({k[0], k[1], C, M}, 9);
    Tensor y = ops::depthwise_conv(x, wt, ss, pads, dil);
    Tensor dy = randn(y.shape(), 10);
    const double bytes = 4.0 * double(x.numel() + y.numel());
    const std::string shape = shape_str({N, H, W, C, M, k[0], k[1]});
    add("depthwise", c["name"].str + " fwd", shape, 0, bytes,
        [&] { ops::depthwise_conv(x, wt, ss, pads, dil); });
    add("depthwise", c["name"].str + " fwd+bwd", shape, 0, 3 * bytes, [&] {
      ops::depthwise_conv(x, wt, ss, pads, dil);
      ops::depthwise_conv_backprop_input(dy, wt, x.shape(), ss, pads, dil);
      ops::depthwise_conv_backprop_filter(x, dy, wt.shape(), ss, pads, dil);
    });
  }

  for (const Json& c : w["pool2d"].arr) {
    const long long N = c["batch"].as_int(), H = c["hw"][0].as_int(), W = c["hw"][1].as_int(),
                    C = c["c"].as_int();
    const auto p = c["pool"].ints(2);
    const auto s = c.has("strides") ? c["strides"].ints(2) : p;
    const std::string padding = c.has("padding") ? c["padding"].str : "valid";
    const Dims ps{p[0], p[1]}, ss{s[0], s[1]};
    const Dims pads = same_pads(padding, Dims{H, W}, ps, ss);
    const bool is_max = c["op"].str == "max";
    Tensor x = randn({N, H, W, C}, 11);
    Tensor y = is_max ? ops::max_pool(x, ps, ss, pads) : ops::avg_pool(x, ps, ss, pads);
    Tensor dy = randn(y.shape(), 12);
    const double bytes = 4.0 * double(x.numel() + y.numel());
    const std::string shape = shape_str({N, H, W, C, p[0], p[1]});
    add("pool2d", c["name"].str + " fwd", shape, 0, bytes, [&] {
      if (is_max) ops::max_pool(x, ps, ss, pads);
      else ops::avg_pool(x, ps, ss, pads);
    });
    add("pool2d", c["name"].str + " fwd+bwd", shape, 0, 2 * bytes, [&] {
      if (is_max) {
        ops::max_pool(x, ps, ss, pads);
        ops::max_pool_backward(x, dy, ps, ss, pads);
      } else {
        ops::avg_pool(x, ps, ss, pads);
        ops::avg_pool_backward(dy, x.shape(), ps, ss, pads);
      }
    });
  }

  // Elementwise on 1M floats: GB/s counting bytes read and written.
  for (const Json& e : w["elementwise"].arr) {
    const long long n = e["n"].as_int();
    Tensor a = randn({n}, 13), b = randn({n}, 14);
    if (e["op"].str == "add")
      add("elementwise", e["name"].str, shape_str({n}), 0, 12.0 * n, [&] { ops::add(a, b); });
    if (e["op"].str == "exp")
      add("elementwise", e["name"].str, shape_str({n}), 0, 8.0 * n, [&] { ops::exp(a); });
  }
  // Per-op overhead in the engine (no Python): one add of two (4,) tensors.
  {
    Tensor a = randn({4}, 15), b = randn({4}, 16);
    add("overhead", "tiny_add", "4", 0, 48.0, [&] { ops::add(a, b); });
  }
}

void print_table(const std::vector<Result>& rs, int threads, double peak) {
  std::printf("%-12s %-16s %-26s %7s %10s %10s %10s %8s\n", "op", "case", "shape", "threads",
              "median ms", "min ms", "rate", "% peak");
  for (const Result& r : rs) {
    char pct[16] = "";
    if (r.pct_peak >= 0) std::snprintf(pct, sizeof pct, "%.1f", r.pct_peak);
    std::printf("%-12s %-16s %-26s %7d %10.4f %10.4f %7.1f %s %8s\n", r.op.c_str(), r.name.c_str(),
                r.shape.c_str(), threads, r.median_ms, r.min_ms, r.rate, r.unit, pct);
  }
  if (peak > 0)
    std::printf("measured fp32 FMA peak: %.1f GFLOP/s on %d thread(s)\n", peak, threads);
}

void print_json(const std::vector<Result>& rs, int threads, double peak) {
  std::string commit, isa;
  for (const auto& [k, v] : kn::build_info()) {
    if (k == "git_commit") commit = v;
    if (k == "isa_level_active") isa = v;
  }
  for (const Result& r : rs) {
    std::printf(
        "{\"framework\": \"kerasnet-cpp\", \"commit\": \"%s\", \"isa\": \"%s\", \"threads\": %d, "
        "\"dtype\": \"float32\", \"op\": \"%s\", \"case\": \"%s\", \"shape\": \"%s\", "
        "\"median_ms\": %.6f, "
        "\"min_ms\": %.6f, \"rate\": %.3f, \"unit\": \"%s\", \"pct_peak\": %.2f, \"peak_gflops\": "
        "%.1f}\n",
        commit.c_str(), isa.c_str(), threads, r.op.c_str(), r.name.c_str(), r.shape.c_str(),
        r.median_ms, r.min_ms, r.rate, r.unit, r.pct_peak, peak);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
#ifdef KN_WORKLOADS_DEFAULT
  opt.workloads = KN_WORKLOADS_DEFAULT;
#endif
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&](const char* what) -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "kerasnet-bench: %s needs a value\n", what);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--threads") opt.threads = std::atoi(next("--threads").c_str());
    else if (a == "--isa") opt.isa = next("--isa");
    else if (a == "--filter") opt.filter = next("--filter");
    else if (a == "--repeat") opt.repeat = std::max(1, std::atoi(next("--repeat").c_str()));
    else if (a == "--workloads") opt.workloads = next("--workloads");
    else if (a == "--json") opt.json = true;
    else if (a == "--no-peak") opt.peak = false;
    else {
      std::fprintf(stderr,
                   "usage: kerasnet-bench [--threads N] [--isa generic|avx2|avx512] [--filter S] "
                   "[--repeat R] "
                   "[--json] [--workloads PATH] [--no-peak]\n");
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }
  try {
    if (opt.threads > 0) kn::set_num_threads(opt.threads);
    if (!opt.isa.empty()) kn::set_isa_cap(kn::isa_from_name(opt.isa.c_str()));
    const int threads = kn::get_num_threads();
    const Json w = kn_bench::read_json_file(opt.workloads);
    const bool avx512 = kn::active_isa_level() == kn::IsaLevel::avx512;
    const double peak = opt.peak && kn::active_isa_level() != kn::IsaLevel::generic
                            ? kn_bench::measure_fma_peak_gflops(threads, avx512)
                            : 0.0;
    std::vector<Result> results;
    run_all(w, opt, peak, results);
    if (opt.json) print_json(results, threads, peak);
    else print_table(results, threads, peak);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kerasnet-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
