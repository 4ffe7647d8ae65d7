"""Pairwise IoU of two sets of x1, y1, x2, y2 boxes in numpy."""

import numpy as np


def box_iou(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    boxes1, boxes2 = np.asarray(boxes1), np.asarray(boxes2)
    for name, b in (("boxes1", boxes1), ("boxes2", boxes2)):
        if b.ndim != 2 or b.shape[1] != 4:
            raise ValueError(f"{name} must have shape (K, 4), got {b.shape}")
    dtype = np.result_type(boxes1, boxes2)
    a, b = boxes1.astype(dtype, copy=False), boxes2.astype(dtype, copy=False)
    area1 = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area2 = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    # (N, 1) against (M,): every pair at once
    w = np.minimum(a[:, None, 2], b[:, 2]) - np.maximum(a[:, None, 0], b[:, 0])
    h = np.minimum(a[:, None, 3], b[:, 3]) - np.maximum(a[:, None, 1], b[:, 1])
    inter = np.clip(w, 0, None) * np.clip(h, 0, None)
    union = area1[:, None] + area2 - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
