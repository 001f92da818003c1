#!/usr/bin/python3
"""PyTorch side of the gomx MLP benchmark (run by `go run ./bench/nn`).

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/nn/peer.py [--steps 300] [--repeats 3] [--threads N] [--dtypes float64,float32] [--sizes 784,256,256,10] [--batch 128] [--grok]

Trains the MLP --sizes (default 784-256-256-10; biases, ReLU) on the CPU with softmax
cross-entropy (torch.nn.functional.cross_entropy, mean over the batch) and
plain SGD (lr 0.01, no momentum), batches of --batch (128), in each dtype given, and
prints one line per repeat, then one JSON line {"torch", "threads",
"blas", "results": {dtype: [steps_per_sec, ...]}}.

With --grok it trains mathx/nn's grokking network as its TestGrokking
does instead: --sizes 2p,w,w,p on (a+b) mod p, inputs the one-hot a and b
side by side, --batch pairs (the training set: 40 % of the p² pairs; the
pairs are drawn here with torch.randperm, which changes nothing in the
work), no biases, full batch, the cross-entropy of the logits cast to
float32 (the test's softmax precision), ⊥Grad (per parameter tensor
g ← g⊥·‖g‖/(‖g⊥‖ + 1e-30), g⊥ = g − (θᵀg/(θᵀθ + 1e-30))θ, as the Grokking
paper defines it) then torch.optim.AdamW (lr 0.02, betas (0.9, 0.9),
eps 1e-25, weight_decay 0).

Data: 16 batches of Gaussian inputs with labels drawn uniformly among the
classes (the last width), drawn once (torch.Generator seeded 0) and cycled. The
network starts from torch's default initialisation (seeded). Each repeat
runs 20 unmeasured steps, then --steps timed ones.

torch.set_num_threads(--threads) sets the intra-op threads; the Go driver
runs this script with OPENBLAS_NUM_THREADS=1 (and OMP_NUM_THREADS=N) in
the environment so that the BLAS does not start threads of its own, and
this script refuses to run without it.

Needs python3-torch (Debian).
"""
import argparse
import glob
import json
import os
import time

import torch

SIZES, BATCH, LR, N_BATCHES = (784, 256, 256, 10), 128, 0.01, 16  # --sizes, --batch


def blas_info():
    """torch's BLAS_INFO and, for Debian's generic BLAS, the library that
    libblas.so.3 resolves to (update-alternatives)."""
    info = "BLAS_INFO=?"
    for part in torch.__config__.show().replace("\n", ",").split(","):
        if "BLAS_INFO" in part:
            info = part.strip().split()[-1]
    libs = sorted(glob.glob("/usr/lib/*/libblas.so.3"))
    if libs:
        info += " -> " + os.path.realpath(libs[0])
    return info


def orthograd(params):
    """⊥Grad on each parameter's gradient, in place (the formula above)."""
    for p in params:
        w, g = p.detach().view(-1), p.grad.view(-1)
        proj = torch.dot(w, g) / (torch.dot(w, w) + 1e-30)
        g_orth = g - proj * w
        g.copy_(g_orth * (torch.linalg.vector_norm(g) / (torch.linalg.vector_norm(g_orth) + 1e-30)))


def run_grok(dtype, steps, seed):
    p = SIZES[-1]
    if len(SIZES) != 4 or SIZES[0] != 2 * p:
        raise SystemExit(f"peer.py: --grok needs --sizes 2p,w,w,p, got {SIZES}")
    g = torch.Generator().manual_seed(0)
    pairs = torch.randperm(p * p, generator=g)[:BATCH]
    a, b = pairs // p, pairs % p
    x = torch.zeros(BATCH, 2 * p, dtype=dtype)
    x[torch.arange(BATCH), a] = 1
    x[torch.arange(BATCH), p + b] = 1
    y = (a + b) % p
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(SIZES[0], SIZES[1], bias=False), torch.nn.ReLU(),
        torch.nn.Linear(SIZES[1], SIZES[2], bias=False), torch.nn.ReLU(),
        torch.nn.Linear(SIZES[2], SIZES[3], bias=False)).to(dtype)
    params = list(model.parameters())
    opt = torch.optim.AdamW(params, lr=0.02, betas=(0.9, 0.9), eps=1e-25, weight_decay=0)

    def step():
        loss = torch.nn.functional.cross_entropy(model(x).to(torch.float32), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        orthograd(params)
        opt.step()
        return loss

    for _ in range(20):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = step()
    el = time.perf_counter() - t0
    return steps / el, float(loss)


def run(dtype, steps, seed):
    g = torch.Generator().manual_seed(0)
    xs = torch.randn(N_BATCHES, BATCH, SIZES[0], generator=g).to(dtype)
    ys = torch.randint(0, SIZES[-1], (N_BATCHES, BATCH), generator=g)
    torch.manual_seed(seed)
    layers = []
    for i in range(len(SIZES) - 1):
        layers.append(torch.nn.Linear(SIZES[i], SIZES[i + 1]))
        if i + 2 < len(SIZES):
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers).to(dtype)
    opt = torch.optim.SGD(model.parameters(), lr=LR)

    def step(i):
        loss = torch.nn.functional.cross_entropy(model(xs[i % N_BATCHES]), ys[i % N_BATCHES])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss

    for i in range(20):
        step(i)
    t0 = time.perf_counter()
    for i in range(steps):
        loss = step(i)
    el = time.perf_counter() - t0
    return steps / el, float(loss)


def main():
    global SIZES, BATCH
    ap = argparse.ArgumentParser(description="PyTorch MLP peer of bench/nn")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dtypes", default="float64,float32")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="layer widths, input first")
    ap.add_argument("--batch", type=int, default=BATCH)
    ap.add_argument("--grok", action="store_true", help="mathx/nn's grokking network and settings")
    args = ap.parse_args()
    SIZES, BATCH = tuple(int(s) for s in args.sizes.split(",")), args.batch
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        raise SystemExit("peer.py: run with OPENBLAS_NUM_THREADS=1 (the Go driver sets it)")
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {blas_info()}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, "
          f"MLP {'-'.join(map(str, SIZES))}, batch {BATCH}, "
          + ("no biases, AdamW lr 0.02 betas (0.9, 0.9) eps 1e-25 with ⊥Grad, float32 cross-entropy" if args.grok else f"SGD lr {LR}"),
          flush=True)
    results = {}
    for r in range(max(1, args.repeats)):
        for name in args.dtypes.split(","):
            sps, loss = (run_grok if args.grok else run)(getattr(torch, name), args.steps, r)
            results.setdefault(name, []).append(sps)
            print(f"repeat {r} {name}: {sps:.1f} steps/s, last loss {loss:.4f}", flush=True)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "blas": blas_info(), "results": results}))


if __name__ == "__main__":
    main()
