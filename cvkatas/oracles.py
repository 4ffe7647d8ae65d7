"""Brute-force oracles shared by several katas' tests: the definitions, one pair at a time, float64.

Slow on purpose and obviously right; tests compare candidates with them on small inputs."""

from __future__ import annotations

import numpy as np


def pair_iou(a, b, plus_one: float = 0.0) -> float:
    """IoU of two ``x1, y1, x2, y2`` boxes in continuous coordinates (no +1); 0 when the union is empty.
    ``plus_one=1`` switches to the inclusive-pixel convention (width ``x2 - x1 + 1``)."""
    a, b = [float(v) for v in a], [float(v) for v in b]
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]) + plus_one)
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]) + plus_one)
    inter = w * h
    area = lambda r: (r[2] - r[0] + plus_one) * (r[3] - r[1] + plus_one)  # noqa: E731
    union = area(a) + area(b) - inter
    return inter / union if union > 0 else 0.0


def iou_matrix(boxes1, boxes2) -> np.ndarray:
    """(N, M) IoUs by `pair_iou`, pair by pair."""
    out = np.zeros((len(boxes1), len(boxes2)))
    for i, a in enumerate(np.asarray(boxes1, np.float64).tolist()):
        for j, b in enumerate(np.asarray(boxes2, np.float64).tolist()):
            out[i, j] = pair_iou(a, b)
    return out


def greedy_nms(boxes, scores, iou_threshold, *, plus_one: float = 0.0, strict: bool = True,
               ties: str = "low") -> np.ndarray:
    """Greedy NMS by the definition: descending score (ties: lower index first); a box is dropped when
    its IoU with a kept box is strictly greater than the threshold.

    The switches give the other conventions a learner may follow: ``plus_one=1`` (inclusive pixels),
    ``strict=False`` (drop at IoU >= threshold), ``ties="high"`` (equal scores, higher index first)."""
    ious = iou_table(boxes, boxes, plus_one)
    scores = np.asarray(scores).tolist()
    sign = 1 if ties == "low" else -1
    keep = []
    for i in sorted(range(len(scores)), key=lambda i: (-scores[i], sign * i)):
        row = ious[i, keep]
        if (row <= iou_threshold).all() if strict else (row < iou_threshold).all():
            keep.append(i)
    return np.array(keep, dtype=np.int64)


def iou_table(boxes1, boxes2, plus_one: float = 0.0) -> np.ndarray:
    """(N, M) float64 IoUs by the same formula as `pair_iou`, all pairs at once (for larger oracles)."""
    a = np.asarray(boxes1, np.float64).reshape(-1, 4)[:, None, :]
    b = np.asarray(boxes2, np.float64).reshape(-1, 4)[None, :, :]
    w = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]) + plus_one, 0, None)
    h = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]) + plus_one, 0, None)
    inter = w * h
    area = lambda r: (r[..., 2] - r[..., 0] + plus_one) * (r[..., 3] - r[..., 1] + plus_one)  # noqa: E731
    union = area(a) + area(b) - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
