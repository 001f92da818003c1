#!/usr/bin/python3
"""Writes sklearn.json: scikit-learn solutions that mathx/lasso's tests
compare with, checking the name mapping in doc.go (Lasso alpha,
ElasticNet alpha/l1_ratio, LogisticRegression C = 1/(n*lambda)).

    /usr/bin/python3 mathx/lasso/testdata/make_sklearn.py   # from the repository root

Needs python3-sklearn (Debian). Inputs come from numpy.random.default_rng(3).
"""
import json
import os

import numpy as np
import sklearn
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression

rng = np.random.default_rng(3)
n, d = 60, 30
A = rng.standard_normal((n, d))
x0 = np.zeros(d)
x0[rng.choice(d, 5, replace=False)] = rng.standard_normal(5)
b = A @ x0 + 0.1 * rng.standard_normal(n)
lam_max = np.max(np.abs(A.T @ b)) / n
labels = np.where(A @ x0 + 0.5 * rng.standard_normal(n) > 0, 1.0, -1.0)

out = {"versions": {"numpy": np.__version__, "sklearn": sklearn.__version__},
       "A": A.tolist(), "b": b.tolist(), "labels": labels.tolist(), "cases": []}

alpha = 0.1 * lam_max
m = Lasso(alpha=alpha, fit_intercept=False, tol=1e-10, max_iter=100000).fit(A, b)
out["cases"].append({"model": "Lasso", "alpha": alpha, "coef": m.coef_.tolist()})

for l1_ratio in (0.3, 0.8):
    m = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=False, tol=1e-10,
                   max_iter=100000).fit(A, b)
    out["cases"].append({"model": "ElasticNet", "alpha": alpha, "l1_ratio": l1_ratio,
                         "coef": m.coef_.tolist()})

lam = 0.02
m = LogisticRegression(penalty="l1", C=1.0 / (n * lam), solver="liblinear", fit_intercept=False,
                       tol=1e-10, max_iter=100000).fit(A, labels)
out["cases"].append({"model": "LogisticRegression", "lambda": lam, "C": 1.0 / (n * lam),
                     "solver": "liblinear", "coef": m.coef_.ravel().tolist()})

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sklearn.json")
with open(path, "w") as fh:
    json.dump(out, fh)
print("wrote", path)
