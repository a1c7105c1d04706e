// PYBIND11_MODULE(_C): assembles the bindings of every file in csrc/python and the engine-wide
// functions (build info, op table, self-check, threads, ISA level, allocator, devices).
#include <atomic>
#include <vector>

#include "core/allocator.h"
#include "core/build_info.h"
#include "core/errors.h"
#include "core/fused_activation.h"
#include "core/parallel.h"
#include "core/thread_pool.h"
#include "cpu/isa.h"
#include "ops/op_registry.h"
#include "python/convert.h"

namespace kn {
void init_errors(py::module_& m);
void init_tensor(py::module_& m);
void init_autograd(py::module_& m);
void init_ops_creation(py::module_& m);
void init_ops_elementwise(py::module_& m);
void init_ops_reduce(py::module_& m);
void init_ops_shape(py::module_& m);
void init_ops_index(py::module_& m);
void init_ops_matmul(py::module_& m);
void init_ops_optim(py::module_& m);
void init_ops_conv(py::module_& m);
void init_ops_rnn(py::module_& m);
void init_ops_attention(py::module_& m);

namespace {
// Runs `jobs` back-to-back pool jobs whose chunk counts alternate between 2 and `max_chunks`
// (a worker late from one job must not claim chunks of the next) and returns how many chunks
// did not run exactly once. For tests/core/test_thread_pool.py.
int64_t pool_stress(int64_t jobs, int64_t max_chunks, int nthreads) {
  struct Job {
    std::atomic<int>* counts;
  };
  std::vector<std::atomic<int>> counts(size_t(jobs * max_chunks));
  for (auto& c : counts) c.store(0);
  std::vector<Job> job_ctx(static_cast<size_t>(jobs));
  for (int64_t j = 0; j < jobs; ++j) {
    job_ctx[size_t(j)].counts = counts.data() + j * max_chunks;
    const int64_t nchunks = (j % 2) ? max_chunks : 2;
    pool_run(
        nchunks, nthreads,
        [](void* job, int64_t c) { static_cast<Job*>(job)->counts[c].fetch_add(1); },
        &job_ctx[size_t(j)]);
  }
  int64_t wrong = 0;
  for (int64_t j = 0; j < jobs; ++j) {
    const int64_t nchunks = (j % 2) ? max_chunks : 2;
    for (int64_t c = 0; c < max_chunks; ++c)
      wrong += counts[size_t(j * max_chunks + c)].load() != (c < nchunks ? 1 : 0);
  }
  return wrong;
}

const char* kind_name(OpKind k) {
  switch (k) {
    case OpKind::KERNEL: return "KERNEL";
    case OpKind::NOGRAD: return "NOGRAD";
    case OpKind::VIEW: return "VIEW";
    case OpKind::COMPOSITE: return "COMPOSITE";
  }
  return "?";
}
}  // namespace
}  // namespace kn

PYBIND11_MODULE(_C, m) {
  using namespace kn;
  m.doc() = "kerasnet engine (C++): tensors, ops, autograd";
  init_errors(m);
  init_tensor(m);
  init_autograd(m);
  // The activation of the fused GEMM/conv epilogues (matmul_bias_act, conv_bias_act), its values
  // named as Keras names the activation functions they compute.
  py::enum_<FusedActivation>(m, "FusedActivation")
      .value("linear", FusedActivation::Linear)
      .value("relu", FusedActivation::Relu);
  init_ops_creation(m);
  init_ops_elementwise(m);
  init_ops_reduce(m);
  init_ops_shape(m);
  init_ops_index(m);
  init_ops_matmul(m);
  init_ops_optim(m);
  init_ops_conv(m);
  init_ops_rnn(m);
  init_ops_attention(m);

  m.def("build_info", []() {
    py::dict d;
    for (const auto& [k, v] : build_info()) d[py::str(k)] = v;
    return d;
  });
  m.def("op_names", []() {
    std::vector<std::string> names;
    for (int i = 0; i < kNumOps; ++i) names.push_back(op_info(OpId(i)).name);
    return names;
  });
  m.def("op_info", [](const std::string& name) {
    const OpId op = op_from_name(name);
    const OpInfo& info = op_info(op);
    py::dict d;
    d["name"] = info.name;
    d["family"] = info.family;
    d["kind"] = kind_name(info.kind);
    py::list isas;
    for (int l = 0; l < kNumIsaLevels; ++l)
      if (has_cpu_kernel(op, l)) isas.append(isa_name(IsaLevel(l)));
    d["cpu_kernels"] = isas;
    d["cuda_kernel"] = has_cuda_kernel(op);
    d["gradient_rule"] = grad_rule(op) != nullptr;
    return d;
  });
  m.def("self_check", &self_check_problems);
  m.def("set_num_threads", &set_num_threads, py::arg("n"));
  m.def("get_num_threads", &get_num_threads);
  m.def("_pool_stress", &pool_stress, py::arg("jobs"), py::arg("max_chunks"), py::arg("nthreads"),
        py::call_guard<py::gil_scoped_release>());
  m.def("set_isa_level", [](const std::string& name) { set_isa_cap(isa_from_name(name.c_str())); });
  m.def("isa_level", []() { return std::string(isa_name(active_isa_level())); });
  m.def("cpu_isa_level", []() { return std::string(isa_name(cpu_isa_level())); });
  m.def(
      "allocator_stats",
      [](const std::string& device) {
        const AllocatorStats s = allocator_stats(parse_device(device).type);
        py::dict d;
        d["allocated_bytes"] = s.allocated_bytes;
        d["cached_bytes"] = s.cached_bytes;
        d["num_raw_allocs"] = s.num_raw_allocs;
        return d;
      },
      py::arg("device") = "cpu");
  m.def(
      "empty_cache", [](const std::string& device) { empty_cache(parse_device(device).type); },
      py::arg("device") = "cpu");
  m.def("cuda_device_count", []() {
    const DeviceBackend* be = device_backend(DeviceType::CUDA);
    return be ? be->device_count() : 0;
  });
  m.def("cuda_built", []() { return device_backend(DeviceType::CUDA) != nullptr; });
  m.def(
      "synchronize",
      [](const std::string& device) {
        const Device d = parse_device(device);
        const DeviceBackend* be = device_backend(d.type);
        if (be && be->synchronize) be->synchronize(d.index);
      },
      py::arg("device") = "cuda:0");
  m.def("set_default_device", [](const std::string& name) {
    const Device d = parse_device(name);
    check_device_available(d);
    default_device() = d;
  });
  m.def("default_device", []() { return default_device().str(); });
}
