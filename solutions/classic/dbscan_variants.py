"""Known-wrong answers to classic/dbscan; `nox -s verify` proves the tests catch every one."""

import numpy as np

from solutions.classic import dbscan as ref


def _mutant(*, exclude_self=False, strict=False, expand_border=False, noise_zero=False, overwrite_border=False):
    def dbscan(x, eps, min_samples=5):
        x = ref._validate(x, eps, min_samples)
        d2 = ((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=-1)
        near = d2 < eps * eps if strict else d2 <= eps * eps
        core = near.sum(axis=1) - (1 if exclude_self else 0) >= min_samples
        labels = np.full(len(x), -1, dtype=np.int64)
        cluster = 0
        for seed in np.flatnonzero(core):
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
        return labels + 1 if noise_zero else labels

    return dbscan


WRONG = {
    "min_samples_excludes_self": {"dbscan": _mutant(exclude_self=True)},
    "strict_eps": {"dbscan": _mutant(strict=True)},
    "border_points_expanded": {"dbscan": _mutant(expand_border=True)},
    "noise_labelled_zero": {"dbscan": _mutant(noise_zero=True)},
    "border_taken_by_later_cluster": {"dbscan": _mutant(overwrite_border=True)},
}
SLOW = {}
