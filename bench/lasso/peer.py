#!/usr/bin/python3
"""scikit-learn side of the gomx lasso benchmark (run by `go run ./bench/lasso`).

    /usr/bin/python3 bench/lasso/peer.py [--repeats R] [--dump DIR]

Builds the seeded lasso problem, times scikit-learn's Lasso (cyclic
coordinate descent) on it and prints one summary line starting with "n=",
then one JSON line {"time_med", "rel_gap", "lambda"}.

Problem: numpy.random.default_rng(0) draws A (1000 x 500, i.i.d. N(0, 1)),
then the support of a 25-sparse truth x0 (rng.choice without replacement),
its values (N(0, 1)), then the noise: b = A x0 + 0.1 N(0, 1).
lambda = 0.1 lambda_max, lambda_max = ||A^T b||_inf / n, objective
(1/2n)||Ax - b||^2 + lambda ||x||_1 (scikit-learn's scaling, alpha = lambda).
Lasso(alpha=lambda, fit_intercept=False, tol=1e-10, max_iter=100000); the
time is the median of R fits, the gap the largest of their relative
duality gaps (rel_gap below, the formula of mathx/lasso's Gap).

--dump DIR writes the problem for the Go side: lasso_A.f64 (row-major n x d)
and lasso_b.f64, both little-endian float64, and lasso.json {n, d, lambda,
lambda_max, objective, layout}.

Needs python3-numpy and python3-sklearn (Debian).
"""
import argparse
import json
import os
import statistics
import time

import numpy as np


def make_problem(n=1000, d=500, s=25, noise=0.1, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, d))
    truth = np.zeros(d)
    support = rng.choice(d, s, replace=False)
    truth[support] = rng.standard_normal(s)
    b = A @ truth + noise * rng.standard_normal(n)
    return A, b


def rel_gap(A, b, x, lam):
    """(P - D)/P for P(x) = (1/2n)||Ax - b||^2 + lam||x||_1, with the dual
    point built from the residual r = b - Ax: theta = r / max(n lam, ||A^T r||_inf),
    D = (||b||^2 - ||b - n lam theta||^2) / (2n)."""
    n = A.shape[0]
    r = b - A @ x
    primal = 0.5 / n * (r @ r) + lam * np.abs(x).sum()
    theta = r / max(n * lam, np.abs(A.T @ r).max())
    dual = 0.5 / n * (b @ b) - 0.5 / n * np.sum((b - n * lam * theta) ** 2)
    return (primal - dual) / primal


def dump(folder, A, b, lam, lam_max):
    os.makedirs(folder, exist_ok=True)
    A.astype("<f8").tofile(os.path.join(folder, "lasso_A.f64"))
    b.astype("<f8").tofile(os.path.join(folder, "lasso_b.f64"))
    meta = {"n": A.shape[0], "d": A.shape[1], "lambda": lam, "lambda_max": lam_max,
            "objective": "(1/2n)||Ax-b||^2 + lambda||x||_1",
            "layout": "little-endian float64, row-major"}
    with open(os.path.join(folder, "lasso.json"), "w") as fh:
        json.dump(meta, fh)


def main():
    ap = argparse.ArgumentParser(description="scikit-learn Lasso peer of bench/lasso")
    ap.add_argument("--repeats", type=int, default=3, help="timed fits (median reported)")
    ap.add_argument("--dump", help="write the problem to this folder for the Go side")
    args = ap.parse_args()

    from sklearn.linear_model import Lasso

    A, b = make_problem()
    n, d = A.shape
    lam_max = np.abs(A.T @ b).max() / n
    lam = 0.1 * lam_max
    if args.dump:
        dump(args.dump, A, b, lam, lam_max)
    times, gaps = [], []
    for _ in range(max(1, args.repeats)):
        model = Lasso(alpha=lam, fit_intercept=False, tol=1e-10, max_iter=100000)
        t0 = time.perf_counter()
        model.fit(A, b)
        times.append(time.perf_counter() - t0)
        gaps.append(rel_gap(A, b, model.coef_, lam))
    med = statistics.median(times)
    print(f"n={n} d={d} lam=0.1*lam_max={lam:.5f} nnz={int(np.count_nonzero(model.coef_))} "
          f"time_med={med * 1e3:.2f} ms rel_gap={max(gaps):.2e} iters={model.n_iter_}", flush=True)
    print(json.dumps({"time_med": med, "rel_gap": float(max(gaps)), "lambda": float(lam)}))


if __name__ == "__main__":
    main()
