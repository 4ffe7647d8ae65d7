"""Known-wrong answers and a canonical-style answer to detection/polygon_iou; `nox -s verify` proves the
tests catch every wrong one and that the canonical one ends as kata.toml says. Never shown to learners."""

import numpy as np

from solutions.detection import polygon_iou as ref


def _ccw(poly):
    return poly if ref._signed_area(poly) >= 0 else poly[::-1]


def _columns(poly):
    """Reads x and y by column, checking nothing (a third column or a trailing axis passes silently)."""
    poly = np.asarray(poly, dtype=np.float64)
    return np.stack([poly[:, 0], poly[:, 1]], axis=1).reshape(len(poly), 2)


def _strict_clip(subject, clip):
    """Sutherland-Hodgman with a strict inside test (side > 0) and crossings only where the signs
    strictly differ: vertices lying on the clip polygon's edges are dropped."""
    for a, b in zip(clip, np.roll(clip, -1, axis=0)):
        if len(subject) == 0:
            break
        side = (b[0] - a[0]) * (subject[:, 1] - a[1]) - (b[1] - a[1]) * (subject[:, 0] - a[0])
        nxt = np.roll(side, -1)
        inside, crosses = side > 0, side * nxt < 0
        t = np.divide(side, side - nxt, out=np.zeros_like(side), where=crosses)
        cut = subject + t[:, None] * (np.roll(subject, -1, axis=0) - subject)
        subject = np.stack([subject, cut], axis=1)[np.stack([inside, crosses], axis=1)]
    return subject


def _mutant(*, orient=True, use_abs=True, over_first=False, guard=True, check=True, f32=False, strict=False,
            result=float):
    def convex_polygon_iou(poly1, poly2):
        if check:
            p, q = ref._check(poly1, "poly1"), ref._check(poly2, "poly2")
        else:
            p, q = _columns(poly1), _columns(poly2)
        if f32:
            p, q = p.astype(np.float32), q.astype(np.float32)
        area = (lambda v: abs(ref._signed_area(v))) if use_abs else ref._signed_area
        area_p, area_q = area(p), area(q)
        if guard and (area_p == 0 or area_q == 0):
            return result(0.0)
        inter = area((_strict_clip if strict else ref._clip)(p, _ccw(q) if orient else q))
        with np.errstate(all="warn"):
            iou = np.float64(inter) / np.float64(area_p if over_first else area_p + area_q - inter)
        return result(iou)

    return convex_polygon_iou


def reorients_in_place(poly1, poly2):
    """Correct, except that it reverses a clockwise poly2 in the caller's array."""
    q = np.asarray(poly2)
    if ref._signed_area(ref._check(q, "poly2")) < 0:
        q[:] = q[::-1].copy()
    return ref.convex_polygon_iou(poly1, q)


def shapely_style(poly1, poly2):
    """The usual shapely answer (text-detection evaluation code): Polygon(...).intersection(...).area
    over Polygon(...).union(...).area; either orientation, float64, no guard and no checks of its own."""
    from shapely.geometry import Polygon

    p, q = Polygon(poly1), Polygon(poly2)
    inter = p.intersection(q).area
    return inter / p.union(q).area


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
    "strict_inside_test": {"convex_polygon_iou": _mutant(strict=True)},
    "reorients_in_place": {"convex_polygon_iou": reorients_in_place},
    "float32_arithmetic": {"convex_polygon_iou": _mutant(f32=True)},
    "returns_numpy_scalar": {"convex_polygon_iou": _mutant(result=np.float32)},
    "no_shape_check": {"convex_polygon_iou": _mutant(check=False)},
}
CANONICAL = {"shapely": {"convex_polygon_iou": shapely_style}}
SLOW = {}
