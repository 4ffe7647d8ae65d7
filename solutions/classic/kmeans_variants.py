"""Known-wrong answers to classic/kmeans; `nox -s verify` proves the tests catch every one."""

import numpy as np

from solutions.classic import kmeans as ref


def uniform_seeding(x, k, rng):
    """k distinct data points uniformly at random: no D^2 weighting."""
    x = ref._points(x, k)
    return x[rng.choice(len(x), size=k, replace=False)]


def distance_not_squared(x, k, rng):
    """Chooses the next centre with probability proportional to D, not D^2."""
    x = ref._points(x, k)
    chosen = [rng.integers(len(x))]
    d = np.sqrt(((x - x[chosen[0]]) ** 2).sum(axis=1))
    for _ in range(1, k):
        i = rng.choice(len(x), p=d / d.sum()) if d.sum() > 0 else rng.integers(len(x))
        chosen.append(i)
        d = np.minimum(d, np.sqrt(((x - x[i]) ** 2).sum(axis=1)))
    return x[chosen]


def _lloyd(*, empty_nan=False, sqrt_inertia=False, stale_labels=False, absolute_tol=False):
    def kmeans(x, k, rng, max_iter=300, tol=1e-4, init=None):
        x = ref._points(x, k)
        centers = ref.kmeans_plus_plus(x, k, rng) if init is None else np.array(init, dtype=np.float64)
        if centers.shape != (k, x.shape[1]) or max_iter < 1:
            raise ValueError("bad init or max_iter")
        threshold = tol if absolute_tol else tol * x.var(axis=0).mean()
        history = []

        def cost(nearest):
            return float(np.sqrt(nearest).sum() if sqrt_inertia else nearest.sum())

        for _ in range(max_iter):
            d2 = ref._sq_dists(x, centers)
            labels = d2.argmin(axis=1)
            nearest = d2[np.arange(len(x)), labels]
            history.append(cost(nearest))
            counts = np.bincount(labels, minlength=k)
            sums = np.zeros_like(centers)
            np.add.at(sums, labels, x)
            with np.errstate(invalid="ignore"):
                new = sums / (counts[:, None] if empty_nan else np.maximum(counts, 1)[:, None])
            empty = np.flatnonzero(counts == 0)
            if empty.size and not empty_nan:
                new[empty] = x[np.argsort(-nearest, kind="stable")[:empty.size]]
            shift = ((new - centers) ** 2).sum()
            centers = new
            if shift <= threshold:
                break
        if not stale_labels:
            d2 = ref._sq_dists(x, centers)
            labels = d2.argmin(axis=1)
        inertia = cost(((x - centers[labels]) ** 2).sum(axis=1))
        return centers, labels.astype(np.int64), inertia, np.array(history, dtype=np.float64)

    return kmeans


WRONG = {
    "uniform_seeding": {"kmeans_plus_plus": uniform_seeding},
    "distance_not_squared": {"kmeans_plus_plus": distance_not_squared},
    "empty_cluster_nan": {"kmeans": _lloyd(empty_nan=True)},
    "sqrt_inertia": {"kmeans": _lloyd(sqrt_inertia=True)},
    "stale_labels": {"kmeans": _lloyd(stale_labels=True)},
    "absolute_tol": {"kmeans": _lloyd(absolute_tol=True)},
}
SLOW = {}
