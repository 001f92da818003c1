#!/usr/bin/python3
"""numpy side of the gomx CBO benchmark (run by `go run ./bench/cbo`).

    /usr/bin/python3 bench/cbo/peer.py [--runs 100] [--steps 5000] [--seed 0] [--cbxpy DIR]

Runs consensus-based optimisation (Pinnau, Totzeck, Tse & Martin 2017;
anisotropic noise: Carrillo, Jin, Li & Zhu 2021) on the configuration of
CBXpy's success evaluation: Rastrigin in sum form,
f(x) = 10 d + sum_i (x_i^2 - 10 cos(2 pi x_i)), minimum 0 at x = 0, d = 20,
N = 40 particles drawn from U(-3, 3)^d, lambda = 1, sigma = 10.1,
alpha = 30, dt = 0.01, anisotropic noise, --steps Euler-Maruyama steps,
--runs independent runs vectorised over one runs x N x d array. Success
means ||c||_inf < 0.25 for the final consensus point c.

One step, for every particle x_i of a run (* is the elementwise product):
    c   = sum_i w_i x_i / sum_i w_i,  w_i = exp(-alpha f(x_i))  (log-sum-exp: shift by the largest)
    x_i <- x_i - lambda dt (x_i - c) + sigma sqrt(dt) (x_i - c) * xi_i,  xi_i ~ N(0, I)

Prints one human-readable line, then one JSON line {"impl": "numpy", "wall",
"cpu", "runs", "steps", "success", "median_err"}: wall is perf_counter, cpu
is process_time (all threads), both around the runs only.

--cbxpy DIR also runs CBXpy (https://github.com/PdIPS/CBXpy) from a checkout
or installation at DIR on the same configuration (its own random initial
particles, seeds 100 + seed) and prints a second JSON line with
"impl": "cbxpy". CBXpy is optional; the numpy implementation above is
written from the published update, not taken from CBXpy.

Needs python3-numpy (Debian).
"""
import argparse
import json
import sys
import time
import warnings

import numpy as np

DIM, N = 20, 40
DT, LAMBDA, SIGMA, ALPHA = 0.01, 1.0, 10.1, 30.0


def rastrigin(X):
    return np.sum(X ** 2 - 10.0 * np.cos(2 * np.pi * X) + 10.0, axis=-1)


def consensus(X, alpha):
    """Weighted mean of each run's particles, weights exp(-alpha f), stabilised."""
    logw = -alpha * rastrigin(X)                       # runs x N
    w = np.exp(logw - logw.max(axis=1, keepdims=True))
    w /= w.sum(axis=1, keepdims=True)
    return np.einsum("rn,rnd->rd", w, X)


def cbo(runs, steps, seed):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3.0, 3.0, (runs, N, DIM))
    scale = SIGMA * np.sqrt(DT)
    for _ in range(steps):
        diff = X - consensus(X, ALPHA)[:, None, :]
        xi = rng.standard_normal(X.shape)
        X = X - LAMBDA * DT * diff + scale * (diff * xi)
    return consensus(X, ALPHA)


def summary(impl, c, wall, cpu, runs, steps):
    err = np.abs(c).max(axis=-1)
    return {"impl": impl, "wall": wall, "cpu": cpu, "runs": runs, "steps": steps,
            "success": float(np.mean(err < 0.25)), "median_err": float(np.median(err))}


def run_cbxpy(path, runs, steps, seed):
    sys.path.insert(0, path)
    from cbx.dynamics import CBO
    from cbx.objectives import Rastrigin
    x0 = np.random.default_rng(100 + seed).uniform(-3.0, 3.0, (runs, N, DIM))
    dyn = CBO(Rastrigin(), x=x0, dt=DT, lamda=LAMBDA, sigma=SIGMA, alpha=ALPHA,
              noise="anisotropic", max_it=steps, verbosity=0, f_dim="3D", seed=seed)
    t0, c0 = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dyn.optimize()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return summary("cbxpy", np.asarray(dyn.consensus).reshape(runs, DIM), wall, cpu, runs, steps)


def main():
    ap = argparse.ArgumentParser(description="numpy CBO peer of bench/cbo")
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--steps", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cbxpy", default="", help="also run CBXpy from this folder")
    args = ap.parse_args()
    t0, c0 = time.perf_counter(), time.process_time()
    c = cbo(args.runs, args.steps, args.seed)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    results = [summary("numpy", c, wall, cpu, args.runs, args.steps)]
    if args.cbxpy:
        results.append(run_cbxpy(args.cbxpy, args.runs, args.steps, args.seed))
    for r in results:
        print(f"{r['impl']}: numpy {np.__version__}, d={DIM} N={N} anisotropic sigma={SIGMA} "
              f"alpha={ALPHA} dt={DT}: runs={r['runs']} steps={r['steps']} wall={r['wall']:.2f}s "
              f"cpu={r['cpu']:.2f}s success(||c||_inf<0.25)={r['success']:.2f} "
              f"median ||c||_inf={r['median_err']:.3e}", flush=True)
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
