"""Soft-NMS in numpy: linear, Gaussian and hard (ordinary NMS) score decay."""

import numpy as np


def soft_nms(boxes: np.ndarray, scores: np.ndarray, method: str = "linear", iou_threshold: float = 0.3,
             sigma: float = 0.5, score_threshold: float = 0.001):
    boxes = np.asarray(boxes, dtype=np.float64)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f"boxes must have shape (N, 4), got {boxes.shape}")
    if np.shape(scores) != (len(boxes),):
        raise ValueError(f"scores must have shape ({len(boxes)},), got {np.shape(scores)}")
    if method not in ("linear", "gaussian", "hard"):
        raise ValueError(f"method must be 'linear', 'gaussian' or 'hard', got {method!r}")
    if method == "gaussian" and sigma <= 0:
        raise ValueError(f"sigma must be > 0, got {sigma}")
    if score_threshold <= 0:
        raise ValueError(f"score_threshold must be > 0, got {score_threshold}")

    x1, y1, x2, y2 = boxes.T
    areas = (x2 - x1) * (y2 - y1)
    s = np.array(scores, dtype=np.float64)  # a copy: the caller's scores stay as they were
    rest = np.flatnonzero(s >= score_threshold)
    keep, kept_scores = [], []
    while rest.size:
        # Re-select the best box every time: decay can reorder the remaining boxes.
        # argmax returns the first maximum, and `rest` is in index order, so ties go to the lower index.
        pos = np.argmax(s[rest])
        i = rest[pos]
        keep.append(i)
        kept_scores.append(s[i])
        rest = np.delete(rest, pos)

        w = np.clip(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]), 0, None)
        h = np.clip(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]), 0, None)
        inter = w * h
        union = areas[i] + areas[rest] - inter
        iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        if method == "linear":
            decay = np.where(iou > iou_threshold, 1.0 - iou, 1.0)
        elif method == "gaussian":
            decay = np.exp(-(iou**2) / sigma)
        else:
            decay = np.where(iou > iou_threshold, 0.0, 1.0)
        s[rest] *= decay
        rest = rest[s[rest] >= score_threshold]
    return np.array(keep, dtype=np.int64), np.array(kept_scores, dtype=np.float64)
