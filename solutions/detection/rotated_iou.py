"""Pairwise IoU of rotated boxes: Sutherland-Hodgman clipping and the shoelace formula."""

import numpy as np


def _check(boxes, name):
    boxes = np.asarray(boxes, dtype=np.float64)
    if boxes.ndim != 2 or boxes.shape[1] != 5:
        raise ValueError(f"{name} must have shape (N, 5) as cx, cy, w, h, angle; got {boxes.shape}")
    if (boxes[:, 2:4] < 0).any():
        raise ValueError(f"{name} has a negative width or height")
    return boxes


def _corners(boxes):
    """(N, 4, 2) corners, counter-clockwise in y-up axes: (cx, cy) + R(angle) @ (+-w/2, +-h/2)."""
    cx, cy, w, h, angle = boxes.T
    t = np.deg2rad(angle)[:, None]
    dx = np.array([-0.5, 0.5, 0.5, -0.5]) * w[:, None]
    dy = np.array([-0.5, -0.5, 0.5, 0.5]) * h[:, None]
    x = cx[:, None] + np.cos(t) * dx - np.sin(t) * dy
    y = cy[:, None] + np.sin(t) * dx + np.cos(t) * dy
    return np.stack([x, y], axis=-1)


def _area(poly):
    """Shoelace formula; fewer than three points give 0."""
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * abs(x @ np.roll(y, -1) - y @ np.roll(x, -1))


def _clip(subject, clip):
    """Sutherland-Hodgman: the part of convex polygon `subject` inside the counter-clockwise `clip`."""
    for a, b in zip(clip, np.roll(clip, -1, axis=0)):
        if len(subject) == 0:
            break
        # > 0: left of the directed edge a -> b, which is inside for a counter-clockwise polygon
        side = (b[0] - a[0]) * (subject[:, 1] - a[1]) - (b[1] - a[1]) * (subject[:, 0] - a[0])
        inside = side >= 0
        crosses = inside != np.roll(inside, -1)  # edge p -> next(p) crosses the line
        t = np.divide(side, side - np.roll(side, -1), out=np.zeros_like(side), where=crosses)
        cut = subject + t[:, None] * (np.roll(subject, -1, axis=0) - subject)
        # walk the edges in order: keep p if it is inside, then the crossing point if there is one
        subject = np.stack([subject, cut], axis=1)[np.stack([inside, crosses], axis=1)]
    return subject


def rotated_box_iou(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    b1, b2 = _check(boxes1, "boxes1"), _check(boxes2, "boxes2")
    c1, c2 = _corners(b1), _corners(b2)
    area1, area2 = b1[:, 2] * b1[:, 3], b2[:, 2] * b2[:, 3]
    # Two boxes can only overlap when their circumscribed circles do: clip only those pairs.
    radius1, radius2 = np.hypot(b1[:, 2], b1[:, 3]) / 2, np.hypot(b2[:, 2], b2[:, 3]) / 2
    dist = np.hypot(b1[:, None, 0] - b2[None, :, 0], b1[:, None, 1] - b2[None, :, 1])
    near = (dist < radius1[:, None] + radius2[None, :]) & (area1[:, None] > 0) & (area2[None, :] > 0)
    iou = np.zeros((len(b1), len(b2)))
    for i, j in zip(*np.nonzero(near)):
        inter = _area(_clip(c1[i], c2[j]))
        iou[i, j] = inter / (area1[i] + area2[j] - inter)
    return iou
