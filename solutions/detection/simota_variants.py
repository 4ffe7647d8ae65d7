"""Known-wrong answers to detection/simota; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np

from solutions.detection import simota as ref


def _mutant(*, k_of=None, min_one=True, topn=True, mask_in_topk=True, resolve="cost_all"):
    def simota_assign(cost, ious, candidate_mask=None, n_candidate_k=10):
        cost, ious, mask = ref._inputs(cost, ious, candidate_mask, n_candidate_k)
        g, a = cost.shape
        out, out_iou = np.full(a, -1, np.int64), np.zeros(a)
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
        k = np.ceil(s) if k_of == "ceil" else np.floor(s)
        k = k.astype(np.int64)
        if min_one:
            k = np.maximum(k, 1)
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
                assigned[j] = c[:, j].argmin()
            elif resolve == "cost_claimants":
                assigned[j] = who[c[who, j].argmin()]
            elif resolve == "iou":
                assigned[j] = who[q[who, j].argmax()]
        hit = assigned >= 0
        out[cand[hit]] = assigned[hit]
        out_iou[cand[hit]] = q[assigned[hit], np.flatnonzero(hit)]
        return out, out_iou

    return simota_assign


WRONG = {
    "dynamic_k_rounded_up": {"simota_assign": _mutant(k_of="ceil")},
    "no_min_one": {"simota_assign": _mutant(min_one=False)},
    "topk_over_all_ious": {"simota_assign": _mutant(topn=False)},
    "dynamic_k_from_cost": {"simota_assign": _mutant(k_of="cost")},
    "non_candidates_in_topk": {"simota_assign": _mutant(mask_in_topk=False)},
    "conflict_by_highest_iou": {"simota_assign": _mutant(resolve="iou")},
    "conflict_among_claimants_only": {"simota_assign": _mutant(resolve="cost_claimants")},
    "last_gt_wins": {"simota_assign": _mutant(resolve="last")},
}
SLOW = {}
