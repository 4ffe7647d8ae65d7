"""Known-wrong, slow and skimage-style answers to classic/feature_matching; `nox -s verify` proves
the tests catch or accept each. Never shown to learners."""

import numpy as np


def _mutant(*, squared_ratio=False, mutual=True, mutual_wrong=False, unsorted_second=False, as_float=True,
            le=False, reverse_ties=False, eps_second=False, lone_rejected=False, by_j=False,
            check_ratio=True, check_shape=True):
    def match_descriptors(desc1, desc2, *, cross_check=True, max_ratio=None):
        d1, d2 = np.asarray(desc1), np.asarray(desc2)
        if check_shape and (d1.ndim != 2 or d2.ndim != 2 or d1.shape[1] != d2.shape[1]):
            raise ValueError("bad shapes")
        if check_ratio and max_ratio is not None and not 0 < max_ratio <= 1:
            raise ValueError("bad max_ratio")
        if len(d1) == 0 or len(d2) == 0:
            return np.zeros((0, 2), dtype=np.int64)
        if as_float:
            d1, d2 = d1.astype(np.float64), d2.astype(np.float64)
        if check_shape:
            d2sq = (d1**2).sum(1)[:, None] + (d2**2).sum(1)[None, :] - 2 * d1 @ d2.T
        else:
            d2sq = ((d1[:, None, :] - d2[None, :, :]) ** 2).sum(-1)
        dist = np.sqrt(np.maximum(d2sq.astype(np.float64), 0))
        rows = np.arange(len(d1))

        def first_min(m, axis):
            if reverse_ties:
                flipped = np.flip(m, axis=axis)
                return m.shape[axis] - 1 - flipped.argmin(axis=axis)
            return m.argmin(axis=axis)

        nearest = first_min(dist, 1)
        keep = np.ones(len(d1), dtype=bool)
        if cross_check and mutual:
            back = first_min(dist, 0)
            keep &= (back[rows] == nearest) if mutual_wrong else (back[nearest] == rows)
        if max_ratio is not None:
            best = dist[rows, nearest]
            if dist.shape[1] < 2:
                second = np.zeros(len(d1)) if lone_rejected else np.full(len(d1), np.inf)
            elif unsorted_second:
                second = np.where(nearest == 1, dist[:, 0], dist[:, 1])
            else:
                masked = dist.copy()
                masked[rows, nearest] = np.inf
                second = masked.min(axis=1)
            if eps_second:
                second = np.where(second == 0, np.finfo(np.float64).eps, second)
            if squared_ratio:
                best, second = best**2, second**2
            keep &= (best <= max_ratio * second) if le else (best < max_ratio * second)
        out = np.stack([rows[keep], nearest[keep]], axis=1).astype(np.int64)
        return out[np.argsort(out[:, 1], kind="stable")] if by_j else out

    return match_descriptors


def skimage_style(descriptors1, descriptors2, *, cross_check=True, max_ratio=None):
    """Written anew in the manner of skimage.feature.match_descriptors (metric='euclidean')."""
    descriptors1, descriptors2 = np.asarray(descriptors1), np.asarray(descriptors2)
    if descriptors1.ndim != 2 or descriptors2.ndim != 2 or descriptors1.shape[1] != descriptors2.shape[1]:
        raise ValueError("Descriptor length must equal.")
    if max_ratio is not None and not 0 < max_ratio <= 1:
        raise ValueError("max_ratio must be in (0, 1].")
    if len(descriptors1) == 0 or len(descriptors2) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    a, b = descriptors1.astype(np.float64), descriptors2.astype(np.float64)
    distances = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2))
    indices1 = np.arange(a.shape[0])
    indices2 = np.argmin(distances, axis=1)
    if cross_check:
        matches1 = np.argmin(distances, axis=0)
        mask = indices1 == matches1[indices2]
        indices1, indices2 = indices1[mask], indices2[mask]
    if max_ratio is not None:
        best_distances = distances[indices1, indices2]
        distances[indices1, indices2] = np.inf
        second_best_indices2 = np.argmin(distances[indices1], axis=1)
        second_best_distances = distances[indices1, second_best_indices2]
        second_best_distances[second_best_distances == 0] = np.finfo(np.float64).eps
        with np.errstate(invalid="ignore"):
            ratio = best_distances / second_best_distances
        mask = ratio < max_ratio
        indices1, indices2 = indices1[mask], indices2[mask]
    return np.column_stack((indices1, indices2)).astype(np.int64)


def pair_loop(desc1, desc2, *, cross_check=True, max_ratio=None):
    """Correct, but a Python double loop over all pairs."""
    d1, d2 = np.asarray(desc1), np.asarray(desc2)
    if d1.ndim != 2 or d2.ndim != 2 or d1.shape[1] != d2.shape[1]:
        raise ValueError("bad shapes")
    if max_ratio is not None and not 0 < max_ratio <= 1:
        raise ValueError("bad max_ratio")
    if len(d1) == 0 or len(d2) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    a, b = d1.astype(np.float64).tolist(), d2.astype(np.float64).tolist()
    dist = [[sum((x - y) ** 2 for x, y in zip(u, v)) ** 0.5 for v in b] for u in a]
    out = []
    for i, row in enumerate(dist):
        j = min(range(len(row)), key=lambda k: (row[k], k))
        if cross_check and min(range(len(a)), key=lambda k: (dist[k][j], k)) != i:
            continue
        if max_ratio is not None:
            second = min((row[k] for k in range(len(row)) if k != j), default=float("inf"))
            if not row[j] < max_ratio * second:
                continue
        out.append((i, j))
    return np.array(out, dtype=np.int64).reshape(-1, 2)


WRONG = {
    "ratio_on_squared_distances": {"match_descriptors": _mutant(squared_ratio=True)},
    "no_mutual_check": {"match_descriptors": _mutant(mutual=False)},
    "mutual_check_indexed_wrong": {"match_descriptors": _mutant(mutual_wrong=True)},
    "second_best_is_best": {"match_descriptors": _mutant(unsorted_second=True)},
    "uint8_wraps": {"match_descriptors": _mutant(as_float=False)},
    "ratio_le": {"match_descriptors": _mutant(le=True)},
    "ties_to_higher_index": {"match_descriptors": _mutant(reverse_ties=True)},
    "zero_second_is_eps": {"match_descriptors": _mutant(eps_second=True)},
    "single_candidate_rejected": {"match_descriptors": _mutant(lone_rejected=True)},
    "returns_unordered": {"match_descriptors": _mutant(by_j=True)},
    "no_ratio_check": {"match_descriptors": _mutant(check_ratio=False)},
    "no_shape_check": {"match_descriptors": _mutant(check_shape=False)},
}
CANONICAL = {"skimage": {"match_descriptors": skimage_style}}
SLOW = {"pair_loop": {"match_descriptors": pair_loop}}
