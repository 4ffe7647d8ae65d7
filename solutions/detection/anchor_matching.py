"""Faster R-CNN RPN anchor labelling (Matcher semantics) and balanced positive/negative sampling."""

import numpy as np


def _boxes(boxes, name):
    boxes = np.asarray(boxes, dtype=np.float64)  # IoUs in float64, so 70 / 100 equals the 0.7 threshold
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


def match_anchors(anchors: np.ndarray, gt_boxes: np.ndarray, fg_iou_threshold: float = 0.7,
                  bg_iou_threshold: float = 0.3, allow_low_quality_matches: bool = True):
    anchors, gt = _boxes(anchors, "anchors"), _boxes(gt_boxes, "gt_boxes")
    if bg_iou_threshold > fg_iou_threshold:
        raise ValueError(f"bg_iou_threshold {bg_iou_threshold} is above fg_iou_threshold {fg_iou_threshold}")
    n = len(anchors)
    if len(gt) == 0 or n == 0:
        return np.zeros(n, np.int64), np.full(n, -1, np.int64)

    iou = box_iou(anchors, gt)
    matched_gt = iou.argmax(axis=1)  # first maximum: ties go to the lower gt index
    best = iou[np.arange(n), matched_gt]
    labels = np.full(n, -1, np.int64)
    labels[best < bg_iou_threshold] = 0
    labels[best >= fg_iou_threshold] = 1
    if allow_low_quality_matches:
        best_per_gt = iou.max(axis=0)
        # every anchor tied at a gt's best IoU, for gts that overlap some anchor at all
        claimed = (iou == best_per_gt) & (best_per_gt > 0)
        labels[claimed.any(axis=1)] = 1
    return labels, matched_gt.astype(np.int64)


def sample_labels(labels: np.ndarray, batch_size_per_image: int = 256, positive_fraction: float = 0.5,
                  rng: np.random.Generator | None = None) -> np.ndarray:
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.isin(labels, (-1, 0, 1)).all():
        raise ValueError("labels must be a 1-D array of -1, 0 and 1")
    if batch_size_per_image < 0 or not 0 <= positive_fraction <= 1:
        raise ValueError("need batch_size_per_image >= 0 and 0 <= positive_fraction <= 1")

    pos, neg = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
    num_pos = min(len(pos), int(batch_size_per_image * positive_fraction))
    num_neg = min(len(neg), batch_size_per_image - num_pos)
    out = np.full(labels.shape, -1, np.int64)
    out[rng.choice(pos, num_pos, replace=False)] = 1
    out[rng.choice(neg, num_neg, replace=False)] = 0
    return out
