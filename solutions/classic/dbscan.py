"""DBSCAN: core points from an eps-neighbourhood matrix, clusters grown breadth-first from core points."""

import numpy as np


def _validate(x, eps, min_samples) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or not np.isfinite(x).all():
        raise ValueError(f"x must be a finite (N, D) array, got shape {x.shape}")
    if not eps > 0:
        raise ValueError(f"eps must be > 0, got {eps}")
    if min_samples < 1:
        raise ValueError(f"min_samples must be >= 1, got {min_samples}")
    return x


def dbscan(x: np.ndarray, eps: float, min_samples: int = 5) -> np.ndarray:
    x = _validate(x, eps, min_samples)
    near = ((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=-1) <= eps * eps  # (N, N), self included
    core = near.sum(axis=1) >= min_samples
    labels = np.full(len(x), -1, dtype=np.int64)
    cluster = 0
    for seed in np.flatnonzero(core):  # index order numbers the clusters
        if labels[seed] != -1:
            continue
        labels[seed] = cluster
        frontier = np.array([seed])
        while frontier.size:
            # Unlabelled points near the frontier join; only the core ones among them expand further,
            # so a border point already taken by an earlier cluster stays there.
            reached = near[frontier].any(axis=0) & (labels == -1)
            labels[reached] = cluster
            frontier = np.flatnonzero(reached & core)
        cluster += 1
    return labels
