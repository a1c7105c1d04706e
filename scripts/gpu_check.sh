#!/usr/bin/env bash
# The GPU check of kerasnet's CUDA path, in one run on a machine with an NVIDIA GPU, nvcc and the
# build tools already installed (no network needed):
#   1. what the machine has (GPU, driver, nvcc, Python);
#   2. pip install --no-build-isolation . with CUDA required (KERASNET_CUDA=ON);
#   3. the installed module sees the GPU;
#   4. pytest tests/cuda (every CUDA kernel against numpy and the CPU, memory, autograd), then
#      the CPU engine's core/ops/autograd tests on all of the machine's cores;
#   5. a small timing: add, exp and sum of 16M float32 on the GPU and on the CPU.
# Usage, from anywhere:  bash scripts/gpu_check.sh
# The whole log goes to stdout and, when $OUT is set, to $OUT/gpu_check.log. Exit status: 0 when
# the build and the tests passed. GPU_CHECK_SANITIZE=1 adds a compute-sanitizer memcheck pass over
# a few tests (slow).
set -u -o pipefail
cd "$(dirname "$0")/.."

if [ -n "${OUT:-}" ]; then
  mkdir -p "$OUT"
  exec > >(tee "$OUT/gpu_check.log") 2>&1
fi
export PYTHONUNBUFFERED=1
PY=${PYTHON:-python3}
status=0
step() { echo; echo "==== $* ($(date +%T))"; }

step "1. machine"
nvidia-smi -L || echo "nvidia-smi: not found or failed"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
command -v nvcc && nvcc --version | tail -2 || echo "nvcc: not on PATH"
"$PY" --version
"$PY" -c "import numpy, pybind11, scikit_build_core; print('numpy', numpy.__version__, '| pybind11', pybind11.__version__, '| scikit-build-core', scikit_build_core.__version__)"
cmake --version | head -1
echo "cores: $(nproc)"

step "2. pip install --no-build-isolation . (KERASNET_CUDA=ON)"
if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH=/usr/local/cuda/bin:$PATH
fi
t0=$(date +%s)
if "$PY" -m pip install --no-build-isolation --no-deps -v . --config-settings=cmake.define.KERASNET_CUDA=ON; then
  echo "build + install: $(( $(date +%s) - t0 )) s"
else
  echo "BUILD FAILED after $(( $(date +%s) - t0 )) s"
  echo "GPU CHECK: FAIL (build)"
  exit 1
fi

step "3. the installed module"
cd /tmp  # import the installed package, not the source tree
"$PY" - <<'EOF' || status=1
import time
t = time.perf_counter()
import kerasnet
from kerasnet import _C
print(f"import kerasnet: {time.perf_counter() - t:.3f} s from {kerasnet.__file__}")
for k, v in _C.build_info().items():
    print(f"  {k}: {v}")
n = _C.cuda_device_count()
print("cuda_device_count:", n)
assert n > 0, "the module sees no GPU"
x = _C.add(_C.ones((4,), device="cuda:0"), 1.5)
print("ones(4) + 1.5 on", x.device, "->", x.numpy())
EOF
cd - >/dev/null

step "4. pytest tests/cuda"
t0=$(date +%s)
"$PY" -m pytest -q -p no:cacheprovider tests/cuda || status=1
echo "tests: $(( $(date +%s) - t0 )) s"

step "4c. CPU engine on this machine's cores: thread pool, ops, autograd"
t0=$(date +%s)
"$PY" -m pytest -q -p no:cacheprovider -x tests/core tests/ops tests/autograd || status=1
echo "tests: $(( $(date +%s) - t0 )) s"

if [ "${GPU_CHECK_SANITIZE:-0}" = 1 ] && command -v compute-sanitizer >/dev/null; then
  step "4b. compute-sanitizer memcheck (a subset)"
  compute-sanitizer --tool memcheck --error-exitcode 9 "$PY" -m pytest -q -p no:cacheprovider tests/cuda \
    -k "round_trip or unary_matches_cpu and float32 or reductions_match_cpu and float32 or arg_reductions or cumulative or softmax or concatenate or training_step" \
    || status=1
fi

step "5. timing: 16M float32, median of 20 (GPU synchronised)"
cd /tmp
"$PY" - <<'EOF' || status=1
import time

import numpy as np

import kerasnet
from kerasnet import _C

n = 16 << 20
rng = np.random.default_rng(0)
xa = rng.standard_normal(n).astype(np.float32)
xb = rng.standard_normal(n).astype(np.float32)


def bench(fn, sync, reps=20):
    fn()
    sync()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        sync()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts)), min(ts)


def cpu_sync():
    pass


def gpu_sync():
    _C.synchronize("cuda:0")


a_cpu, b_cpu = _C.Tensor(xa), _C.Tensor(xb)
with kerasnet.device("gpu:0"):
    a_gpu, b_gpu = _C.Tensor(xa), _C.Tensor(xb)
cases = [("add", lambda a, b: _C.add(a, b), 3), ("exp", lambda a, b: _C.exp(a), 2),
         ("sum", lambda a, b: _C.sum(a), 1)]
print(f"{'op':<5} {'device':<7} {'median ms':>10} {'min ms':>8} {'GB/s':>8}")
ratios = {}
for name, fn, arrays in cases:
    res = {}
    for dev, a, b, sync in [("cpu", a_cpu, b_cpu, cpu_sync), ("cuda:0", a_gpu, b_gpu, gpu_sync)]:
        med, mn = bench(lambda: fn(a, b), sync)
        res[dev] = med
        print(f"{name:<5} {dev:<7} {med * 1e3:10.3f} {mn * 1e3:8.3f} {arrays * 4 * n / med / 1e9:8.1f}")
    ratios[name] = res["cpu"] / res["cuda:0"]
# Same numbers on both devices.
np.testing.assert_allclose(_C.sum(a_gpu).numpy(), _C.sum(a_cpu).numpy(), rtol=1e-4)
np.testing.assert_allclose(_C.exp(a_gpu).numpy(), _C.exp(a_cpu).numpy(), rtol=1e-5)
print("GPU speed-up over the CPU (%d threads): %s" % (
    kerasnet.config.get_num_threads() if hasattr(kerasnet.config, "get_num_threads") else _C.get_num_threads(),
    ", ".join(f"{k} {v:.1f}x" for k, v in ratios.items())))
EOF
cd - >/dev/null

echo
if [ $status = 0 ]; then echo "GPU CHECK: PASS"; else echo "GPU CHECK: FAIL"; fi
exit $status
