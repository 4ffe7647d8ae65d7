"""Known-wrong answers to detection/polygon_iou; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np

from solutions.detection import polygon_iou as ref


def _ccw(poly):
    return poly if ref._signed_area(poly) >= 0 else poly[::-1]


def _mutant(*, orient=True, use_abs=True, over_first=False, guard=True):
    def convex_polygon_iou(poly1, poly2):
        p, q = ref._check(poly1, "poly1"), ref._check(poly2, "poly2")
        area = (lambda v: abs(ref._signed_area(v))) if use_abs else ref._signed_area
        area_p, area_q = area(p), area(q)
        if guard and (area_p == 0 or area_q == 0):
            return 0.0
        inter = area(ref._clip(p, _ccw(q) if orient else q))
        return float(np.float64(inter) / (area_p if over_first else area_p + area_q - inter))

    return convex_polygon_iou


def _ccw_by_first_corner(poly):
    """Orientation from the cross product at the first corner only (0 for collinear vertices)."""
    (x0, y0), (x1, y1), (x2, y2) = poly[:3]
    return poly[::-1] if (x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0) < 0 else poly


def orientation_from_first_corner(poly1, poly2):
    p, q = ref._check(poly1, "poly1"), ref._check(poly2, "poly2")
    area_p, area_q = abs(ref._signed_area(p)), abs(ref._signed_area(q))
    if area_p == 0 or area_q == 0:
        return 0.0
    inter = abs(ref._signed_area(ref._clip(p, _ccw_by_first_corner(q))))
    return float(inter / (area_p + area_q - inter))


def _inside(v, poly):
    a, b = poly, np.roll(poly, -1, axis=0)
    return bool(np.all((b[:, 0] - a[:, 0]) * (v[1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (v[0] - a[:, 0]) >= -1e-12))


def misses_first_polygon_inside(poly1, poly2):
    """Overlap from edge crossings and poly2's vertices inside poly1, but not poly1's inside poly2."""
    p, q = _ccw(ref._check(poly1, "poly1")), _ccw(ref._check(poly2, "poly2"))
    pts = [v for v in q if _inside(v, p)]
    for a, b in zip(p, np.roll(p, -1, axis=0)):
        for c, d in zip(q, np.roll(q, -1, axis=0)):
            r, s = b - a, d - c
            den = r[0] * s[1] - r[1] * s[0]
            if den != 0:
                t = ((c[0] - a[0]) * s[1] - (c[1] - a[1]) * s[0]) / den
                u = ((c[0] - a[0]) * r[1] - (c[1] - a[1]) * r[0]) / den
                if 0 <= t <= 1 and 0 <= u <= 1:
                    pts.append(a + t * r)
    area_p, area_q = ref._signed_area(p), ref._signed_area(q)
    if area_p == 0 or area_q == 0:
        return 0.0
    inter = 0.0
    if len(pts) >= 3:
        pts = np.array(pts)
        d = pts - pts.mean(axis=0)
        inter = abs(ref._signed_area(pts[np.argsort(np.arctan2(d[:, 1], d[:, 0]))]))
    return float(inter / (area_p + area_q - inter))


WRONG = {
    "assumes_counter_clockwise": {"convex_polygon_iou": _mutant(orient=False)},
    "shoelace_without_abs": {"convex_polygon_iou": _mutant(use_abs=False)},
    "loses_containment": {"convex_polygon_iou": misses_first_polygon_inside},
    "over_first_area": {"convex_polygon_iou": _mutant(over_first=True)},
    "unguarded_zero_union": {"convex_polygon_iou": _mutant(guard=False)},
    "orientation_from_first_corner": {"convex_polygon_iou": orientation_from_first_corner},
}
SLOW = {}
