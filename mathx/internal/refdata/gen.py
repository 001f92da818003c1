#!/usr/bin/python3
"""Regenerates the peer reference data that mathx's tests read from testdata/.

    /usr/bin/python3 mathx/internal/refdata/gen.py              # rewrite the testdata files
    /usr/bin/python3 mathx/internal/refdata/gen.py --out DIR    # write DIR/<pkg>/testdata/*.json instead
    /usr/bin/python3 mathx/internal/refdata/gen.py --check      # regenerate in memory, compare

Run from the repository root with Debian's interpreter and packages
(apt-get install python3-numpy python3-scipy python3-pot python3-torch).
`make test` does not run this script; the Go tests only read its output.

Files (paths below mathx/):

  ot/testdata/sinkhorn.json         POT ot.sinkhorn, ot.bregman.sinkhorn_log, ot.emd/emd2
  ot/testdata/wasserstein_1d.json   POT ot.wasserstein_1d, ot.emd2
  prox/testdata/prox.json           proximal operators and projections, closed forms in numpy
  online/testdata/proj_simplex.json the proj_simplex cases of prox.json
  sae/testdata/sae_topk.json        float64 TopK SAE forward pass in PyTorch
  cbo/testdata/consensus.json       CBO consensus point (log-sum-exp weights), numpy
  lasso/testdata/gauss_southwell.json  Gauss-Southwell(-Lipschitz) choice, numpy

Every input comes from a seeded numpy.random.default_rng or torch.Generator,
so on the same library versions the output is byte for byte the same; on
others, expect differences in the last bits (BLAS, SVD) and possibly in the
iteration counts of the iterative POT solvers. --check regenerates and
compares with the committed files, |new - old| <= tol + tol*|old| with
tol = 1e-12 for closed forms, 1e-10 for SVD-based results and 1e-9 for
the Sinkhorn solvers' outputs; integers, booleans and strings must match.
The format of each file is described in that package's testdata/README.md.
"""
import argparse
import json
import math
import os
import sys
import warnings

import numpy as np

MATHX = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def library_versions():
    """Versions of the libraries the data can depend on, in a fixed order."""
    import scipy
    v = {"numpy": np.__version__, "scipy": scipy.__version__}
    for key, mod in (("pot", "ot"), ("torch", "torch")):
        try:
            v[key] = __import__(mod).__version__
        except ImportError:
            pass
    return v


def plain(x):
    """json.dump fallback: numpy arrays and scalars to Python values."""
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    raise TypeError(f"cannot encode {type(x)}")


def encode(obj):
    return json.dumps(obj, default=plain, separators=(",", ":"))


# ---------------------------------------------------------------- mathx/ot

SINKHORN_PROBLEMS = [
    # name, n, m, reg, marginals, cost
    ("uniform_8x8_reg0.1", 8, 8, 0.1, "uniform", "sqeuclidean"),
    ("random_marg_12x9_reg0.05", 12, 9, 0.05, "random", "sqeuclidean"),
    ("uniform_30x25_reg0.02", 30, 25, 0.02, "uniform", "sqeuclidean"),
    ("euclid_20x20_reg0.05", 20, 20, 0.05, "random", "euclidean"),
    # target cloud moved by (3, 0): every M_ij/reg >= 1000, so exp(-M/reg)
    # is exactly 0 in float64 and the scaling-domain iteration breaks down
    ("underflow_15x15_reg0.004_shifted", 15, 15, 0.004, "random", "shift3"),
    # twice the squared distances with a small reg: many exact zeros in K,
    # but no zero row or column
    ("smallreg_15x15_reg0.002", 15, 15, 0.002, "random", "double"),
]

COST_METRIC_LABEL = {
    "sqeuclidean": "sqeuclidean",
    "euclidean": "euclidean",
    "shift3": "sqeuclidean, xt shifted by (3,0)",
    "double": "2*sqeuclidean",
}

UNDERFLOW_NOTE = ("K=exp(-M/reg) underflows to exact zeros; the scaling "
                  "iteration hits 0/0 or x/0, POT warns and returns the last "
                  "finite (wrong) scalings -- a Go port must detect this")

STOP_THR, MAX_ITER, EMD_MAX_ITER = 1e-12, 100000, 1_000_000


def marginal_errors(P, a, b):
    row = np.abs(P.sum(1) - a).sum()
    col = np.abs(P.sum(0) - b).sum()
    return row, col


def sinkhorn_problem(index, name, n, m, reg, marginals, cost):
    import ot
    rng = np.random.default_rng(1000 + index)
    xs = rng.random((n, 2))
    xt = rng.random((m, 2))
    if cost == "euclidean":
        M = ot.dist(xs, xt, metric="euclidean")
    elif cost == "shift3":
        xt = xt + np.array([3.0, 0.0])
        M = ot.dist(xs, xt)
    elif cost == "double":
        M = 2.0 * ot.dist(xs, xt)
    else:
        M = ot.dist(xs, xt)
    if marginals == "uniform":
        a, b = np.full(n, 1.0 / n), np.full(m, 1.0 / m)
    else:
        a = rng.random(n) + 0.1
        a /= a.sum()
        b = rng.random(m) + 0.1
        b /= b.sum()
    return xs, xt, M, a, b


def run_sinkhorn_plain(a, b, M, reg):
    import ot
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        P, log = ot.sinkhorn(a, b, M, reg, method="sinkhorn", numItermax=MAX_ITER,
                             stopThr=STOP_THR, log=True)
        row, col = marginal_errors(P, a, b)
    finite = bool(np.isfinite(P).all())
    total = float(row + col)
    ok = finite and total < 1e-6
    out = {"finite": finite, "ok": ok,
           "marginal_err_l1_total": total if finite else None,
           "warnings": sorted({str(w.message)[:120] for w in caught}),
           "niter": int(log.get("niter", -1))}
    if ok:
        out["plan"] = P
        out["linear_cost"] = float(np.sum(P * M))
        out["row_marginal_err_l1"] = float(row)
        out["col_marginal_err_l1"] = float(col)
    else:
        K = np.exp(-M / reg)
        out["note"] = UNDERFLOW_NOTE
        out["K_min"] = float(K.min())
        out["K_max"] = float(K.max())
    return out


def run_sinkhorn_log(a, b, M, reg):
    import ot
    # POT also stores exp(log_u) in the log, which overflows on the underflow
    # problem; only log_u and log_v are used here
    with np.errstate(over="ignore"):
        P, log = ot.bregman.sinkhorn_log(a, b, M, reg, numItermax=MAX_ITER,
                                         stopThr=STOP_THR, log=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(P > 0, P * np.log(P), 0.0).sum()
    linear = np.sum(P * M)
    row, col = marginal_errors(P, a, b)
    return {"plan": P,
            "linear_cost": float(linear),
            "neg_entropy_sum_PlogP": float(plogp),
            "entropic_objective": float(linear + reg * plogp),
            # P_ij = exp((f_i + g_j - M_ij)/reg)
            "f_potential": reg * log["log_u"],
            "g_potential": reg * log["log_v"],
            "niter": int(log.get("niter", -1)),
            "row_marginal_err_l1": float(row),
            "col_marginal_err_l1": float(col)}


def run_emd(a, b, M):
    import ot
    G = ot.emd(a, b, M, numItermax=EMD_MAX_ITER)
    return {"cost": float(ot.emd2(a, b, M, numItermax=EMD_MAX_ITER)),
            "plan": G,
            "nnz": int((G > 1e-15).sum())}


def sinkhorn_file():
    cases = []
    for index, (name, n, m, reg, marginals, cost) in enumerate(SINKHORN_PROBLEMS):
        xs, xt, M, a, b = sinkhorn_problem(index, name, n, m, reg, marginals, cost)
        cases.append({"name": name, "n": n, "m": m, "reg": reg, "a": a, "b": b,
                      "xs": xs, "xt": xt, "M": M,
                      "cost_metric": COST_METRIC_LABEL[cost],
                      "stopThr": STOP_THR, "numItermax": MAX_ITER,
                      "sinkhorn_plain": run_sinkhorn_plain(a, b, M, reg),
                      "sinkhorn_log": run_sinkhorn_log(a, b, M, reg),
                      "emd": run_emd(a, b, M)})
    return {"description": "Entropic OT (POT ot.sinkhorn, ot.bregman.sinkhorn_log), "
                           "exact OT (ot.emd/emd2)",
            "versions": library_versions(),
            "convention": "min_P <P,M> + reg*sum P_ij (log P_ij) s.t. P1=a, P^T1=b "
                          "(POT convention; no -1 term)",
            "cases": cases}


def wasserstein_1d_file():
    import ot
    cases = []
    for index, (n, m) in enumerate([(7, 5), (40, 60), (100, 100)]):
        rng = np.random.default_rng(2000 + index)
        u = rng.normal(0.0, 1.0, n)
        v = rng.normal(0.5, 1.5, m)
        uw = rng.random(n) + 0.1
        uw /= uw.sum()
        vw = rng.random(m) + 0.1
        vw /= vw.sum()
        case = {"u_values": u, "v_values": v, "u_weights": uw, "v_weights": vw}
        for p in (1, 2):
            # POT returns W_p^p; the exact OT with cost |x-y|^p checks it
            case[f"wasserstein_1d_p{p}_pth_power"] = float(ot.wasserstein_1d(u, v, uw, vw, p=p))
            cost = np.abs(u[:, None] - v[None, :]) ** p
            case[f"emd2_p{p}_check"] = float(ot.emd2(uw, vw, cost))
        case["wasserstein_1d_p1_uniform_weights"] = float(ot.wasserstein_1d(u, v, p=1))
        cases.append(case)
    return {"description": "ot.wasserstein_1d returns sum over quantiles |F_u^-1 - F_v^-1|^p, "
                           "i.e. W_p^p",
            "versions": library_versions(),
            "cases": cases}


# ---------------------------------------------------------------- mathx/prox, mathx/online

def soft(x, t):
    """prox of t*||.||_1."""
    return np.sign(x) * np.maximum(np.abs(x) - t, 0.0)


def block_soft(x, groups, t):
    """prox of t * sum_g ||x_g||_2 (groups partition the indices)."""
    out = np.zeros_like(x)
    for g in groups:
        g = np.asarray(g)
        norm = np.linalg.norm(x[g])
        if norm > t:
            out[g] = (1.0 - t / norm) * x[g]
    return out


def simplex_projection(x, z=1.0):
    """Projection onto {w >= 0, sum w = z} by sorting (Held, Wolfe & Crowder
    1974; Duchi et al. 2008): theta from the largest prefix that stays active."""
    desc = np.sort(x)[::-1]
    excess = np.cumsum(desc) - z
    k = np.arange(1, len(x) + 1)
    active = desc - excess / k > 0
    rho = k[active][-1]
    theta = excess[active][-1] / rho
    return np.maximum(x - theta, 0.0)


def l1_ball_projection(x, r):
    if np.abs(x).sum() <= r:
        return x.copy()
    return np.sign(x) * simplex_projection(np.abs(x), r)


def keep_largest(x, k):
    """Projection onto {||w||_0 <= k}: the k largest |x_i|, ties to the lower index."""
    keep = np.argsort(-np.abs(x), kind="stable")[:k]
    out = np.zeros_like(x)
    out[keep] = x[keep]
    return out, np.sort(keep)


def prox_file():
    rng = np.random.default_rng(7)
    cases = {}

    x = rng.normal(0, 1, 20)
    # Moreau: soft(x, t) + clip(x, -t, t) = x
    cases["soft_threshold"] = [{"x": x, "t": t, "prox": soft(x, t),
                                "moreau_conj_proj_linf_ball": np.clip(x, -t, t)}
                               for t in (0.0, 0.3, 1.0, 5.0)]

    x = rng.normal(0, 1, 12)
    groups = [[0, 1, 2], [3, 4], [5, 6, 7, 8], [9], [10, 11]]
    cases["group_soft_threshold"] = []
    for t in (0.2, 1.0, 2.5):
        p = block_soft(x, groups, t)
        cases["group_soft_threshold"].append({"x": x, "groups": groups, "t": t, "prox": p,
                                              "moreau_conj_proj": x - p})

    cases["proj_simplex"] = []
    for n, z in ((5, 1.0), (20, 1.0), (20, 3.0)):
        x = rng.normal(0, 1, n)
        cases["proj_simplex"].append({"x": x, "z": z, "proj": simplex_projection(x, z)})
    # all-equal input: the projection is uniform
    cases["proj_simplex"].append({"x": np.full(4, 7.0), "z": 1.0, "proj": np.full(4, 0.25)})

    cases["proj_l1_ball"] = []
    for r in (0.5, 1.0, 100.0):
        x = rng.normal(0, 1, 15)
        cases["proj_l1_ball"].append({"x": x, "r": r, "proj": l1_ball_projection(x, r)})

    x = rng.normal(0, 2, 10)
    lo, hi = -0.5 * np.ones(10), np.linspace(0.1, 2.0, 10)
    cases["proj_box"] = [{"x": x, "lo": lo, "hi": hi, "proj": np.clip(x, lo, hi)}]

    cases["prox_nuclear"] = []
    for shape, t in (((5, 4), 0.5), ((6, 8), 1.5), ((3, 3), 0.0)):
        X = rng.normal(0, 1, shape)
        U, s, Vt = np.linalg.svd(X, full_matrices=False)
        shrunk = np.maximum(s - t, 0.0)
        cases["prox_nuclear"].append({"X": X, "t": t, "prox": (U * shrunk) @ Vt,
                                      "singular_values": s,
                                      "shrunk_singular_values": shrunk,
                                      "nuclear_norm_of_prox": float(shrunk.sum())})

    x = rng.normal(0, 1, 16)
    cases["hard_threshold"] = [{"x": x, "t": t, "prox": np.where(np.abs(x) > t, x, 0.0)}
                               for t in (0.5, 1.2)]
    cases["proj_l0_ball"] = []
    for k in (1, 3, 8, 16):
        p, support = keep_largest(x, k)
        cases["proj_l0_ball"].append({"x": x, "k": k, "proj": p, "support": support})
    tie = np.array([1.0, -2.0, 2.0, 0.5, -2.0])
    p, support = keep_largest(tie, 2)
    cases["proj_l0_ball"].append({"x": tie, "k": 2, "proj": p, "support": support,
                                  "note": "ties broken by lower index"})

    x = rng.normal(0, 1, 8)
    cases["prox_l2_norm"] = [{"x": x, "t": t, "prox": block_soft(x, [list(range(8))], t)}
                             for t in (0.5, 10.0)]
    t = 0.7
    cases["prox_sq_l2"] = [{"x": x, "t": t, "prox": x / (1.0 + t),
                            "definition": "argmin_u t/2||u||^2 + 1/2||u-x||^2"}]
    t, l1, l2 = 0.5, 0.3, 0.8
    cases["prox_elastic_net"] = [{"x": x, "t": t, "l1": l1, "l2": l2,
                                  "prox": soft(x, t * l1) / (1 + t * l2),
                                  "definition": "argmin_u t*(l1||u||_1 + l2/2||u||^2) + 1/2||u-x||^2"}]
    return {"description": "Proximal operators / projections; closed forms in numpy",
            "versions": library_versions(),
            "cases": cases}


def proj_simplex_file(prox):
    return {"description": "Euclidean projection onto the scaled simplex; closed form in numpy",
            "versions": prox["versions"],
            "cases": {"proj_simplex": prox["cases"]["proj_simplex"]}}


# ---------------------------------------------------------------- mathx/sae

SAE_FORMULAS = {
    "pre": "(x - b_pre) @ W_enc^T + b_enc",
    "topk": "keep top-k entries of pre per row, apply ReLU to kept values, zero elsewhere",
    "recon": "z @ W_dec^T + b_pre  (W_dec is d_model x n_latents, unit-norm columns)",
    "mse": "mean over all B*d entries of (recon-x)^2",
    "nmse": "sum_rows ||recon-x||^2 / sum_rows ||x - mean_batch(x)||^2",
    "mutual_choice": "BatchTopK: top (k*B) of relu(pre) over the whole [B,F] matrix",
    "feature_choice": "each latent keeps its top m tokens of relu(pre) along the batch axis, "
                      "m=max(1,k*B//F)",
    "aux_k": "top k_aux of pre among dead latents (relu), reconstruct e=x-recon with W_dec "
             "(no bias), normalised by var of e",
}


def sae_file():
    import torch
    f64 = torch.float64
    d, F, k, B = 16, 64, 4, 8
    gen = torch.Generator().manual_seed(123)
    W_dec = torch.randn(d, F, generator=gen, dtype=f64)
    W_dec = W_dec / W_dec.norm(dim=0, keepdim=True)
    W_enc = W_dec.T.clone() + 0.05 * torch.randn(F, d, generator=gen, dtype=f64)
    b_pre = 0.1 * torch.randn(d, generator=gen, dtype=f64)
    b_enc = 0.05 * torch.randn(F, generator=gen, dtype=f64)
    x = torch.randn(B, d, generator=gen, dtype=f64)

    def decode(z, bias=True):
        out = z @ W_dec.T
        return out + b_pre if bias else out

    def spread(e):
        """sum over rows of ||e - mean_batch(e)||^2 / B."""
        return ((e - e.mean(0)) ** 2).sum(-1).mean()

    pre = (x - b_pre) @ W_enc.T + b_enc
    top_vals, top_idx = torch.topk(pre, k, dim=-1)
    z = torch.zeros_like(pre).scatter_(-1, top_idx, torch.relu(top_vals))
    recon = decode(z)
    mse = ((recon - x) ** 2).mean()
    nmse = ((recon - x) ** 2).sum(-1).mean() / spread(x)

    act = torch.relu(pre)
    # mutual choice (BatchTopK): the k*B largest activations of the batch
    vals, flat = torch.topk(act.flatten(), k * B)
    z_mc = torch.zeros_like(act).flatten().scatter_(0, flat, vals).view(B, F)
    # feature choice: each latent keeps its m largest tokens
    m = max(1, (k * B) // F)
    vals, rows = torch.topk(act, m, dim=0)
    z_fc = torch.zeros_like(act).scatter_(0, rows, vals)

    # aux-k (Gao et al. 2024): explain e = x - recon with the k_aux largest
    # pre-activations among the latents flagged dead
    dead = torch.zeros(F, dtype=torch.bool)
    dead[::4] = True
    k_aux = 6
    masked = torch.where(dead[None, :], pre, torch.full_like(pre, -math.inf))
    vals, idx = torch.topk(masked, k_aux, dim=-1)
    z_aux = torch.zeros_like(pre).scatter_(-1, idx, torch.relu(vals))
    e = x - recon
    aux_loss = ((decode(z_aux, bias=False) - e) ** 2).sum(-1).mean() / spread(e)

    return {"description": "TopK SAE forward pass, float64, fixed weights "
                           "(OpenAI sparse_autoencoder convention)",
            "versions": library_versions(),
            "shapes": {"d_model": d, "n_latents": F, "k": k, "batch": B},
            "formulas": SAE_FORMULAS,
            "x": x.numpy(), "W_enc": W_enc.numpy(), "W_dec": W_dec.numpy(),
            "b_pre": b_pre.numpy(), "b_enc": b_enc.numpy(),
            "pre": pre.numpy(), "topk_indices_sorted_desc": top_idx.numpy(),
            "z": z.numpy(), "recon": recon.numpy(), "mse": float(mse), "nmse": float(nmse),
            "mutual_choice": {"z": z_mc.numpy(), "recon": decode(z_mc).numpy(),
                              "active_per_token": (z_mc > 0).sum(1).numpy()},
            "feature_choice": {"m": m, "z": z_fc.numpy(), "recon": decode(z_fc).numpy(),
                               "active_per_token": (z_fc > 0).sum(1).numpy()},
            "aux_k": {"dead_mask": dead.numpy().astype(int), "k_aux": k_aux,
                      "z_aux": z_aux.numpy(), "aux_k_loss": float(aux_loss)}}


# ---------------------------------------------------------------- mathx/cbo, mathx/lasso

def cbo_and_gauss_southwell_files():
    """Both problems come from one stream, default_rng(99). The stream also
    fed vectors no mathx test uses (10 draws before the particles, 72
    between the particles and the least-squares problem); they are drawn
    and dropped so that the committed data stay reproducible."""
    rng = np.random.default_rng(99)
    rng.standard_normal(10)

    def rastrigin(X):  # averaged over coordinates: min 0 at 0
        return np.mean(X ** 2 - 10 * np.cos(2 * np.pi * X) + 10, axis=-1)

    X = rng.uniform(-3, 3, (10, 5))
    f = rastrigin(X)
    cases = []
    for alpha in (1.0, 30.0, 1e5):
        logw = -alpha * f
        w = np.exp(logw - logw.max())
        w /= w.sum()
        cases.append({"alpha": alpha, "weights": w, "consensus": w @ X})
    consensus = {
        "description": "CBO consensus point with log-sum-exp weights (numpy)",
        "versions": library_versions(),
        "cbo_consensus": {"objective": "mean_i(x_i^2 - 10 cos(2 pi x_i) + 10)",
                          "X": X, "f": f, "cases": cases,
                          "note": "alpha->inf gives argmin particle; naive exp(-alpha f) "
                                  "underflows for alpha=1e5"}}

    rng.standard_normal(5 * 12 + 12)
    A = rng.normal(0, 1, (15, 6)) * np.array([0.2, 1, 3, 0.5, 2, 1])
    b = rng.normal(0, 1, 15)
    x0 = np.zeros(6)
    grad = A.T @ (A @ x0 - b)
    L = (A ** 2).sum(0)
    gs = {
        "description": "Gauss-Southwell(-Lipschitz) coordinate choice on a least-squares "
                       "problem (numpy)",
        "versions": library_versions(),
        "gauss_southwell": {"A": A, "b": b, "x0": x0, "grad": grad, "L_coord": L,
                            "gs_choice": int(np.argmax(np.abs(grad))),
                            "gsl_choice": int(np.argmax(np.abs(grad) / np.sqrt(L))),
                            "objective": "0.5*||Ax-b||^2", "note": "0-based indices"}}
    return consensus, gs


# ---------------------------------------------------------------- driver

def build(groups):
    """Returns {path below mathx/: object} for the selected groups."""
    out = {}
    if "ot" in groups:
        out["ot/testdata/sinkhorn.json"] = sinkhorn_file()
        out["ot/testdata/wasserstein_1d.json"] = wasserstein_1d_file()
    if "prox" in groups:
        prox = prox_file()
        out["prox/testdata/prox.json"] = prox
        out["online/testdata/proj_simplex.json"] = proj_simplex_file(prox)
    if "sae" in groups:
        out["sae/testdata/sae_topk.json"] = sae_file()
    if "extras" in groups:
        out["cbo/testdata/consensus.json"], out["lasso/testdata/gauss_southwell.json"] = \
            cbo_and_gauss_southwell_files()
    return out


def tolerance(path, keys):
    if path.endswith("sinkhorn.json") and ("sinkhorn_plain" in keys or "sinkhorn_log" in keys):
        return 1e-9
    if "prox_nuclear" in keys:
        return 1e-10
    return 1e-12


def compare(path, new, old, keys=(), report=None):
    """Appends (keys, message) for every difference beyond tolerance; returns
    the largest relative difference |new-old|/(tol+tol|old|) seen."""
    worst = 0.0
    where = "/".join(str(k) for k in keys) or "(top)"
    if keys[:1] == ("versions",):
        if new != old:
            report.append((keys, f"note: versions differ: now {new}, committed {old}"))
        return 0.0
    if isinstance(old, dict):
        if not isinstance(new, dict) or list(new) != list(old):
            report.append((keys, f"FAIL {where}: keys differ"))
            return math.inf
        for k in old:
            worst = max(worst, compare(path, new[k], old[k], keys + (k,), report))
        return worst
    if isinstance(old, list):
        if not isinstance(new, list) or len(new) != len(old):
            report.append((keys, f"FAIL {where}: lengths differ"))
            return math.inf
        for i, (n, o) in enumerate(zip(new, old)):
            worst = max(worst, compare(path, n, o, keys + (i,), report))
        return worst
    if isinstance(old, float) and isinstance(new, (float, int)) and not isinstance(new, bool):
        tol = tolerance(path, keys)
        r = abs(new - old) / (tol + tol * abs(old))
        if not r <= 1:
            report.append((keys, f"FAIL {where}: {new!r} vs committed {old!r} (tol {tol:g})"))
        return r
    if type(new) is not type(old) or new != old:
        report.append((keys, f"FAIL {where}: {new!r} vs committed {old!r}"))
        return math.inf
    return 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=MATHX,
                    help="root to write <pkg>/testdata/*.json under (default: the mathx folder)")
    ap.add_argument("--check", action="store_true",
                    help="compare with the committed files instead of writing")
    ap.add_argument("--only", default="ot,prox,sae,extras",
                    help="comma-separated groups: ot, prox (prox and online), sae, "
                         "extras (cbo and lasso)")
    args = ap.parse_args()
    files = build(set(args.only.split(",")))
    failed = False
    for rel, obj in files.items():
        text = encode(obj)
        assert len(text) < 200_000, (rel, len(text))
        if not args.check:
            dest = os.path.join(args.out, rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "w") as fh:
                fh.write(text)
            print(f"wrote {dest} ({len(text)} bytes)")
            continue
        committed = os.path.join(MATHX, rel)
        with open(committed) as fh:
            old_text = fh.read()
        if old_text == text:
            print(f"{rel}: byte-identical")
            continue
        report = []
        worst = compare(rel, json.loads(text), json.loads(old_text), (), report)
        bad = [m for _, m in report if m.startswith("FAIL")]
        failed = failed or bool(bad)
        status = "DIFFERS" if bad else "agrees within tolerance"
        print(f"{rel}: {status} (largest difference {worst:.3g} of its tolerance)")
        for _, m in report[:20]:
            print("   ", m)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
