"""IoU of two convex polygons: clip one by the other's half-planes, then the shoelace formula."""

import numpy as np


def _check(poly, name):
    poly = np.asarray(poly, dtype=np.float64)
    if poly.ndim != 2 or poly.shape[1] != 2 or len(poly) < 3:
        raise ValueError(f"{name} must have shape (K, 2) with K >= 3, got {poly.shape}")
    return poly


def _signed_area(poly):
    """Shoelace formula: > 0 for counter-clockwise vertices (y up), < 0 for clockwise ones."""
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * (x @ np.roll(y, -1) - y @ np.roll(x, -1))


def _clip(subject, clip):
    """Sutherland-Hodgman: the part of convex `subject` on the left of every edge of `clip`."""
    for a, b in zip(clip, np.roll(clip, -1, axis=0)):
        if len(subject) == 0:
            break
        side = (b[0] - a[0]) * (subject[:, 1] - a[1]) - (b[1] - a[1]) * (subject[:, 0] - a[0])
        inside = side >= 0
        crosses = inside != np.roll(inside, -1)  # edge p -> next(p) crosses the line
        t = np.divide(side, side - np.roll(side, -1), out=np.zeros_like(side), where=crosses)
        cut = subject + t[:, None] * (np.roll(subject, -1, axis=0) - subject)
        # walk the edges in order: keep p if it is inside, then the crossing point if there is one
        subject = np.stack([subject, cut], axis=1)[np.stack([inside, crosses], axis=1)]
    return subject


def convex_polygon_iou(poly1: np.ndarray, poly2: np.ndarray) -> float:
    p, q = _check(poly1, "poly1"), _check(poly2, "poly2")
    area_p, area_q = _signed_area(p), _signed_area(q)
    if area_p == 0 or area_q == 0:
        return 0.0
    if area_q < 0:
        q = q[::-1]  # "inside" = left of each edge needs a counter-clockwise clip polygon
    inter = abs(_signed_area(_clip(p, q)))
    return float(inter / (abs(area_p) + abs(area_q) - inter))
