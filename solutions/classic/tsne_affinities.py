"""t-SNE conditional probabilities: a binary search of each row's precision, all rows at once."""

import numpy as np


def conditional_probabilities(sq_distances, perplexity, tol=1e-5, max_steps=100):
    d = np.asarray(sq_distances, dtype=np.float64)
    if d.ndim != 2 or d.shape[0] != d.shape[1] or d.shape[0] < 2:
        raise ValueError(f"sq_distances must be (N, N) with N >= 2, got {d.shape}")
    if not perplexity > 0:
        raise ValueError(f"perplexity must be > 0, got {perplexity}")
    n = len(d)
    target = np.log(perplexity)  # entropy in nats
    off = ~np.eye(n, dtype=bool)
    beta = np.ones(n)
    lo, hi = np.full(n, -np.inf), np.full(n, np.inf)  # largest too-low, smallest too-high beta
    active = np.ones(n, dtype=bool)
    P, evaluated = np.zeros((n, n)), np.ones(n)  # returned: the last beta of each row and its P
    for _ in range(max_steps):
        rows = np.flatnonzero(active)
        if rows.size == 0:
            break
        b = beta[rows, None]
        e = np.where(off[rows], np.exp(-d[rows] * b), 0.0)
        s = e.sum(axis=1, keepdims=True)
        s[s == 0] = 1e-8  # every exp underflowed: no 0 / 0 (scikit-learn's guard)
        p = e / s
        P[rows], evaluated[rows] = p, beta[rows]
        H = np.log(s[:, 0]) + b[:, 0] * (d[rows] * p).sum(axis=1)
        diff = H - target
        done = np.abs(diff) <= tol
        up = ~done & (diff > 0)  # too flat: sharpen
        down = ~done & (diff < 0)
        r_up, r_dn = rows[up], rows[down]
        lo[r_up] = beta[r_up]
        beta[r_up] = np.where(np.isinf(hi[r_up]), beta[r_up] * 2, (beta[r_up] + hi[r_up]) / 2)
        hi[r_dn] = beta[r_dn]
        beta[r_dn] = np.where(np.isinf(lo[r_dn]), beta[r_dn] / 2, (beta[r_dn] + lo[r_dn]) / 2)
        active[rows[done]] = False
    return P, evaluated
