"""Cost of recording on a tape and of one gradient call, on a 100-op chain of small tensors.

    python bench/autograd_overhead.py [--ops 100] [--size 16] [--repeat 7]

Times (a) the chain's forward without a tape, (b) the forward while a tape records, (c) the
tape.gradient call, for kerasnet and, when installed, PyTorch autograd on the same chain
(x -> sin -> *1.01 -> +0.1 -> ...). Reports microseconds per recorded node and per gradient
call, and the ratio to PyTorch.
"""

import argparse
import statistics
import time


def _median(fn, repeat, inner):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - t0) / inner)
    return statistics.median(times)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ops", type=int, default=100)
    ap.add_argument("--size", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    import numpy as np

    import kerasnet as kn

    kn.config.set_num_threads(args.threads)
    x0 = np.random.default_rng(0).standard_normal(args.size).astype(np.float32)
    n_ops = args.ops

    def chain_kn(x):
        for i in range(n_ops // 3):
            x = kn.ops.add(kn.ops.multiply(kn.ops.sin(x), 1.01), 0.1)
        return kn.ops.sum(x)

    xv = kn.Variable(x0)
    xt = kn.ops.convert_to_tensor(x0)

    def kn_plain():
        chain_kn(xt)

    def kn_record():
        with kn.GradientTape() as tape:
            chain_kn(xv)
        return tape

    def kn_full():
        with kn.GradientTape() as tape:
            y = chain_kn(xv)
        tape.gradient(y, xv)

    inner = 50
    plain = _median(kn_plain, args.repeat, inner)
    record = _median(kn_record, args.repeat, inner)
    full = _median(kn_full, args.repeat, inner)
    nodes = 3 * (n_ops // 3) + 1
    rows = [("kerasnet", plain, record, full)]
    try:
        import torch

        torch.set_num_threads(args.threads)
        tx = torch.from_numpy(x0)
        tv = torch.from_numpy(x0.copy()).requires_grad_(True)

        def chain_t(x):
            for i in range(n_ops // 3):
                x = torch.add(torch.mul(torch.sin(x), 1.01), 0.1)
            return torch.sum(x)

        def t_plain():
            with torch.no_grad():
                chain_t(tx)

        def t_record():
            chain_t(tv)

        def t_full():
            chain_t(tv).backward()

        rows.append(("torch", _median(t_plain, args.repeat, inner), _median(t_record, args.repeat, inner),
                     _median(t_full, args.repeat, inner)))
    except ImportError:
        pass
    print(f"chain of {nodes} ops on float32[{args.size}], {args.threads} thread(s); microseconds")
    print(f"{'framework':<10} {'forward':>9} {'recorded':>9} {'per node':>9} {'gradient':>9} {'per node':>9}")
    per = {}
    for name, p, r, f in rows:
        rec_node = (r - p) / nodes * 1e6
        grad = (f - r) * 1e6
        per[name] = (rec_node, grad)
        print(f"{name:<10} {p * 1e6:9.1f} {r * 1e6:9.1f} {rec_node:9.3f} {grad:9.1f} {grad / nodes:9.3f}")
    if "torch" in per:
        print(f"ratio kerasnet/torch: recording {per['kerasnet'][0] / per['torch'][0]:.2f}, "
              f"gradient call {per['kerasnet'][1] / per['torch'][1]:.2f}")


if __name__ == "__main__":
    main()
