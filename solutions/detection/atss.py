"""ATSS adaptive training sample selection, as mmdetection's ATSSAssigner: per-level top-k nearest
centres, threshold mean + unbiased std of their IoUs, centre inside the gt by more than 0.01."""

import numpy as np


def _boxes(boxes, name):
    boxes = np.asarray(boxes, dtype=np.float64)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f"{name} must have shape (N, 4) as x1, y1, x2, y2; got {boxes.shape}")
    return boxes


def box_iou(a, b):
    """(A, G) IoU matrix in continuous coordinates; a zero union gives 0."""
    wh = np.clip(np.minimum(a[:, None, 2:], b[None, :, 2:]) - np.maximum(a[:, None, :2], b[None, :, :2]), 0, None)
    inter = wh[..., 0] * wh[..., 1]
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def _counts(counts, total):
    counts = np.asarray(counts)
    if counts.ndim != 1 or (counts.size and counts.dtype.kind not in "iu") or (counts < 0).any() \
            or counts.sum() != total:
        raise ValueError(f"num_anchors_per_level must be 1-D non-negative integers summing to {total}")
    return counts.astype(np.int64)


def atss_assign(anchors: np.ndarray, num_anchors_per_level, gt_boxes: np.ndarray, topk: int = 9):
    anchors, gt = _boxes(anchors, "anchors"), _boxes(gt_boxes, "gt_boxes")
    counts = _counts(num_anchors_per_level, len(anchors))
    if int(topk) != topk or topk < 1:
        raise ValueError(f"topk must be an integer >= 1, got {topk}")
    n, g = len(anchors), len(gt)
    assigned_gt, assigned_iou = np.full(n, -1, np.int64), np.zeros(n)
    if n == 0 or g == 0:
        return assigned_gt, assigned_iou

    iou = box_iou(anchors, gt)                                               # (A, G)
    centres = (anchors[:, :2] + anchors[:, 2:]) / 2
    dist = np.linalg.norm(centres[:, None] - (gt[:, :2] + gt[:, 2:]) / 2, axis=-1)  # (A, G)

    # per level and per gt, the topk nearest anchors; a stable sort puts lower indices first on ties
    ends = np.cumsum(counts)
    cand = np.concatenate([s + np.argsort(dist[s:e], axis=0, kind="stable")[:topk]
                           for s, e in zip(ends - counts, ends)])             # (C, G) anchor indices
    cand_iou = np.take_along_axis(iou, cand, axis=0)
    std = cand_iou.std(axis=0, ddof=1) if len(cand) > 1 else 0.0             # unbiased, as torch.std
    thr = cand_iou.mean(axis=0) + std

    c = centres[cand]                                                        # (C, G, 2)
    margin = np.minimum(c - gt[:, :2], gt[:, 2:] - c).min(axis=-1)
    pos = (cand_iou >= thr) & (margin > 0.01)

    # an anchor positive for several gts keeps the highest IoU; argmax takes the lower gt on ties
    score = np.full((n, g), -np.inf)
    cols = np.broadcast_to(np.arange(g), cand.shape)
    score[cand[pos], cols[pos]] = cand_iou[pos]
    best = score.argmax(axis=1)
    best_iou = score[np.arange(n), best]
    hit = best_iou > -np.inf
    assigned_gt[hit], assigned_iou[hit] = best[hit], best_iou[hit]
    return assigned_gt, assigned_iou
