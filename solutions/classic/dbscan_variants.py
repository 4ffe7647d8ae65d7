"""Known-wrong answers to classic/dbscan; `nox -s verify` proves the tests catch every one."""

import numpy as np


def _mutant(*, exclude_self=False, strict=False, expand_border=False, noise_zero=False, overwrite_border=False,
            default=5, check_params=True, check_x=True, as_int32=False, reverse_numbering=False):
    def dbscan(x, eps, min_samples=default):
        x = np.asarray(x, dtype=np.float64)
        if check_x and (x.ndim != 2 or not np.isfinite(x).all()):
            raise ValueError("bad x")
        if check_params and (not eps > 0 or min_samples < 1):
            raise ValueError("bad eps or min_samples")
        d2 = ((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=-1)
        near = d2 < eps * eps if strict else d2 <= eps * eps
        core = near.sum(axis=1) - (1 if exclude_self else 0) >= min_samples
        labels = np.full(len(x), -1, dtype=np.int64)
        cluster = 0
        for seed in np.flatnonzero(core)[::-1] if reverse_numbering else np.flatnonzero(core):
            if labels[seed] != -1:
                continue
            labels[seed] = cluster
            frontier = np.array([seed])
            while frontier.size:
                reached = near[frontier].any(axis=0)
                if overwrite_border:
                    reached &= (labels != cluster) & ((labels == -1) | ~core)
                else:
                    reached &= labels == -1
                labels[reached] = cluster
                frontier = np.flatnonzero(reached if expand_border else reached & core)
            cluster += 1
        if as_int32:
            return labels.astype(np.int32)
        return labels + 1 if noise_zero else labels

    return dbscan


def sklearn_style(x, eps, min_samples=5):
    """Written anew in the style of sklearn.cluster.DBSCAN.fit: radius neighbourhoods, a core mask,
    then _dbscan_inner's depth-first expansion with an explicit stack."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or not np.isfinite(x).all() or not eps > 0 or min_samples < 1:
        raise ValueError("invalid input")
    d2 = ((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=-1)
    neighborhoods = [np.flatnonzero(row <= eps * eps) for row in d2]
    n_neighbors = np.array([len(nb) for nb in neighborhoods])
    labels = np.full(len(x), -1, dtype=np.intp)
    is_core = n_neighbors >= min_samples
    label_num = 0
    for i in range(len(x)):
        if labels[i] != -1 or not is_core[i]:
            continue
        stack = []
        while True:
            if labels[i] == -1:
                labels[i] = label_num
                if is_core[i]:
                    stack.extend(v for v in neighborhoods[i] if labels[v] == -1)
            if not stack:
                break
            i = stack.pop()
        label_num += 1
    return labels.astype(np.int64)


WRONG = {
    "min_samples_excludes_self": {"dbscan": _mutant(exclude_self=True)},
    "strict_eps": {"dbscan": _mutant(strict=True)},
    "border_points_expanded": {"dbscan": _mutant(expand_border=True)},
    "noise_labelled_zero": {"dbscan": _mutant(noise_zero=True)},
    "border_taken_by_later_cluster": {"dbscan": _mutant(overwrite_border=True)},
    "default_min_samples_4": {"dbscan": _mutant(default=4)},
    "no_parameter_check": {"dbscan": _mutant(check_params=False)},
    "no_x_check": {"dbscan": _mutant(check_x=False)},
    "returns_int32": {"dbscan": _mutant(as_int32=True)},
    "numbered_from_the_last_point": {"dbscan": _mutant(reverse_numbering=True)},
}
CANONICAL = {"sklearn": {"dbscan": sklearn_style}}
SLOW = {}
