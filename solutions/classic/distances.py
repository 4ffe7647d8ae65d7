"""Pairwise Euclidean, cosine and Mahalanobis distances in numpy, float64 throughout."""

import numpy as np


def _pair(xa, xb):
    xa, xb = np.asarray(xa, dtype=np.float64), np.asarray(xb, dtype=np.float64)
    if xa.ndim != 2 or xb.ndim != 2 or xa.shape[1] != xb.shape[1]:
        raise ValueError(f"xa (M, D) and xb (N, D) needed, got {xa.shape} and {xb.shape}")
    return xa, xb


def euclidean_distances(xa: np.ndarray, xb: np.ndarray) -> np.ndarray:
    xa, xb = _pair(xa, xb)
    d2 = (xa**2).sum(1)[:, None] + (xb**2).sum(1)[None, :] - 2.0 * xa @ xb.T
    return np.sqrt(np.maximum(d2, 0.0))  # rounding can make d2 of identical rows slightly negative


def cosine_distances(xa: np.ndarray, xb: np.ndarray) -> np.ndarray:
    xa, xb = _pair(xa, xb)
    na, nb = np.linalg.norm(xa, axis=1), np.linalg.norm(xb, axis=1)
    ua = np.divide(xa, na[:, None], out=np.zeros_like(xa), where=na[:, None] > 0)  # zero rows stay 0
    ub = np.divide(xb, nb[:, None], out=np.zeros_like(xb), where=nb[:, None] > 0)
    return 1.0 - ua @ ub.T


def mahalanobis_distances(xa: np.ndarray, xb: np.ndarray, vi: np.ndarray | None = None) -> np.ndarray:
    xa, xb = _pair(xa, xb)
    d = xa.shape[1]
    if vi is None:
        vi = np.linalg.inv(np.cov(np.vstack([xa, xb]).T).reshape(d, d))  # ddof=1, both sets stacked
    vi = np.asarray(vi, dtype=np.float64)
    diff = xa[:, None, :] - xb[None, :, :]  # (M, N, D): exact zeros for identical rows
    q = np.einsum("mnd,de,mne->mn", diff, vi, diff)
    return np.sqrt(np.maximum(q, 0.0))
