"""YOLOX SimOTA dynamic-k matching (yolo_head.py dynamic_k_matching) on given cost and IoU matrices."""

import numpy as np


def _inputs(cost, ious, candidate_mask, n_candidate_k):
    cost, ious = np.asarray(cost), np.asarray(ious)
    if cost.ndim != 2 or cost.shape != ious.shape:
        raise ValueError(f"cost and ious must be (G, A) arrays of one shape; got {cost.shape} and {ious.shape}")
    a = cost.shape[1]
    mask = np.ones(a, bool) if candidate_mask is None else np.asarray(candidate_mask)
    if mask.dtype != bool or mask.shape != (a,):
        raise ValueError(f"candidate_mask must be a bool array of shape ({a},)")
    if int(n_candidate_k) != n_candidate_k or n_candidate_k < 1:
        raise ValueError(f"n_candidate_k must be an integer >= 1, got {n_candidate_k}")
    return cost, ious, mask


def simota_assign(cost: np.ndarray, ious: np.ndarray, candidate_mask: np.ndarray | None = None,
                  n_candidate_k: int = 10):
    cost, ious, mask = _inputs(cost, ious, candidate_mask, n_candidate_k)
    g, a = cost.shape
    assigned_gt, assigned_iou = np.full(a, -1, np.int64), np.zeros(a)
    cand = np.flatnonzero(mask)
    if g == 0 or cand.size == 0:
        return assigned_gt, assigned_iou
    c, q = cost[:, cand], ious[:, cand]

    n = min(int(n_candidate_k), cand.size)
    dynamic_k = np.maximum(1, np.sort(q, axis=1)[:, -n:].sum(axis=1).astype(np.int64))  # astype truncates

    # rank of every anchor in its gt's row by cost (stable: lower index first); claim the k_g cheapest
    rank = np.argsort(np.argsort(c, axis=1, kind="stable"), axis=1)
    match = rank < dynamic_k[:, None]

    # an anchor claimed twice or more goes to the lowest cost in its whole column (first: lower gt)
    multi = np.flatnonzero(match.sum(axis=0) > 1)
    match[:, multi] = False
    match[c[:, multi].argmin(axis=0), multi] = True

    hit = np.flatnonzero(match.any(axis=0))
    gt_of = match[:, hit].argmax(axis=0)
    assigned_gt[cand[hit]] = gt_of
    assigned_iou[cand[hit]] = q[gt_of, hit]
    return assigned_gt, assigned_iou
