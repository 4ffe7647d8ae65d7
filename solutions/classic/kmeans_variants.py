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


def zero_d_picks_first(x, k, rng):
    """When every D is 0, draws with a cumulative sum that always lands on point 0 (not uniform)."""
    x = ref._points(x, k)
    chosen = [rng.integers(len(x))]
    d2 = ((x - x[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        i = int(np.searchsorted(np.cumsum(d2), rng.random() * d2.sum()))
        chosen.append(min(i, len(x) - 1))
        d2 = np.minimum(d2, ((x - x[chosen[-1]]) ** 2).sum(axis=1))
    return x[chosen]


def _unchecked_points(x, k):
    return np.asarray(x, dtype=np.float64)


def _lloyd(*, empty_nan=False, sqrt_inertia=False, stale_labels=False, absolute_tol=False, one_far_point=False,
           reversed_empty=False, check_k=True, check_x=True, check_init=True, keep_dtype=False):
    def kmeans(x, k, rng, max_iter=300, tol=1e-4, init=None):
        dtype = np.asarray(x).dtype
        if check_k and check_x:
            x = ref._points(x, k)
        else:
            x = np.asarray(x, dtype=np.float64)
            if check_x and (x.ndim != 2 or not np.isfinite(x).all()):
                raise ValueError("bad x")
            if check_k and not 1 <= k <= len(x):
                raise ValueError("bad k")
        centers = np.array(init, dtype=np.float64) if init is not None else (
            unchecked_seeding(check_k=False, check_x=False)(x, k, rng))
        if check_init and (centers.shape != (k, x.shape[1]) or not np.isfinite(centers).all() or max_iter < 1):
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
                far = np.argsort(-nearest, kind="stable")[:empty.size]
                if one_far_point:
                    far = np.full(empty.size, far[0])
                new[empty] = x[far[::-1] if reversed_empty else far]
            shift = ((new - centers) ** 2).sum()
            centers = new
            if shift <= threshold:
                break
        if not stale_labels:
            d2 = ref._sq_dists(x, centers)
            labels = d2.argmin(axis=1)
        inertia = cost(((x - centers[labels]) ** 2).sum(axis=1))
        if keep_dtype and dtype == np.float32:
            return centers.astype(np.float32), labels, np.float32(inertia), np.array(history, dtype=np.float32)
        return centers, labels.astype(np.int64), inertia, np.array(history, dtype=np.float64)

    return kmeans


def unchecked_seeding(*, check_k=True, check_x=True):
    def kmeans_plus_plus(x, k, rng):
        x = np.asarray(x, dtype=np.float64)
        if check_x and (x.ndim != 2 or not np.isfinite(x).all()):
            raise ValueError("bad x")
        if check_k and not 1 <= k <= len(x):
            raise ValueError("bad k")
        chosen = [rng.integers(len(x))]
        d2 = ((x - x[chosen[0]]) ** 2).sum(axis=1)
        for _ in range(1, k):
            total = d2.sum()
            i = rng.choice(len(x), p=d2 / total) if total > 0 else rng.integers(len(x))
            chosen.append(i)
            d2 = np.minimum(d2, ((x - x[i]) ** 2).sum(axis=1))
        return x[chosen]

    return kmeans_plus_plus


def float32_seeds(x, k, rng):
    return ref.kmeans_plus_plus(x, k, rng).astype(np.asarray(x).dtype)


# Written anew in the style of scikit-learn (sklearn/cluster/_kmeans.py, _k_means_lloyd.pyx,
# _k_means_common.pyx): _kmeans_plusplus with one local trial, then _kmeans_single_lloyd.

def sklearn_kmeans_plusplus(x, k, rng):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or not np.isfinite(x).all() or not 1 <= k <= len(x):
        raise ValueError("bad input")
    n = len(x)
    centers = np.empty((k, x.shape[1]))
    centers[0] = x[rng.choice(n)]
    closest = ((x - centers[0]) ** 2).sum(axis=1)
    for c in range(1, k):
        rand_val = rng.uniform(size=1) * closest.sum()
        candidate = np.searchsorted(np.cumsum(closest), rand_val)[0]
        candidate = min(candidate, n - 1)  # numerical imprecision can overshoot
        centers[c] = x[candidate]
        closest = np.minimum(closest, ((x - x[candidate]) ** 2).sum(axis=1))
    return centers


def sklearn_lloyd(x, k, rng, max_iter=300, tol=1e-4, init=None):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or not np.isfinite(x).all() or not 1 <= k <= len(x) or max_iter < 1:
        raise ValueError("bad input")
    centers = sklearn_kmeans_plusplus(x, k, rng) if init is None else np.array(init, dtype=np.float64)
    if centers.shape != (k, x.shape[1]) or not np.isfinite(centers).all():
        raise ValueError("bad init")
    tol = np.mean(np.var(x, axis=0)) * tol
    labels_old = None
    history = []
    for _ in range(max_iter):
        d2 = ((x[:, None, :] - centers[None]) ** 2).sum(-1)
        labels = d2.argmin(axis=1)
        history.append(d2[np.arange(len(x)), labels].sum())
        weight = np.bincount(labels, minlength=k).astype(np.float64)
        sums = np.zeros_like(centers)
        np.add.at(sums, labels, x)
        empty = np.flatnonzero(weight == 0)
        dist = ((x - centers[labels]) ** 2).sum(axis=1)
        if empty.size and dist.max() > 0:  # _relocate_empty_clusters_dense: the donor loses the moved point
            far = np.argpartition(dist, -empty.size)[:-empty.size - 1:-1]
            for new_id, far_idx in zip(empty, far):
                old_id = labels[far_idx]
                sums[old_id] -= x[far_idx]
                sums[new_id] = x[far_idx]
                weight[new_id] = 1
                weight[old_id] -= 1
        new = sums / np.maximum(weight, 1)[:, None]  # _average_centers leaves a weightless centre at 0
        shift = ((new - centers) ** 2).sum()
        centers = new
        if labels_old is not None and np.array_equal(labels, labels_old):
            break  # strict convergence
        if shift <= tol:
            break
        labels_old = labels
    d2 = ((x[:, None, :] - centers[None]) ** 2).sum(-1)
    labels = d2.argmin(axis=1)
    return centers, labels.astype(np.int64), float(d2[np.arange(len(x)), labels].sum()), np.array(history)


WRONG = {
    "uniform_seeding": {"kmeans_plus_plus": uniform_seeding},
    "distance_not_squared": {"kmeans_plus_plus": distance_not_squared},
    "empty_cluster_nan": {"kmeans": _lloyd(empty_nan=True)},
    "sqrt_inertia": {"kmeans": _lloyd(sqrt_inertia=True)},
    "stale_labels": {"kmeans": _lloyd(stale_labels=True)},
    "absolute_tol": {"kmeans": _lloyd(absolute_tol=True)},
    "all_empty_to_one_point": {"kmeans": _lloyd(one_far_point=True)},
    "empty_order_reversed": {"kmeans": _lloyd(reversed_empty=True)},
    "zero_d_picks_first": {"kmeans_plus_plus": zero_d_picks_first},
    "float32_out": {"kmeans_plus_plus": float32_seeds, "kmeans": _lloyd(keep_dtype=True)},
    "no_k_check": {"kmeans_plus_plus": unchecked_seeding(check_k=False), "kmeans": _lloyd(check_k=False)},
    "no_x_check": {"kmeans_plus_plus": unchecked_seeding(check_x=False), "kmeans": _lloyd(check_x=False)},
    "no_init_check": {"kmeans": _lloyd(check_init=False)},
}
CANONICAL = {"sklearn": {"kmeans_plus_plus": sklearn_kmeans_plusplus, "kmeans": sklearn_lloyd}}
SLOW = {}
