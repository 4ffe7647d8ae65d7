"""Brute-force oracles shared by several katas' tests: the definitions, one pair at a time, float64.

Slow on purpose and obviously right; tests compare candidates with them on small inputs."""

from __future__ import annotations

import numpy as np


def pair_iou(a, b) -> float:
    """IoU of two ``x1, y1, x2, y2`` boxes in continuous coordinates (no +1); 0 when the union is empty."""
    a, b = [float(v) for v in a], [float(v) for v in b]
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def iou_matrix(boxes1, boxes2) -> np.ndarray:
    """(N, M) IoUs by `pair_iou`, pair by pair."""
    out = np.zeros((len(boxes1), len(boxes2)))
    for i, a in enumerate(np.asarray(boxes1, np.float64).tolist()):
        for j, b in enumerate(np.asarray(boxes2, np.float64).tolist()):
            out[i, j] = pair_iou(a, b)
    return out


def greedy_nms(boxes, scores, iou_threshold) -> np.ndarray:
    """Greedy NMS by the definition: descending score (ties: lower index first); a box is dropped when
    its IoU with a kept box is strictly greater than the threshold."""
    boxes, scores = np.asarray(boxes, np.float64).tolist(), np.asarray(scores).tolist()
    keep = []
    for i in sorted(range(len(boxes)), key=lambda i: (-scores[i], i)):
        if all(pair_iou(boxes[i], boxes[j]) <= iou_threshold for j in keep):
            keep.append(i)
    return np.array(keep, dtype=np.int64)
