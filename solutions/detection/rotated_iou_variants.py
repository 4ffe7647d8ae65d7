"""Known-wrong answers to detection/rotated_iou; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np

from solutions.detection import rotated_iou as ref


def _inside(v, poly):
    """v inside or on the counter-clockwise convex polygon `poly`."""
    a, b = poly, np.roll(poly, -1, axis=0)
    return bool(np.all((b[:, 0] - a[:, 0]) * (v[1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (v[0] - a[:, 0]) >= -1e-12))


def _crossing(p, r, q, s):
    """Intersection point of segments p -> p + r and q -> q + s, or None."""
    den = r[0] * s[1] - r[1] * s[0]
    if den == 0:
        return None
    t = ((q[0] - p[0]) * s[1] - (q[1] - p[1]) * s[0]) / den
    u = ((q[0] - p[0]) * r[1] - (q[1] - p[1]) * r[0]) / den
    return p + t * r if 0 <= t <= 1 and 0 <= u <= 1 else None


def point_set_area(p, q, *, with_inside=True, ordered=True):
    """Area of the overlap from candidate points: corners inside the other polygon and edge crossings."""
    pts = []
    if with_inside:
        pts += [v for v in p if _inside(v, q)] + [v for v in q if _inside(v, p)]
    for a, b in zip(p, np.roll(p, -1, axis=0)):
        for c, d in zip(q, np.roll(q, -1, axis=0)):
            x = _crossing(a, b - a, c, d - c)
            if x is not None:
                pts.append(x)
    if len(pts) < 3:
        return 0.0
    pts = np.array(pts)
    if ordered:
        d = pts - pts.mean(axis=0)
        pts = pts[np.argsort(np.arctan2(d[:, 1], d[:, 0]))]
    return ref._area(pts)


def _mutant(*, radians=np.deg2rad, overlap=None):
    def rotated_box_iou(boxes1, boxes2):
        b1, b2 = ref._check(boxes1, "boxes1"), ref._check(boxes2, "boxes2")
        b1, b2 = b1.copy(), b2.copy()
        # the reference's corners take degrees: feed it the angle this mistake actually uses
        b1[:, 4], b2[:, 4] = np.rad2deg(radians(b1[:, 4])), np.rad2deg(radians(b2[:, 4]))
        c1, c2 = ref._corners(b1), ref._corners(b2)
        area1, area2 = b1[:, 2] * b1[:, 3], b2[:, 2] * b2[:, 3]
        out = np.zeros((len(b1), len(b2)))
        for i in range(len(b1)):
            for j in range(len(b2)):
                inter = overlap(c1[i], c2[j]) if overlap else ref._area(ref._clip(c1[i], c2[j]))
                union = area1[i] + area2[j] - inter
                out[i, j] = inter / union if union > 0 else 0.0
        return out

    return rotated_box_iou


WRONG = {
    "angle_in_radians": {"rotated_box_iou": _mutant(radians=lambda a: a)},
    "clockwise_rotation": {"rotated_box_iou": _mutant(radians=lambda a: -np.deg2rad(a))},
    "ignores_angle": {"rotated_box_iou": _mutant(radians=lambda a: 0 * a)},
    "misses_contained_corners": {
        "rotated_box_iou": _mutant(overlap=lambda p, q: point_set_area(p, q, with_inside=False))},
    "unordered_vertices": {"rotated_box_iou": _mutant(overlap=lambda p, q: point_set_area(p, q, ordered=False))},
}
SLOW = {}
