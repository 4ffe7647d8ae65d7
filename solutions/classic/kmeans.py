"""k-means: k-means++ seeding and Lloyd iterations with empty-cluster relocation."""

import numpy as np


def _points(x, k) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or not np.isfinite(x).all():
        raise ValueError(f"x must be a finite (N, D) array, got shape {x.shape}")
    if not 1 <= k <= len(x):
        raise ValueError(f"k must be in 1 .. N = {len(x)}, got {k}")
    return x


def _sq_dists(x, centers) -> np.ndarray:
    return ((x[:, None, :] - centers[None, :, :]) ** 2).sum(axis=-1)  # (N, k)


def kmeans_plus_plus(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    x = _points(x, k)
    chosen = [rng.integers(len(x))]
    d2 = ((x - x[chosen[0]]) ** 2).sum(axis=1)  # squared distance to the nearest chosen centre
    for _ in range(1, k):
        total = d2.sum()
        i = rng.choice(len(x), p=d2 / total) if total > 0 else rng.integers(len(x))
        chosen.append(i)
        d2 = np.minimum(d2, ((x - x[i]) ** 2).sum(axis=1))
    return x[chosen]


def kmeans(x: np.ndarray, k: int, rng: np.random.Generator, max_iter: int = 300, tol: float = 1e-4,
           init: np.ndarray | None = None):
    x = _points(x, k)
    if init is None:
        centers = kmeans_plus_plus(x, k, rng)
    else:
        centers = np.array(init, dtype=np.float64)
        if centers.shape != (k, x.shape[1]) or not np.isfinite(centers).all():
            raise ValueError(f"init must be a finite ({k}, {x.shape[1]}) array, got shape {centers.shape}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be >= 1, got {max_iter}")
    threshold = tol * x.var(axis=0).mean()
    history = []
    for _ in range(max_iter):
        d2 = _sq_dists(x, centers)
        labels = d2.argmin(axis=1)
        nearest = d2[np.arange(len(x)), labels]
        history.append(nearest.sum())
        counts = np.bincount(labels, minlength=k)
        sums = np.zeros_like(centers)
        np.add.at(sums, labels, x)
        new = sums / np.maximum(counts, 1)[:, None]
        empty = np.flatnonzero(counts == 0)
        if empty.size:  # move each empty centre onto one of the points worst served now
            farthest = np.argsort(-nearest, kind="stable")[:empty.size]
            new[empty] = x[farthest]
        shift = ((new - centers) ** 2).sum()
        centers = new
        if shift <= threshold:
            break
    d2 = _sq_dists(x, centers)  # labels for the final centres, not the previous ones
    labels = d2.argmin(axis=1)
    inertia = float(d2[np.arange(len(x)), labels].sum())
    return centers, labels.astype(np.int64), inertia, np.array(history, dtype=np.float64)
