"""Entropic optimal transport: Sinkhorn iterations on the dual potentials, in the log domain."""

import numpy as np


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    top = x.max(axis=axis, keepdims=True)  # shift so the largest term is exp(0) = 1: no underflow to log(0)
    return (top + np.log(np.exp(x - top).sum(axis=axis, keepdims=True))).squeeze(axis)


def _validate(a, b, cost, reg):
    a, b, cost = (np.asarray(v, dtype=np.float64) for v in (a, b, cost))
    if a.ndim != 1 or b.ndim != 1 or not a.size or not b.size or cost.shape != (a.size, b.size):
        raise ValueError(f"need a (N,), b (M,) and cost (N, M) with N, M >= 1; got {a.shape}, {b.shape}, {cost.shape}")
    if not (a > 0).all() or not (b > 0).all():
        raise ValueError("masses a and b must be strictly positive")
    if not np.isclose(a.sum(), b.sum(), rtol=1e-6, atol=0):
        raise ValueError(f"a and b must have the same total mass, got {a.sum()} and {b.sum()}")
    if not np.isfinite(cost).all():
        raise ValueError("cost must be finite")
    if not reg > 0:
        raise ValueError(f"reg must be > 0, got {reg}")
    return a, b, cost


def sinkhorn(a: np.ndarray, b: np.ndarray, cost: np.ndarray, reg: float, num_iters: int = 1000,
             tol: float = 1e-9) -> np.ndarray:
    a, b, cost = _validate(a, b, cost, reg)
    if num_iters < 1:
        raise ValueError(f"num_iters must be >= 1, got {num_iters}")
    log_a, log_b = np.log(a), np.log(b)
    f, g = np.zeros_like(a), np.zeros_like(b)
    for _ in range(num_iters):
        f = reg * (log_a - _logsumexp((g[None, :] - cost) / reg, axis=1))  # rows now sum to a
        g = reg * (log_b - _logsumexp((f[:, None] - cost) / reg, axis=0))  # columns now sum to b
        plan = np.exp((f[:, None] + g[None, :] - cost) / reg)
        if np.abs(plan.sum(axis=1) - a).max() <= tol:
            break
    return plan
