"""Known-wrong answers to detection/simota; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np

from solutions.detection import simota as ref


def _mutant(*, k_of=None, min_one=True, topn=True, mask_in_topk=True, resolve="cost_all", cost_ties_high=False,
            conflict_ties_high=False, float32=False, check_shapes=True, check_mask=True, check_k=True):
    def simota_assign(cost, ious, candidate_mask=None, n_candidate_k=10):
        if check_shapes and check_mask and check_k:
            cost, ious, mask = ref._inputs(cost, ious, candidate_mask, n_candidate_k)
        else:
            cost, ious = np.asarray(cost), np.asarray(ious)
            if check_shapes and (cost.ndim != 2 or cost.shape != ious.shape):
                raise ValueError("shapes")
            mask = np.ones(cost.shape[1], bool) if candidate_mask is None else np.asarray(candidate_mask)
            if check_mask and (mask.dtype != bool or mask.shape != (cost.shape[1],)):
                raise ValueError("mask")
            if check_k and n_candidate_k < 1:
                raise ValueError("k")
        g, a = cost.shape
        out, out_iou = np.full(a, -1, np.int64), np.zeros(a, np.float32 if float32 else np.float64)
        cand = np.flatnonzero(mask)
        if g == 0 or cand.size == 0:
            return out, out_iou
        c, q = cost[:, cand], ious[:, cand]
        pool = q if mask_in_topk else ious
        n = min(int(n_candidate_k), pool.shape[1]) if topn else pool.shape[1]
        if k_of == "cost":  # the IoUs of the n cheapest anchors
            order = np.argsort(c, axis=1, kind="stable")[:, :n]
            s = np.take_along_axis(q, order, axis=1).sum(axis=1)
        else:
            s = np.sort(pool, axis=1)[:, pool.shape[1] - n:].sum(axis=1)
        k = np.ceil(s) if k_of == "ceil" else np.round(s) if k_of == "round" else np.floor(s)
        k = k.astype(np.int64)
        if min_one:
            k = np.maximum(k, 1)
        if cost_ties_high:  # equal costs: the higher anchor index first
            order = c.shape[1] - 1 - np.argsort(c[:, ::-1], axis=1, kind="stable")
        else:
            order = np.argsort(c, axis=1, kind="stable")
        assigned = np.full(cand.size, -1)
        claims = np.zeros(c.shape, bool)
        for gi in range(g):
            claims[gi, order[gi, :k[gi]]] = True
            if resolve == "last":
                assigned[order[gi, :k[gi]]] = gi
        for j in np.flatnonzero(claims.any(axis=0)):
            who = np.flatnonzero(claims[:, j])
            if resolve == "last":
                continue
            if len(who) == 1:
                assigned[j] = who[0]
            elif resolve == "cost_all":
                assigned[j] = g - 1 - c[::-1, j].argmin() if conflict_ties_high else c[:, j].argmin()
            elif resolve == "cost_claimants":
                assigned[j] = who[c[who, j].argmin()]
            elif resolve == "iou":
                assigned[j] = who[q[who, j].argmax()]
        hit = assigned >= 0
        out[cand[hit]] = assigned[hit]
        out_iou[cand[hit]] = q[assigned[hit], np.flatnonzero(hit)]
        return out, out_iou

    return simota_assign


def yolox_style(cost, ious, candidate_mask=None, n_candidate_k=10):
    """YOLOX's get_assignments + simota_matching, torch ops written with numpy (stable sorts for topk)."""
    cost, pair_wise_ious = np.asarray(cost), np.asarray(ious)
    if cost.ndim != 2 or cost.shape != pair_wise_ious.shape:
        raise ValueError("cost and ious must be (G, A) of one shape")
    num_gt, total = cost.shape
    fg_mask = np.ones(total, bool) if candidate_mask is None else np.asarray(candidate_mask)
    if fg_mask.dtype != bool or fg_mask.shape != (total,):
        raise ValueError("candidate_mask must be a bool (A,) array")
    if n_candidate_k < 1:
        raise ValueError("n_candidate_k must be >= 1")
    matched_gt = np.full(total, -1, np.int64)
    matched_iou = np.zeros(total, np.float64)
    if num_gt == 0 or not fg_mask.any():
        return matched_gt, matched_iou
    cost, pair_wise_ious = cost[:, fg_mask], pair_wise_ious[:, fg_mask]
    matching_matrix = np.zeros_like(cost, dtype=np.uint8)
    n_candidate_k = min(n_candidate_k, pair_wise_ious.shape[1])
    topk_ious = -np.sort(-pair_wise_ious, axis=1)[:, :n_candidate_k]
    dynamic_ks = np.clip(topk_ious.sum(1).astype(np.int32), 1, None)
    for gt_idx in range(num_gt):
        pos_idx = np.argsort(cost[gt_idx], kind="stable")[:dynamic_ks[gt_idx]]
        matching_matrix[gt_idx][pos_idx] = 1
    anchor_matching_gt = matching_matrix.sum(0)
    if anchor_matching_gt.max() > 1:
        multiple_match_mask = anchor_matching_gt > 1
        cost_argmin = np.argmin(cost[:, multiple_match_mask], axis=0)
        matching_matrix[:, multiple_match_mask] *= 0
        matching_matrix[cost_argmin, multiple_match_mask] = 1
    fg_mask_inboxes = anchor_matching_gt > 0
    matched_gt_inds = matching_matrix[:, fg_mask_inboxes].argmax(0)
    pred_ious_this_matching = (matching_matrix * pair_wise_ious).sum(0)[fg_mask_inboxes]
    fg = np.flatnonzero(fg_mask)[fg_mask_inboxes]
    matched_gt[fg] = matched_gt_inds
    matched_iou[fg] = pred_ious_this_matching
    return matched_gt, matched_iou


WRONG = {
    "dynamic_k_rounded_up": {"simota_assign": _mutant(k_of="ceil")},
    "no_min_one": {"simota_assign": _mutant(min_one=False)},
    "topk_over_all_ious": {"simota_assign": _mutant(topn=False)},
    "dynamic_k_from_cost": {"simota_assign": _mutant(k_of="cost")},
    "non_candidates_in_topk": {"simota_assign": _mutant(mask_in_topk=False)},
    "conflict_by_highest_iou": {"simota_assign": _mutant(resolve="iou")},
    "conflict_among_claimants_only": {"simota_assign": _mutant(resolve="cost_claimants")},
    "last_gt_wins": {"simota_assign": _mutant(resolve="last")},
    "dynamic_k_rounded": {"simota_assign": _mutant(k_of="round")},
    "cost_ties_high": {"simota_assign": _mutant(cost_ties_high=True)},
    "conflict_ties_high": {"simota_assign": _mutant(conflict_ties_high=True)},
    "float32_iou_out": {"simota_assign": _mutant(float32=True)},
    "no_shape_check": {"simota_assign": _mutant(check_shapes=False)},
    "no_mask_check": {"simota_assign": _mutant(check_mask=False)},
    "no_k_check": {"simota_assign": _mutant(check_k=False)},
}
CANONICAL = {"yolox": {"simota_assign": yolox_style}}
SLOW = {}
