"""Known-wrong answers to detection/atss; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np

from solutions.detection import atss as ref


def _mutant(*, ddof=1, per_level=True, inside=True, eps=0.01, ge=True, corner=False, first_gt_wins=False):
    def atss_assign(anchors, num_anchors_per_level, gt_boxes, topk=9):
        a, gt = ref._boxes(anchors, "anchors"), ref._boxes(gt_boxes, "gt_boxes")
        counts = ref._counts(num_anchors_per_level, len(a))
        if topk < 1:
            raise ValueError("topk")
        n, g = len(a), len(gt)
        out, out_iou = np.full(n, -1, np.int64), np.zeros(n)
        if n == 0 or g == 0:
            return out, out_iou
        iou = ref.box_iou(a, gt)
        centres = (a[:, :2] + a[:, 2:]) / 2
        if corner:  # the first two columns taken for the centre
            dist = np.linalg.norm(a[:, None, :2] - gt[None, :, :2], axis=-1)
        else:
            dist = np.linalg.norm(centres[:, None] - (gt[:, :2] + gt[:, 2:]) / 2, axis=-1)
        if per_level:
            ends = np.cumsum(counts)
            cand = np.concatenate([s + np.argsort(dist[s:e], axis=0, kind="stable")[:topk]
                                   for s, e in zip(ends - counts, ends)])
        else:
            cand = np.argsort(dist, axis=0, kind="stable")[:topk]
        ci = np.take_along_axis(iou, cand, axis=0)
        std = ci.std(axis=0, ddof=ddof) if len(cand) > 1 else 0.0
        thr = ci.mean(axis=0) + std
        pos = ci >= thr if ge else ci > thr
        if inside:
            c = centres[cand]
            pos &= np.minimum(c - gt[:, :2], gt[:, 2:] - c).min(axis=-1) > eps
        score = np.full((n, g), -np.inf)
        cols = np.broadcast_to(np.arange(g), cand.shape)
        score[cand[pos], cols[pos]] = ci[pos]
        if first_gt_wins:
            best = np.where(np.isfinite(score), 0, 1).argmin(axis=1)
        else:
            best = score.argmax(axis=1)
        val = score[np.arange(n), best]
        hit = val > -np.inf
        out[hit], out_iou[hit] = best[hit], val[hit]
        return out, out_iou

    return atss_assign


WRONG = {
    "biased_std": {"atss_assign": _mutant(ddof=0)},
    "topk_over_all_levels": {"atss_assign": _mutant(per_level=False)},
    "no_centre_inside_check": {"atss_assign": _mutant(inside=False)},
    "inside_without_margin": {"atss_assign": _mutant(eps=0.0)},
    "strict_threshold": {"atss_assign": _mutant(ge=False)},
    "corner_distance": {"atss_assign": _mutant(corner=True)},
    "first_gt_wins": {"atss_assign": _mutant(first_gt_wins=True)},
}
SLOW = {}
