#!/usr/bin/python3
"""PyTorch side of the gomx TopK SAE benchmark (run by `go run ./bench/sae`).

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/sae/peer.py [--steps 1000] [--repeats 3] [--threads T] [--decode sparse|dense]

Trains a TopK sparse autoencoder on the CPU in float32 and prints one line
per repeat, then one JSON line {"torch", "threads", "runs": [...]}, each run
{"time", "steps_per_sec", "nmse", "dead", "dead_frac", "mean_max_cos",
"frac_cos_gt_0_9"}.

Threads: torch.set_num_threads(--threads, default 1); the Go driver runs
this script with OPENBLAS_NUM_THREADS=1 and OMP_NUM_THREADS equal to it,
and gomx with GOMAXPROCS equal to it, so that both sides have the same
number of threads.

Configuration (the same as the Go side): d_model = 64, 512 latents, k = 8,
batches of 1024, Adam with lr 1e-3, --steps steps. Data: toy superposition,
256 true unit directions in R^64; every sample switches each direction on
with probability 8/256, with a magnitude uniform on (0, 1); x = sum_i a_i f_i.
64 batches are drawn once (torch.Generator seeded 0) and cycled.

Model, in the convention of OpenAI's sparse_autoencoder
(https://github.com/openai/sparse_autoencoder; Gao et al. 2024, "Scaling
and evaluating sparse autoencoders", arXiv 2406.04093): pre = (x - b_pre)
W_enc^T + b_enc, z = ReLU of the k largest entries of each row of pre (zero
elsewhere), x_hat = z W_dec^T + b_pre; W_dec (64 x 512) starts as Gaussian
columns normalised to unit norm (a torch.Generator seeded with the repeat
index), W_enc = W_dec^T, b_enc = 0, b_pre = mean of the first batch.
The decoder is stored as its transpose, one row per latent (as gomx's
WDecT), so that the decode can be sparse: with --decode sparse (the
default) x_hat = embedding_bag(indices of the k winners, W_dec^T,
per_sample_weights = their ReLU values, mode "sum") + b_pre, which reads
only the k active rows per sample as gomx does; --decode dense multiplies
the dense B x 512 codes instead (z W_dec^T), the slower way. Loss:
normalised MSE, sum_rows ||x_hat - x||^2 / sum_rows ||x - mean_batch(x)||^2.
Each step removes from W_dec's gradient its component along each column,
takes an Adam step and renormalises the columns.

Reported per repeat: wall time of the --steps steps (steps/s), the last
batch's NMSE, dead latents (those that never fired in the last 100 steps)
and feature recovery: for each true direction the largest |cos| with a
decoder column; mean_max_cos is their mean, frac_cos_gt_0_9 the fraction
above 0.9.

Needs python3-torch (Debian).
"""
import argparse
import json
import os
import statistics
import time

import torch

D, LATENTS, K, BATCH, LR = 64, 512, 8, 1024, 1e-3
N_TRUE, P_ACTIVE, N_BATCHES = 256, 8 / 256, 64


def toy_data():
    g = torch.Generator().manual_seed(0)
    dirs = torch.randn(N_TRUE, D, generator=g)
    dirs /= dirs.norm(dim=1, keepdim=True)
    on = torch.rand(N_BATCHES * BATCH, N_TRUE, generator=g) < P_ACTIVE
    codes = torch.rand(N_BATCHES * BATCH, N_TRUE, generator=g) * on
    data = (codes @ dirs).view(N_BATCHES, BATCH, D).contiguous()
    return dirs, data, float(on.sum(1).float().mean())


class TopKSAE(torch.nn.Module):
    def __init__(self, seed, first_batch):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        w = torch.randn(D, LATENTS, generator=g)
        w /= w.norm(dim=0, keepdim=True)
        self.W_decT = torch.nn.Parameter(w.T.contiguous())  # LATENTS x D: row j is decoder column j
        self.W_enc = torch.nn.Parameter(w.T.clone())
        self.b_enc = torch.nn.Parameter(torch.zeros(LATENTS))
        self.b_pre = torch.nn.Parameter(first_batch.mean(0).clone())

    def forward(self, x, sparse):
        pre = (x - self.b_pre) @ self.W_enc.T + self.b_enc
        vals, idx = torch.topk(pre, K, dim=-1)
        vals = torch.relu(vals)
        if sparse:
            x_hat = torch.nn.functional.embedding_bag(idx, self.W_decT, per_sample_weights=vals, mode="sum")
        else:
            z = torch.zeros_like(pre).scatter(-1, idx, vals)
            x_hat = z @ self.W_decT
        return idx, vals, x_hat + self.b_pre


def nmse(x_hat, x):
    return ((x_hat - x) ** 2).sum(-1).mean() / ((x - x.mean(0)) ** 2).sum(-1).mean()


def train(seed, dirs, data, steps, sparse):
    model = TopKSAE(seed, data[0])
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    fired = torch.zeros(LATENTS, dtype=torch.bool)
    t0 = time.perf_counter()
    for step in range(steps):
        x = data[step % N_BATCHES]
        idx, vals, x_hat = model(x, sparse)
        loss = nmse(x_hat, x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        with torch.no_grad():
            w, gw = model.W_decT, model.W_decT.grad
            gw -= (gw * w).sum(1, keepdim=True) * w
        opt.step()
        with torch.no_grad():
            model.W_decT /= model.W_decT.norm(dim=1, keepdim=True)
        if step >= steps - 100:
            fired[idx[vals > 0]] = True
    elapsed = time.perf_counter() - t0
    with torch.no_grad():
        best_cos = (dirs @ model.W_decT.T).abs().max(1).values
    dead = int((~fired).sum())
    return {"time": elapsed, "steps_per_sec": steps / elapsed, "nmse": float(loss),
            "dead": dead, "dead_frac": dead / LATENTS,
            "mean_max_cos": float(best_cos.mean()),
            "frac_cos_gt_0_9": float((best_cos > 0.9).float().mean())}


def main():
    ap = argparse.ArgumentParser(description="PyTorch TopK SAE peer of bench/sae")
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    ap.add_argument("--decode", choices=["sparse", "dense"], default="sparse")
    args = ap.parse_args()
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        raise SystemExit("peer.py: run with OPENBLAS_NUM_THREADS=1 (the Go driver sets it)")
    torch.set_num_threads(args.threads)
    dirs, data, mean_active = toy_data()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {args.decode} decode, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}; data: {N_BATCHES} batches "
          f"x {BATCH} x {D}, {N_TRUE} true features, mean active/sample {mean_active:.2f}", flush=True)
    runs = []
    for r in range(max(1, args.repeats)):
        res = train(r, dirs, data, args.steps, args.decode == "sparse")
        runs.append(res)
        print(f"repeat {r}: {args.steps} steps in {res['time']:.2f}s ({res['steps_per_sec']:.1f} steps/s) "
              f"final nmse={res['nmse']:.4f} dead(last100)={res['dead']} "
              f"mean max|cos|={res['mean_max_cos']:.3f} frac>0.9={res['frac_cos_gt_0_9']:.3f}", flush=True)
    print(f"median {statistics.median(r['steps_per_sec'] for r in runs):.1f} steps/s", flush=True)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "decode": args.decode, "runs": runs}))


if __name__ == "__main__":
    main()
