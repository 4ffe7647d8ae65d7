"""Known-wrong answers to detection/atss; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np

from solutions.detection import atss as ref


def _mutant(*, ddof=1, per_level=True, inside=True, eps=0.01, ge=True, corner=False, first_gt_wins=False,
            ties_high=False, nan_std=False, gt_ties_high=False, float32=False, check_boxes=True, check_counts=True,
            check_topk=True, thr_over_all=False):
    def atss_assign(anchors, num_anchors_per_level, gt_boxes, topk=9):
        if check_boxes:
            a, gt = ref._boxes(anchors, "anchors"), ref._boxes(gt_boxes, "gt_boxes")
        else:
            a, gt = (np.atleast_2d(np.asarray(v, np.float64))[:, :4] for v in (anchors, gt_boxes))
        counts = ref._counts(num_anchors_per_level, len(a)) if check_counts else \
            np.asarray(num_anchors_per_level).astype(np.int64)
        if check_topk and topk < 1:
            raise ValueError("topk")
        n, g = len(a), len(gt)
        out, out_iou = np.full(n, -1, np.int64), np.zeros(n, np.float32 if float32 else np.float64)
        if n == 0 or g == 0:
            return out, out_iou
        iou = ref.box_iou(a, gt)
        centres = (a[:, :2] + a[:, 2:]) / 2
        if corner:  # the first two columns taken for the centre
            dist = np.linalg.norm(a[:, None, :2] - gt[None, :, :2], axis=-1)
        else:
            dist = np.linalg.norm(centres[:, None] - (gt[:, :2] + gt[:, 2:]) / 2, axis=-1)
        if ties_high:  # equal distances: the higher index first
            flip = lambda d: d[::-1]  # noqa: E731
        else:
            flip = None
        if per_level:
            ends = np.cumsum(counts)
            parts = []
            for s, e in zip(ends - counts, ends):
                if flip is None:
                    parts.append(s + np.argsort(dist[s:e], axis=0, kind="stable")[:topk])
                else:
                    parts.append(e - 1 - np.argsort(flip(dist[s:e]), axis=0, kind="stable")[:topk])
            cand = np.concatenate(parts) if parts else np.zeros((0, g), np.int64)
        else:
            cand = np.argsort(dist, axis=0, kind="stable")[:topk]
        ci = np.take_along_axis(iou, cand, axis=0)
        std = ci.std(axis=0, ddof=ddof) if len(cand) > 1 else (np.nan if nan_std else 0.0)
        thr = ci.mean(axis=0) + std
        if thr_over_all:  # mean + std over every anchor's IoU with the gt, not only the candidates'
            thr = iou.mean(axis=0) + iou.std(axis=0, ddof=1)
        pos = ci >= thr if ge else ci > thr
        if inside:
            c = centres[cand]
            pos &= np.minimum(c - gt[:, :2], gt[:, 2:] - c).min(axis=-1) > eps
        score = np.full((n, g), -np.inf)
        cols = np.broadcast_to(np.arange(g), cand.shape)
        score[cand[pos], cols[pos]] = ci[pos]
        if first_gt_wins:
            best = np.where(np.isfinite(score), 0, 1).argmin(axis=1)
        elif gt_ties_high:
            best = g - 1 - score[:, ::-1].argmax(axis=1)
        else:
            best = score.argmax(axis=1)
        val = score[np.arange(n), best]
        hit = val > -np.inf
        out[hit], out_iou[hit] = best[hit], val[hit]
        return out, out_iou

    return atss_assign


def mmdet_style(anchors, num_anchors_per_level, gt_boxes, topk=9):
    """mmdetection's ATSSAssigner.assign: (A, G) overlaps, per-level topk of the centre distances,
    torch-style std (NaN for a single candidate), gt-major flattened indices and an -INF matrix."""
    INF = 100000000
    bboxes = np.asarray(anchors, np.float64)
    gt_bboxes = np.asarray(gt_boxes, np.float64)
    if bboxes.ndim != 2 or bboxes.shape[1] != 4 or gt_bboxes.ndim != 2 or gt_bboxes.shape[1] != 4:
        raise ValueError("boxes must be (N, 4)")
    num_level_bboxes = np.asarray(num_anchors_per_level)
    if num_level_bboxes.ndim != 1 or (num_level_bboxes.size and num_level_bboxes.dtype.kind not in "iu") \
            or (num_level_bboxes < 0).any() or num_level_bboxes.sum() != len(bboxes):
        raise ValueError("bad num_anchors_per_level")
    if topk < 1:
        raise ValueError("topk must be >= 1")
    num_gt, num_bboxes = len(gt_bboxes), len(bboxes)
    assigned_gt_inds = np.zeros(num_bboxes, np.int64)  # 0: background, i + 1: gt i
    max_overlaps_out = np.zeros(num_bboxes)
    if num_gt == 0 or num_bboxes == 0:
        return assigned_gt_inds - 1, max_overlaps_out
    overlaps = ref.box_iou(bboxes, gt_bboxes)
    gt_points = np.stack([(gt_bboxes[:, 0] + gt_bboxes[:, 2]) / 2.0, (gt_bboxes[:, 1] + gt_bboxes[:, 3]) / 2.0], 1)
    bboxes_cx = (bboxes[:, 0] + bboxes[:, 2]) / 2.0
    bboxes_cy = (bboxes[:, 1] + bboxes[:, 3]) / 2.0
    bboxes_points = np.stack((bboxes_cx, bboxes_cy), axis=1)
    distances = np.sqrt(((bboxes_points[:, None, :] - gt_points[None, :, :]) ** 2).sum(-1))
    candidate_idxs, start_idx = [], 0
    for bboxes_per_level in num_level_bboxes:
        end_idx = start_idx + int(bboxes_per_level)
        selectable_k = min(topk, int(bboxes_per_level))
        topk_idxs_per_level = np.argsort(distances[start_idx:end_idx, :], axis=0, kind="stable")[:selectable_k]
        candidate_idxs.append(topk_idxs_per_level + start_idx)
        start_idx = end_idx
    candidate_idxs = np.concatenate(candidate_idxs, axis=0)
    candidate_overlaps = overlaps[candidate_idxs, np.arange(num_gt)]
    overlaps_mean_per_gt = candidate_overlaps.mean(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        overlaps_std_per_gt = candidate_overlaps.std(0, ddof=1) if len(candidate_overlaps) > 1 \
            else np.full(num_gt, np.nan)  # torch.std of a single value
    overlaps_thr_per_gt = overlaps_mean_per_gt + overlaps_std_per_gt
    is_pos = candidate_overlaps >= overlaps_thr_per_gt[None, :]
    candidate_idxs = candidate_idxs + np.arange(num_gt)[None, :] * num_bboxes
    ep_bboxes_cx = np.tile(bboxes_cx, num_gt)
    ep_bboxes_cy = np.tile(bboxes_cy, num_gt)
    l_ = ep_bboxes_cx[candidate_idxs] - gt_bboxes[:, 0]
    t_ = ep_bboxes_cy[candidate_idxs] - gt_bboxes[:, 1]
    r_ = gt_bboxes[:, 2] - ep_bboxes_cx[candidate_idxs]
    b_ = gt_bboxes[:, 3] - ep_bboxes_cy[candidate_idxs]
    is_in_gts = np.stack([l_, t_, r_, b_], axis=1).min(axis=1) > 0.01
    is_pos = is_pos & is_in_gts
    overlaps_inf = np.full(num_gt * num_bboxes, -INF, np.float64)
    index = candidate_idxs.reshape(-1)[is_pos.reshape(-1)]
    overlaps_inf[index] = overlaps.T.reshape(-1)[index]
    overlaps_inf = overlaps_inf.reshape(num_gt, -1).T
    max_overlaps, argmax_overlaps = overlaps_inf.max(axis=1), overlaps_inf.argmax(axis=1)
    hit = max_overlaps != -INF
    assigned_gt_inds[hit] = argmax_overlaps[hit] + 1
    max_overlaps_out[hit] = max_overlaps[hit]
    return assigned_gt_inds - 1, max_overlaps_out


WRONG = {
    "biased_std": {"atss_assign": _mutant(ddof=0)},
    "topk_over_all_levels": {"atss_assign": _mutant(per_level=False)},
    "no_centre_inside_check": {"atss_assign": _mutant(inside=False)},
    "inside_without_margin": {"atss_assign": _mutant(eps=0.0)},
    "strict_threshold": {"atss_assign": _mutant(ge=False)},
    "corner_distance": {"atss_assign": _mutant(corner=True)},
    "first_gt_wins": {"atss_assign": _mutant(first_gt_wins=True)},
    "distance_ties_high": {"atss_assign": _mutant(ties_high=True)},
    "single_candidate_nan_std": {"atss_assign": _mutant(nan_std=True)},
    "equal_iou_higher_gt": {"atss_assign": _mutant(gt_ties_high=True)},
    "float32_iou_out": {"atss_assign": _mutant(float32=True)},
    "no_box_shape_check": {"atss_assign": _mutant(check_boxes=False)},
    "no_count_check": {"atss_assign": _mutant(check_counts=False)},
    "no_topk_check": {"atss_assign": _mutant(check_topk=False)},
    "threshold_over_all_anchors": {"atss_assign": _mutant(thr_over_all=True)},
}
CANONICAL = {"mmdetection": {"atss_assign": mmdet_style}}
SLOW = {}
