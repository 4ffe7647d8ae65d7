"""Gaussian mixture with full covariances by EM, responsibilities in the log domain."""

import numpy as np


def _log_gaussian(x, means, covs):
    """log N(x_i | mu_j, Sigma_j) for every sample and component: (n, k)."""
    d = x.shape[1]
    chol = np.linalg.cholesky(covs)  # (k, d, d)
    diff = x[None] - means[:, None]  # (k, n, d)
    z = np.linalg.solve(chol, diff.transpose(0, 2, 1))  # L^-1 (x - mu): (k, d, n)
    log_det = 2 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    return -0.5 * (d * np.log(2 * np.pi) + log_det[:, None] + (z**2).sum(axis=1)).T


def _e_step(x, weights, means, covs):
    log_rho = _log_gaussian(x, means, covs) + np.log(weights)
    top = log_rho.max(axis=1, keepdims=True)
    log_px = top + np.log(np.exp(log_rho - top).sum(axis=1, keepdims=True))  # logsumexp over components
    return float(log_px.mean()), np.exp(log_rho - log_px)


def _m_step(x, resp, reg_covar):
    nk = resp.sum(axis=0) + 10 * np.finfo(np.float64).eps
    means = resp.T @ x / nk[:, None]
    diff = x[None] - means[:, None]  # (k, n, d)
    covs = (resp.T[:, :, None] * diff).transpose(0, 2, 1) @ diff / nk[:, None, None]
    return nk / nk.sum(), means, covs + reg_covar * np.eye(x.shape[1])


def _kmeans_pp(x, k, rng):
    chosen = [rng.integers(len(x))]
    d2 = ((x - x[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = d2.sum()
        i = rng.choice(len(x), p=d2 / total) if total > 0 else rng.integers(len(x))
        chosen.append(i)
        d2 = np.minimum(d2, ((x - x[i]) ** 2).sum(axis=1))
    return x[chosen]


def gmm_em(x: np.ndarray, k: int, rng: np.random.Generator, max_iter: int = 100, tol: float = 1e-6,
           reg_covar: float = 1e-6, init_means: np.ndarray | None = None):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or len(x) == 0:
        raise ValueError(f"x must be (n, d) with n >= 1, got shape {x.shape}")
    n, d = x.shape
    if not 1 <= k <= n:
        raise ValueError(f"k must lie in [1, n={n}], got {k}")
    if reg_covar < 0:
        raise ValueError("reg_covar must be >= 0")
    if init_means is None:
        means = _kmeans_pp(x, k, rng)
    else:
        means = np.array(init_means, dtype=np.float64)
        if means.shape != (k, d):
            raise ValueError(f"init_means must be ({k}, {d}), got {means.shape}")
    weights = np.full(k, 1.0 / k)
    covs = np.repeat((np.cov(x.T, bias=True).reshape(d, d) + reg_covar * np.eye(d))[None], k, axis=0)

    ll, resp = _e_step(x, weights, means, covs)
    history = [ll]
    for _ in range(max_iter):
        weights, means, covs = _m_step(x, resp, reg_covar)
        ll, resp = _e_step(x, weights, means, covs)
        history.append(ll)
        if history[-1] - history[-2] < tol:
            break
    return weights, means, covs, np.array(history)
