#!/usr/bin/python3
"""POT side of the gomx mathx/ot benchmarks (run by `go run ./bench/ot`).

    /usr/bin/python3 bench/ot/pot_peer.py --out DIR [--cases B1,B2,B3] [--only NAME] [--repeats R] [--quick]

Builds each problem, writes its cost matrix to DIR/<name>.f64 (little-endian
float64, row-major) so the Go side solves exactly the same input, runs POT
and prints one JSON object {"versions": ..., "problems": [...]} on stdout.

Problems (uniform marginals throughout):
  B1  n = 500, 1000, 2000: sq. Euclidean cost (ot.dist) of U[0,1]^2 points,
      xs then xt from numpy.random.default_rng(n), reg = 0.05 max(M).
  B2  n = 500, 1000: the same points, reg = 0.002 max(M).
  B3  n = 500: C_ij i.i.d. U[0,1] from default_rng(20240112), reg = 1/1200.
Stopping: stopThr 1e-9 on ||P^T 1 - b||_2, checked every 10 iterations
(POT's rule); numItermax 100000, except sinkhorn_log on B3, which is capped
at 200 iterations and reported per iteration (a full run takes minutes).
Wall and CPU (process_time: all threads) times are the best of --repeats
runs (1 for runs longer than 5 s): on a shared machine the minimum is the
least disturbed figure.
"""
import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
import ot


def problems(cases, quick):
    out = []
    if "B1" in cases:
        for n in ((500, 1000) if quick else (500, 1000, 2000)):
            out.append(("B1", n, 0.05))
    if "B2" in cases:
        for n in ((500,) if quick else (500, 1000)):
            out.append(("B2", n, 0.002))
    if "B3" in cases:
        out.append(("B3", 500, None))
    return out


def build(case, n, frac):
    if case == "B3":
        rng = np.random.default_rng(20240112)
        M = rng.random((n, n))
        return M, 1.0 / 1200
    rng = np.random.default_rng(n)
    xs, xt = rng.random((n, 2)), rng.random((n, 2))
    M = ot.dist(xs, xt)
    return M, frac * M.max()


def run(method, a, M, reg, cap):
    with warnings.catch_warnings(record=True) as w, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        c0, t0 = time.process_time(), time.perf_counter()
        if method == "sinkhorn":
            P, log = ot.sinkhorn(a, a, M, reg, method="sinkhorn", numItermax=cap,
                                 stopThr=1e-9, log=True)
        else:
            P, log = ot.bregman.sinkhorn_log(a, a, M, reg, numItermax=cap,
                                             stopThr=1e-9, log=True)
        el = time.perf_counter() - t0
        cpu = time.process_time() - c0
    err = float(np.abs(P.sum(0) - a).sum() + np.abs(P.sum(1) - a).sum())
    niter = int(log.get("niter", -1))
    return dict(method=method, time=el, cpu=cpu, niter=niter, iterations=niter + 1,
                marg_err_l1=err if np.isfinite(err) else None,
                cost=float(np.sum(P * M)) if np.all(np.isfinite(P)) else None,
                warnings=sorted({str(x.message) for x in w})[:3], capped=cap)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--cases", default="B1,B2,B3")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="", help="run only the problem with this name, e.g. B2_n500")
    args = ap.parse_args()
    cases = set(args.cases.split(","))
    os.makedirs(args.out, exist_ok=True)
    res = {"versions": {"python": sys.version.split()[0], "numpy": np.__version__, "pot": ot.__version__},
           "problems": []}
    for case, n, frac in problems(cases, args.quick):
        name = f"{case}_n{n}"
        if args.only and args.only != name:
            continue
        M, reg = build(case, n, frac)
        M.astype("<f8").tofile(os.path.join(args.out, name + ".f64"))
        a = np.full(n, 1.0 / n)
        runs = []
        for method in ("sinkhorn", "sinkhorn_log"):
            cap = 200 if (case == "B3" and method == "sinkhorn_log") else 100000
            first = run(method, a, M, reg, cap)
            times, cpus = [first["time"]], [first["cpu"]]
            if first["time"] < 5:
                for _ in range(args.repeats - 1):
                    again = run(method, a, M, reg, cap)
                    times.append(again["time"])
                    cpus.append(again["cpu"])
            first["time"], first["cpu"] = min(times), min(cpus)
            first["per_iter_ms"] = first["time"] / first["iterations"] * 1e3
            runs.append(first)
            print(f"POT {name} {method}: {first['time']:.4f}s its={first['iterations']} "
                  f"per_iter={first['per_iter_ms']:.3f}ms err={first['marg_err_l1']}", file=sys.stderr, flush=True)
        res["problems"].append(dict(name=name, case=case, n=n, reg=reg, maxM=float(M.max()),
                                    file=name + ".f64", pot=runs))
    json.dump(res, sys.stdout)


if __name__ == "__main__":
    main()
