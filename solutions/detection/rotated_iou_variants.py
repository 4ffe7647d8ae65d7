"""Known-wrong answers and canonical-style answers to detection/rotated_iou; `nox -s verify` proves the
tests catch every wrong one and that the canonical ones end as kata.toml says. Never shown to learners."""

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


def _columns(boxes):
    """Reads the boxes by column, checking nothing (six columns or a trailing axis pass silently)."""
    b = np.asarray(boxes, dtype=np.float64)
    return np.stack([b[:, 0], b[:, 1], b[:, 2], b[:, 3], b[:, 4]], axis=1).reshape(len(b), 5)


def _mutant(*, radians=np.deg2rad, overlap=None, check=True, size_check=True, guard=True, f32=False,
            out_dtype=None, mod90=False, in_place=False):
    def rotated_box_iou(boxes1, boxes2):
        if in_place:  # "normalise" the caller's angles
            np.remainder(boxes1[:, 4], 360, out=boxes1[:, 4])
        if check and size_check:
            b1, b2 = ref._check(boxes1, "boxes1"), ref._check(boxes2, "boxes2")
        elif check:  # shapes only
            b1, b2 = np.asarray(boxes1, np.float64), np.asarray(boxes2, np.float64)
            if b1.ndim != 2 or b1.shape[1] != 5 or b2.ndim != 2 or b2.shape[1] != 5:
                raise ValueError("bad shapes")
        else:
            b1, b2 = _columns(boxes1), _columns(boxes2)
            if (b1[:, 2:4] < 0).any() or (b2[:, 2:4] < 0).any():
                raise ValueError("negative size")
        b1, b2 = b1.copy(), b2.copy()
        if mod90:  # as if every angle could be folded into [0, 90) without swapping w and h
            b1[:, 4], b2[:, 4] = b1[:, 4] % 90, b2[:, 4] % 90
        # the reference's corners take degrees: feed it the angle this mistake actually uses
        b1[:, 4], b2[:, 4] = np.rad2deg(radians(b1[:, 4])), np.rad2deg(radians(b2[:, 4]))
        dtype = np.float32 if f32 else np.float64
        c1, c2 = ref._corners(b1).astype(dtype), ref._corners(b2).astype(dtype)
        area1, area2 = (b1[:, 2] * b1[:, 3]).astype(dtype), (b2[:, 2] * b2[:, 3]).astype(dtype)
        out = np.zeros((len(b1), len(b2)))
        for i in range(len(b1)):
            for j in range(len(b2)):
                inter = overlap(c1[i], c2[j]) if overlap else ref._area(ref._clip(c1[i], c2[j]))
                union = area1[i] + area2[j] - inter
                if guard:
                    out[i, j] = inter / union if union > 0 else 0.0
                else:
                    with np.errstate(all="warn"):
                        out[i, j] = np.float64(inter) / np.float64(union)
        return out.astype(out_dtype or np.result_type(np.float64))

    return rotated_box_iou


def _float32_out(boxes1, boxes2):
    out = ref.rotated_box_iou(boxes1, boxes2)
    return out.astype(np.result_type(np.asarray(boxes1).dtype, np.asarray(boxes2).dtype))


# Canonical-style answers: the rotated-box kernel that detectron2 wrote and mmcv adopted
# (box_iou_rotated_utils: vertices, edge crossings plus contained corners, Graham scan, area),
# in float32, written anew in numpy.

def _kernel_vertices(x, y, w, h, theta, layout):
    c, s = np.cos(theta) * 0.5, np.sin(theta) * 0.5
    if layout == "mmcv":  # R(theta) in x, y: clockwise on screen with y down
        p0 = (x - s * h - c * w, y + c * h - s * w)
        p1 = (x + s * h - c * w, y - c * h - s * w)
    else:  # detectron2: R(-theta) in x, y: counter-clockwise on screen with y down
        p0 = (x + s * h + c * w, y + c * h - s * w)
        p1 = (x - s * h + c * w, y - c * h - s * w)
    p0, p1 = np.array(p0, np.float32), np.array(p1, np.float32)
    return np.stack([p0, p1, 2 * np.array([x, y], np.float32) - p0, 2 * np.array([x, y], np.float32) - p1])


def _cross(a, b):
    return a[0] * b[1] - b[0] * a[1]


def _intersection_points(pts1, pts2):
    out = []
    vec1 = np.roll(pts1, -1, axis=0) - pts1
    vec2 = np.roll(pts2, -1, axis=0) - pts2
    for i in range(4):
        for j in range(4):
            det = _cross(vec2[j], vec1[i])
            if abs(det) <= 1e-14:
                continue
            point = pts2[j] - pts1[i]
            t1, t2 = _cross(vec2[j], point) / det, _cross(vec1[i], point) / det
            if 0.0 <= t1 <= 1.0 and 0.0 <= t2 <= 1.0:
                out.append(pts1[i] + vec1[i] * t1)
    eps = np.float32(1e-5)
    for a, b in ((pts1, pts2), (pts2, pts1)):  # corners of a inside b
        ab, da = b[1] - b[0], b[3] - b[0]
        for p in a:
            ap = p - b[0]
            if (ap @ ab > -eps and ap @ da > -eps and ap @ ab < ab @ ab + eps and ap @ da < da @ da + eps):
                out.append(p)
    return out


def _convex_hull_area(points):
    if len(points) <= 2:
        return 0.0
    p = np.array(points, np.float32)
    start = np.lexsort((p[:, 0], p[:, 1]))[0]  # lowest y, then lowest x
    q = p - p[start]
    q = np.delete(q, start, axis=0)
    q = q[np.lexsort((np.hypot(q[:, 0], q[:, 1]), np.arctan2(q[:, 1], q[:, 0])))]
    hull = [np.zeros(2, np.float32)]
    for v in q:
        if np.hypot(*(v - hull[-1])) < 1e-6:  # duplicates
            continue
        while len(hull) > 1 and _cross(v - hull[-2], hull[-1] - hull[-2]) >= 0:
            hull.pop()
        hull.append(v)
    area = sum(_cross(hull[k], hull[k + 1]) for k in range(1, len(hull) - 1))
    return abs(float(area)) / 2.0


def _kernel_iou(box1, box2, layout, to_radians):
    box1, box2 = box1.astype(np.float32), box2.astype(np.float32)
    area1, area2 = box1[2] * box1[3], box2[2] * box2[3]
    if area1 < 1e-14 or area2 < 1e-14:
        return 0.0
    shift = (box1[:2] + box2[:2]) / 2  # centre the pair at the origin for precision
    pts1 = _kernel_vertices(*(box1[:2] - shift), box1[2], box1[3], box1[4] * to_radians, layout)
    pts2 = _kernel_vertices(*(box2[:2] - shift), box2[2], box2[3], box2[4] * to_radians, layout)
    inter = np.float32(_convex_hull_area(_intersection_points(pts1, pts2)))
    return inter / (area1 + area2 - inter)


def _kernel(layout, to_radians):
    def rotated_box_iou(boxes1, boxes2):
        out = np.zeros((len(boxes1), len(boxes2)), np.float32)
        for i in range(len(boxes1)):
            for j in range(len(boxes2)):
                out[i, j] = _kernel_iou(boxes1[i, :5], boxes2[j, :5], layout, to_radians)
        return out

    return rotated_box_iou


WRONG = {
    "angle_in_radians": {"rotated_box_iou": _mutant(radians=lambda a: a)},
    "clockwise_rotation": {"rotated_box_iou": _mutant(radians=lambda a: -np.deg2rad(a))},
    "ignores_angle": {"rotated_box_iou": _mutant(radians=lambda a: 0 * a)},
    "angle_mod_90": {"rotated_box_iou": _mutant(mod90=True)},
    "misses_contained_corners": {
        "rotated_box_iou": _mutant(overlap=lambda p, q: point_set_area(p, q, with_inside=False))},
    "unordered_vertices": {"rotated_box_iou": _mutant(overlap=lambda p, q: point_set_area(p, q, ordered=False))},
    "unguarded_union": {"rotated_box_iou": _mutant(guard=False)},
    "normalises_angles_in_place": {"rotated_box_iou": _mutant(in_place=True)},
    "input_dtype_output": {"rotated_box_iou": _float32_out},
    "float32_arithmetic": {"rotated_box_iou": _mutant(f32=True)},
    "no_shape_check": {"rotated_box_iou": _mutant(check=False)},
    "no_negative_size_check": {"rotated_box_iou": _mutant(size_check=False)},
}
CANONICAL = {
    "mmcv": {"rotated_box_iou": _kernel("mmcv", 1.0)},
    "detectron2": {"rotated_box_iou": _kernel("detectron2", 0.01745329251)},
}
SLOW = {}
