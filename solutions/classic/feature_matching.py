"""Brute-force descriptor matching: nearest neighbours, mutual check, Lowe's ratio test."""

import numpy as np


def match_descriptors(desc1: np.ndarray, desc2: np.ndarray, *, cross_check: bool = True,
                      max_ratio: float | None = None) -> np.ndarray:
    d1, d2 = np.asarray(desc1), np.asarray(desc2)
    if d1.ndim != 2 or d2.ndim != 2 or d1.shape[1] != d2.shape[1]:
        raise ValueError(f"desc1 (N1, D) and desc2 (N2, D) needed, got {d1.shape} and {d2.shape}")
    if max_ratio is not None and not 0 < max_ratio <= 1:
        raise ValueError(f"max_ratio must be in (0, 1], got {max_ratio}")
    if len(d1) == 0 or len(d2) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    dtype = np.float32 if d1.dtype == d2.dtype == np.float32 else np.float64
    d1, d2 = d1.astype(dtype, copy=False), d2.astype(dtype, copy=False)

    # Squared distances |a|^2 + |b|^2 - 2 a.b with one matrix product. Along a row |a|^2 is a
    # constant, so it only matters to the mutual check, which compares down a column.
    dist = d1 @ d2.T
    dist *= -2
    dist += np.einsum("ij,ij->i", d2, d2)[None, :]
    sq1 = np.einsum("ij,ij->i", d1, d1)
    rows = np.arange(len(d1))
    nearest = dist.argmin(axis=1)  # first minimum: equal distances go to the lower index
    best = dist[rows, nearest] + sq1
    keep = np.ones(len(d1), dtype=bool)
    if cross_check:
        keep &= (dist + sq1[:, None]).argmin(axis=0)[nearest] == rows
    if max_ratio is not None:
        second = np.full(len(d1), np.inf)
        if dist.shape[1] > 1:
            dist[rows, nearest] = np.inf
            second = dist.min(axis=1) + sq1
        # distances, not squared distances; strict, so a ratio equal to max_ratio is rejected
        keep &= np.sqrt(np.maximum(best, 0)) < max_ratio * np.sqrt(np.maximum(second, 0))
    return np.stack([rows[keep], nearest[keep]], axis=1).astype(np.int64)
