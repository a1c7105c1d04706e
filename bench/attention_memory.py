"""Peak extra memory of causal dot_product_attention forward+backward (the sdpa_long workload:
batch 4, 2048 tokens, 8 heads, head dim 64), from the process's peak resident set (Linux
/proc/self/status): the peak minus the resident set before the step minus the tensors the
step must return (the output and the three input gradients).

    python bench/attention_memory.py
"""

import gc

import numpy as np

import kerasnet as kn


def _status_mib(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"{key} not in /proc/self/status")


def main():
    B, T, N, H = 4, 2048, 8, 64
    rng = np.random.default_rng(0)
    xs = [kn.Variable(rng.standard_normal((B, T, N, H), dtype=np.float32)) for _ in range(3)]
    gc.collect()
    before = _status_mib("VmRSS")
    with kn.GradientTape() as tape:
        loss = kn.ops.sum(kn.ops.dot_product_attention(*xs, is_causal=True))
    tape.gradient(loss, xs)
    peak = _status_mib("VmHWM")
    returned = 4 * B * T * N * H * 4 / 2**20
    print(f"resident before {before:.0f} MiB, peak {peak:.0f} MiB, returned tensors {returned:.0f} MiB: "
          f"peak extra {peak - before - returned:.0f} MiB (the full score matrix would be "
          f"{B * N * T * T * 4 / 2**20:.0f} MiB)")


if __name__ == "__main__":
    main()
