"""Side-by-side timing of kerasnet against its peers on the reference workloads.

The same workloads as kerasnet-bench (../shared/bench/workloads.json) run through
kerasnet.ops, numpy (GEMM, elementwise) and PyTorch (when installed), in one
process, alternating between frameworks so that both see the same machine
state, with a pause before each switch: every framework's worker threads spin
for a while after a call (OpenBLAS for up to ~0.1 s), and a peer measured
while another's threads still spin loses a core to them. Prints a table and the
ratio kerasnet time / peer time (< 1: kerasnet is faster), or JSON lines with --json.

    python bench/compare.py [--threads N] [--filter SUBSTR] [--repeat R] [--json]
                            [--workloads PATH]
"""

import argparse
import json
import os
import statistics
import sys
import time


_QUIESCE_S = 0.15  # longer than any peer's spin-wait after a call


def _set_threads(n):
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(n)


def _bench(fn, repeat, target=0.05):
    fn()
    fn()
    t0 = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t0, 1e-7)
    inner = max(1, min(1000, int(target / once)))
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - t0) / inner)
    return statistics.median(times), min(times)


def _same_pad(size, k, s):
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def cases(w, np, kn, torch):
    """(op, case, shape, flops or None, bytes or None, {framework: fn})."""
    rng = np.random.default_rng(0)
    out = []
    g = w["gemm"]
    for n in g["sizes"]:
        for t in g["transposes"]:
            a = rng.standard_normal((n, n), dtype=np.float32)
            b = rng.standard_normal((n, n), dtype=np.float32)
            an = a.T if t[0] == "t" else a
            bn = b.T if t[1] == "t" else b
            ka, kb = kn.ops.convert_to_tensor(an), kn.ops.convert_to_tensor(bn)
            fns = {"kerasnet": lambda ka=ka, kb=kb: kn.ops.matmul(ka, kb), "numpy": lambda an=an, bn=bn: an @ bn}
            if torch is not None:
                ta, tb = torch.from_numpy(an), torch.from_numpy(bn)
                fns["torch"] = lambda ta=ta, tb=tb: ta @ tb
            out.append(("sgemm", t, f"{n}x{n}x{n}", 2.0 * n ** 3, None, fns))
    for m, k, n in g["skinny"]:
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((k, n), dtype=np.float32)
        ka, kb = kn.ops.convert_to_tensor(a), kn.ops.convert_to_tensor(b)
        fns = {"kerasnet": lambda ka=ka, kb=kb: kn.ops.matmul(ka, kb), "numpy": lambda a=a, b=b: a @ b}
        if torch is not None:
            ta, tb = torch.from_numpy(a), torch.from_numpy(b)
            fns["torch"] = lambda ta=ta, tb=tb: ta @ tb
        out.append(("sgemm", "skinny", f"{m}x{k}x{n}", 2.0 * m * n * k, None, fns))

    for c in w["conv2d"]:
        N, (H, W), C, F = c["batch"], c["hw"], c["cin"], c["cout"]
        kh, kw = c["kernel"]
        s = c["strides"]
        x = rng.standard_normal((N, H, W, C), dtype=np.float32)
        wt = rng.standard_normal((kh, kw, C, F), dtype=np.float32) * 0.1
        kx, kwt = kn.ops.convert_to_tensor(x), kn.Variable(wt)
        xv = kn.Variable(x) if c["input_grad"] else None

        def kn_fwd(kx=kx, kwt=kwt, s=s, pad=c["padding"]):
            kn.ops.conv(kx, kwt, strides=s, padding=pad)

        def kn_fwdbwd(kx=kx, kwt=kwt, xv=xv, s=s, pad=c["padding"]):
            src = xv if xv is not None else kx
            with kn.GradientTape() as tape:
                y = kn.ops.conv(src, kwt, strides=s, padding=pad)
                loss = kn.ops.sum(y)
            tape.gradient(loss, [kwt] + ([xv] if xv is not None else []))

        fwd = {"kerasnet": kn_fwd}
        both = {"kerasnet": kn_fwdbwd}
        if torch is not None:
            tx = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous().to(memory_format=torch.channels_last)
            tw = torch.from_numpy(wt).permute(3, 2, 0, 1).contiguous().requires_grad_(True)
            txg = tx.clone().requires_grad_(c["input_grad"])
            if c["padding"] == "same":
                ph, pw = _same_pad(H, kh, s), _same_pad(W, kw, s)
                pad4 = (pw[0], pw[1], ph[0], ph[1])
            else:
                pad4 = (0, 0, 0, 0)
            F_ = torch.nn.functional

            def t_fwd(tx=tx, tw=tw, s=s, pad4=pad4):
                with torch.no_grad():
                    F_.conv2d(F_.pad(tx, pad4), tw, stride=s)

            def t_fwdbwd(txg=txg, tw=tw, s=s, pad4=pad4):
                F_.conv2d(F_.pad(txg, pad4), tw, stride=s).sum().backward()

            fwd["torch"] = t_fwd
            both["torch"] = t_fwdbwd
        flops = 2.0 * N * (-(-H // s) if c["padding"] == "same" else (H - kh) // s + 1) * \
            (-(-W // s) if c["padding"] == "same" else (W - kw) // s + 1) * F * kh * kw * C
        shape = f"{N}x{H}x{W}x{C}->{F} {kh}x{kw}"
        out.append(("conv2d", c["name"] + " fwd", shape, flops, None, fwd))
        out.append(("conv2d", c["name"] + " fwd+bwd", shape, flops * (3 if c["input_grad"] else 2), None, both))

    for r in w.get("rnn", []):
        out += _rnn_cases(r, np, kn, torch, rng)
    for a in w.get("attention", []):
        if "head_dim" in a:
            out += _sdpa_cases(a, np, kn, torch, rng)

    for e in w["elementwise"]:
        n = e["n"]
        a = rng.standard_normal(n, dtype=np.float32)
        b = rng.standard_normal(n, dtype=np.float32)
        ka, kb = kn.ops.convert_to_tensor(a), kn.ops.convert_to_tensor(b)
        if e["op"] == "add":
            fns = {"kerasnet": lambda: kn.ops.add(ka, kb), "numpy": lambda: np.add(a, b)}
            nbytes = 12.0 * n
            if torch is not None:
                ta, tb = torch.from_numpy(a), torch.from_numpy(b)
                fns["torch"] = lambda: torch.add(ta, tb)
        else:
            fns = {"kerasnet": lambda: kn.ops.exp(ka), "numpy": lambda: np.exp(a)}
            nbytes = 8.0 * n
            if torch is not None:
                ta = torch.from_numpy(a)
                fns["torch"] = lambda: torch.exp(ta)
        out.append(("elementwise", e["name"], str(n), None, nbytes, fns))

    a4 = np.ones(4, np.float32)
    k4 = kn.ops.convert_to_tensor(a4)
    fns = {"kerasnet": lambda: k4 + k4, "numpy": lambda: a4 + a4}
    if torch is not None:
        t4 = torch.from_numpy(a4)
        fns["torch"] = lambda: t4 + t4
    out.append(("overhead", "tiny_add (Python call)", "4", None, None, fns))
    return out


def _rnn_cases(r, np, kn, torch, rng):
    """A whole LSTM/GRU sequence (Keras' default activations, GRU reset_after=True), outputs
    of every step; forward, and forward+backward through a sum of the outputs (input and weight
    gradients). PyTorch: nn.LSTM / nn.GRU with batch_first (the same cell equations)."""
    from kerasnet.ops import rnn as rnn_ops

    B, T, I, U = r["batch"], r["time"], r["input"], r["units"]
    cell = r["cell"]
    G = 4 if cell == "lstm" else 3
    x = rng.standard_normal((B, T, I), dtype=np.float32)
    k = kn.Variable(rng.standard_normal((I, G * U), dtype=np.float32) * 0.1)
    rk = kn.Variable(rng.standard_normal((U, G * U), dtype=np.float32) * 0.1)
    b = kn.Variable(np.zeros((G * U,) if cell == "lstm" else (2, G * U), np.float32))
    h0 = kn.ops.convert_to_tensor(np.zeros((B, U), np.float32))
    kx, xv = kn.ops.convert_to_tensor(x), kn.Variable(x)

    def run(src):
        if cell == "lstm":
            return rnn_ops.lstm(src, h0, h0, k, rk, b, None)[0]
        return rnn_ops.gru(src, h0, k, rk, b, None)[0]

    def kn_fwdbwd():
        with kn.GradientTape() as tape:
            loss = kn.ops.sum(run(xv))
        tape.gradient(loss, [xv, k, rk, b])

    fwd, both = {"kerasnet": lambda: run(kx)}, {"kerasnet": kn_fwdbwd}
    if torch is not None:
        layer = (torch.nn.LSTM if cell == "lstm" else torch.nn.GRU)(I, U, batch_first=True)
        tx, txg = torch.from_numpy(x), torch.from_numpy(x).clone().requires_grad_(True)

        def t_fwd():
            with torch.no_grad():
                layer(tx)

        def t_fwdbwd():
            layer(txg)[0].sum().backward()

        fwd["torch"], both["torch"] = t_fwd, t_fwdbwd
    flops = 2.0 * B * T * (I + U) * G * U  # input and recurrent products
    shape = f"{B}x{T}x{I}->{U}"
    return [("rnn", r["name"] + " fwd", shape, flops, None, fwd),
            ("rnn", r["name"] + " fwd+bwd", shape, 3 * flops, None, both)]


def _sdpa_cases(a, np, kn, torch, rng):
    """Causal scaled dot-product attention, (batch, seq, heads, dim) as Keras: the fused op against
    torch.nn.functional.scaled_dot_product_attention (its (batch, heads, seq, dim) layout)."""
    B, T, N, H = a["batch"], a["seq"], a["heads"], a["head_dim"]
    q, k, v = (rng.standard_normal((B, T, N, H), dtype=np.float32) for _ in range(3))
    kq, kk, kv = (kn.ops.convert_to_tensor(x) for x in (q, k, v))
    vq, vk, vv = (kn.Variable(x) for x in (q, k, v))

    def kn_fwdbwd():
        with kn.GradientTape() as tape:
            loss = kn.ops.sum(kn.ops.dot_product_attention(vq, vk, vv, is_causal=True))
        tape.gradient(loss, [vq, vk, vv])

    fwd = {"kerasnet": lambda: kn.ops.dot_product_attention(kq, kk, kv, is_causal=True)}
    both = {"kerasnet": kn_fwdbwd}
    if torch is not None:
        F_ = torch.nn.functional
        tq, tk, tv = (torch.from_numpy(x).transpose(1, 2).contiguous() for x in (q, k, v))
        gq, gk, gv = (x.clone().requires_grad_(True) for x in (tq, tk, tv))

        def t_fwd():
            with torch.no_grad():
                F_.scaled_dot_product_attention(tq, tk, tv, is_causal=True)

        def t_fwdbwd():
            F_.scaled_dot_product_attention(gq, gk, gv, is_causal=True).sum().backward()

        fwd["torch"], both["torch"] = t_fwd, t_fwdbwd
    flops = 2.0 * B * N * T * T * H  # QK^T and PV over the causal half
    shape = f"b{B} s{T} h{N} d{H} causal"
    return [("attention", a["name"] + " fwd", shape, flops, None, fwd),
            ("attention", a["name"] + " fwd+bwd", shape, 3.5 * flops, None, both)]


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--filter", default="")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--workloads", default=os.path.join(here, "..", "..", "shared", "bench", "workloads.json"))
    args = ap.parse_args(argv)
    _set_threads(args.threads)
    import numpy as np

    import kerasnet as kn

    kn.config.set_num_threads(args.threads)
    try:
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:
        torch = None
    with open(args.workloads) as f:
        w = json.load(f)
    rows = []
    for op, case, shape, flops, nbytes, fns in cases(w, np, kn, torch):
        if args.filter and args.filter not in f"{op} {case}":
            continue
        # Alternate frameworks, repeat by repeat, so both see the same machine state.
        times = {name: [] for name in fns}
        for _ in range(args.repeat):
            for name, fn in fns.items():
                time.sleep(_QUIESCE_S)
                times[name].append(_bench(fn, 1)[0])
        med = {name: statistics.median(t) for name, t in times.items()}
        rows.append((op, case, shape, flops, nbytes, med))
        if args.json:
            for name, t in med.items():
                rec = {"op": op, "case": case, "shape": shape, "framework": name, "threads": args.threads,
                       "median_ms": t * 1e3}
                if flops:
                    rec["gflops"] = flops / t / 1e9
                if nbytes:
                    rec["gbs"] = nbytes / t / 1e9
                print(json.dumps(rec), flush=True)
    if args.json:
        return
    peers = [p for p in ("numpy", "torch") if any(p in r[5] for r in rows)]
    header = f"{'op':<12} {'case':<22} {'shape':<22} {'kerasnet ms':>12}"
    for p in peers:
        header += f" {p + ' ms':>11} {'ratio':>6}"
    print(f"threads={args.threads}  (ratio = kerasnet time / peer time; < 1 means kerasnet is faster)")
    print(header)
    for op, case, shape, flops, nbytes, med in rows:
        line = f"{op:<12} {case:<22} {shape:<22} {med['kerasnet'] * 1e3:12.4f}"
        for p in peers:
            if p in med:
                line += f" {med[p] * 1e3:11.4f} {med['kerasnet'] / med[p]:6.2f}"
            else:
                line += f" {'-':>11} {'-':>6}"
        print(line)


if __name__ == "__main__":
    sys.exit(main())
