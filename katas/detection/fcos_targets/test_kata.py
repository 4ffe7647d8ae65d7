"""Tests for detection/fcos_targets. Run: pytest katas/detection/fcos_targets"""

import math

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail

INF = float("inf")

# ---------------------------------------------------------------- the definition, one point and one gt at a time


class Brute:
    """FCOS targets by the statement, loop by loop in float64. Keeps what it saw, to explain any point."""

    def __init__(self, points, gt, gt_labels, ranges, counts, radius=None, strides=None):
        self.points = np.asarray(points, np.float64).tolist()
        self.gt = np.asarray(gt, np.float64).tolist()
        self.ranges = np.asarray(ranges, np.float64).tolist()
        self.radius, self.strides = radius, strides
        self.level = [lvl for lvl, c in enumerate(counts) for _ in range(int(c))]
        gt_labels = [int(v) for v in gt_labels]
        p = len(self.points)
        self.labels, self.ltrb, self.centerness = [-1] * p, [[0.0] * 4 for _ in range(p)], [0.0] * p
        self.rows = []
        for i, (x, y) in enumerate(self.points):
            lo, hi = self.ranges[self.level[i]]
            rows, passing = [], []
            for j, (x1, y1, x2, y2) in enumerate(self.gt):
                l, t, r, b = x - x1, y - y1, x2 - x, y2 - y
                if radius is None:
                    inside = min(l, t, r, b) > 0
                else:
                    s = radius * strides[self.level[i]]
                    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
                    bx1, by1, bx2, by2 = max(cx - s, x1), max(cy - s, y1), min(cx + s, x2), min(cy + s, y2)
                    inside = min(x - bx1, y - by1, bx2 - x, by2 - y) > 0
                m = max(l, t, r, b)
                fits = lo <= m <= hi
                area = (x2 - x1) * (y2 - y1)
                rows.append(((l, t, r, b), inside, m, fits, area))
                if inside and fits:
                    passing.append((area, j))
            self.rows.append(rows)
            if passing:
                j = min(passing)[1]  # smallest area, then the lower gt index
                l, t, r, b = rows[j][0]
                self.labels[i], self.ltrb[i] = gt_labels[j], [l, t, r, b]
                self.centerness[i] = math.sqrt(min(l, r) / max(l, r) * min(t, b) / max(t, b))

    def explain(self, i) -> str:
        """Why point `i` gets its label: every gt that contains it (the others are only counted)."""
        x, y = self.points[i]
        lo, hi = self.ranges[self.level[i]]
        parts = [f"point {i} ({x:g}, {y:g}) on level {self.level[i]}, size range [{lo:g}, {hi:g}]"]
        where = "inside" if self.radius is None else f"inside the centre box (radius {self.radius} * stride, clipped)"
        outside = []
        for j, ((l, t, r, b), inside, m, fits, area) in enumerate(self.rows[i]):
            if min(l, t, r, b) < 0:
                outside.append(j)
                continue
            parts.append(f"gt {j}: l, t, r, b = {l:g}, {t:g}, {r:g}, {b:g}; {where}: {inside}; max {m:g} in "
                         f"[{lo:g}, {hi:g}]: {fits}; area {area:g}")
        if outside:
            parts.append(f"gt(s) {outside} do not contain it (a negative distance)")
        if self.labels[i] >= 0:
            parts.append(f"so label {self.labels[i]} (smallest area passing both, ties: lower gt), centerness "
                         f"sqrt(min(l,r)/max(l,r) * min(t,b)/max(t,b)) = {self.centerness[i]:.6g}")
        else:
            parts.append("so background: label -1, ltrb 0, centerness 0")
        return "; ".join(parts)


def check(impl, points, gt, gt_labels, ranges, counts, radius=None, strides=None):
    """Run fcos_targets, check the output's form, and compare with the brute force."""
    __tracebackhide__ = True
    call = Call(impl.fcos_targets, points, gt, gt_labels, ranges, counts, radius, strides)
    assert_returns(call, "labels", "ltrb", "centerness")
    labels, ltrb, ctr = call.out
    p = len(points)
    assert_array(labels, dtype=np.int64, shape=(p,), call=call, what="labels")
    assert_array(ltrb, dtype=np.float64, shape=(p, 4), call=call, what="ltrb")
    assert_array(ctr, dtype=np.float64, shape=(p,), call=call, what="centerness")
    brute = Brute(points, gt, gt_labels, ranges, counts, radius, strides)
    exp_labels = np.array(brute.labels, np.int64)
    bad = np.flatnonzero(np.asarray(labels) != exp_labels)
    assert_equal(labels, exp_labels, call=call, what="labels", why=brute.explain(int(bad[0])) if len(bad) else None)
    exp_ltrb = np.array(brute.ltrb, np.float64).reshape(p, 4)
    bad = np.flatnonzero((np.asarray(ltrb) != exp_ltrb).any(axis=1)) if p else []
    assert_close(ltrb, exp_ltrb, rtol=1e-12, atol=1e-12, call=call, what="ltrb",
                 why=(brute.explain(int(bad[0])) + "; l = x - x1, t = y - y1, r = x2 - x, b = y2 - y")
                 if len(bad) else None)
    exp_ctr = np.array(brute.centerness)
    bad = np.flatnonzero(np.abs(np.asarray(ctr) - exp_ctr) > 1e-9)
    assert_close(ctr, exp_ctr, rtol=1e-9, atol=1e-12, call=call, what="centerness",
                 why=brute.explain(int(bad[0])) if len(bad) else None)
    return np.asarray(labels), brute


def grid(size=128, strides=(8, 16, 32)):
    """FCOS locations: (i * s + s // 2, j * s + s // 2) on every level."""
    pts, counts = [], []
    for s in strides:
        c = np.arange(s // 2, size, s)
        xs, ys = np.meshgrid(c, c)
        pts.append(np.stack([xs.ravel(), ys.ravel()], axis=1))
        counts.append(xs.size)
    return np.concatenate(pts).astype(np.float64), counts


def random_gt(g, rng, size=128):
    xy = rng.integers(0, size - 8, (g, 2))
    wh = rng.integers(4, 100, (g, 2))
    boxes = np.concatenate([xy, np.minimum(xy + wh, size)], axis=1).astype(np.float64)
    return boxes, rng.integers(0, 5, g)


RANGES = [[-1, 24], [24, 48], [48, INF]]


# 1. By hand.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_targets_and_centerness_by_hand(impl, dtype):
    gt = np.array([[0, 0, 8, 4]], dtype)
    points = np.array([[2, 1], [4, 2], [6, 3], [0, 2], [10, 2]], dtype)
    labels, _ = check(impl, points, gt, np.array([3]), [[0, 64]], [5])
    assert_equal(labels, [3, 3, 3, -1, -1], what="labels",
                 why="points 0-2 lie strictly inside the gt; point 3 is on its left border (l = 0), point 4 outside")
    call = Call(impl.fcos_targets, points, gt, np.array([3]), [[0, 64]], [5])
    assert_close(call.out[1], [[2, 1, 6, 3], [4, 2, 4, 2], [6, 3, 2, 1], [0, 0, 0, 0], [0, 0, 0, 0]], call=call,
                 what="ltrb", why="l = x - x1, t = y - y1, r = x2 - x, b = y2 - y; zeros for background")
    assert_close(call.out[2], [1 / 3, 1, 1 / 3, 0, 0], call=call, what="centerness",
                 why="point 0: sqrt(2/6 * 1/3) = 1/3 (the square root matters: without it 1/9); 1 at the centre")


def test_smallest_area_wins_ties_lower_index(impl):
    gt = np.array([[0, 0, 20, 20], [4, 4, 12, 12], [4, 4, 12, 12]], np.float64)
    points = np.array([[8, 8], [2, 2], [16, 16]], np.float64)
    labels, _ = check(impl, points, gt, np.array([1, 2, 5]), [[0, 64]], [3])
    assert_equal(labels, [2, 1, 1], what="labels",
                 why="point (8, 8) lies in all three: the smallest area (64) wins, and of the two equal boxes the "
                     "lower index (gt 1, label 2)")


def test_size_range_ends_are_inclusive(impl):
    gt = np.array([[0, 0, 16, 16]], np.float64)
    points = np.array([[8, 8], [7, 8], [8, 8], [7, 8], [12, 8]], np.float64)  # two on level 0, three on level 1
    labels, _ = check(impl, points, gt, np.array([4]), [[0, 8], [8, 12]], [2, 3])
    assert_equal(labels, [4, -1, 4, 4, 4], what="labels",
                 why="at (8, 8) max(l, t, r, b) = 8: inside [0, 8] on level 0 (hi inclusive) and inside [8, 12] on "
                     "level 1 (lo inclusive); at (7, 8) it is 9, too big for level 0; at (12, 8) it is 12 = hi")


def test_size_range_applies_to_the_largest_distance(impl):
    gt = np.array([[0, 0, 40, 4]], np.float64)  # wide and thin
    points = np.array([[20, 2], [20, 2]], np.float64)  # l, t, r, b = 20, 2, 20, 2
    labels, _ = check(impl, points, gt, np.array([0]), [[-1, 8], [8, 32]], [1, 1])
    assert_equal(labels, [-1, 0], what="labels",
                 why="max(l, t, r, b) = 20 decides the level: not in [-1, 8] (its min, 2, would be), but in [8, 32]")


def test_centre_sampling_by_hand(impl):
    gt = np.array([[0, 0, 64, 64]], np.float64)  # centre (32, 32); radius 1.5 * stride 8 = 12: box [20, 44]
    points = np.array([[32, 32], [21, 32], [20, 32], [10, 32], [43, 43]], np.float64)
    labels, _ = check(impl, points, gt, np.array([7]), [[-1, INF]], [5], 1.5, [8])
    assert_equal(labels, [7, 7, -1, -1, 7], what="labels",
                 why="with centre sampling only points strictly inside the centre box [20, 20, 44, 44] (radius "
                     "1.5 * stride 8 = 12 around the gt centre) are positive: 20 is on its border, 10 outside")


def test_centre_box_is_clipped_to_the_gt(impl):
    gt = np.array([[0, 0, 8, 8]], np.float64)  # centre box [-20, 28] clipped to the gt [0, 8]
    points = np.array([[4, 4], [7, 1], [10, 4], [0, 4], [4, -6]], np.float64)
    labels, _ = check(impl, points, gt, np.array([2]), [[-1, INF]], [5], 1.5, [16])
    assert_equal(labels, [2, 2, -1, -1, -1], what="labels",
                 why="radius 1.5 * stride 16 = 24 reaches beyond this small gt, but the centre box is clipped to the "
                     "gt: a point outside the gt (r or t negative) is never positive")


def test_no_gts_and_no_points(impl):
    points, counts = grid(64, (16, 32))
    labels, _ = check(impl, points, np.zeros((0, 4)), np.zeros(0, np.int64), [[-1, 32], [32, INF]], counts)
    if not np.all(labels == -1):
        fail("with no gts every point is background (-1)", got=labels)
    check(impl, np.zeros((0, 2)), np.array([[0.0, 0, 8, 8]]), np.array([1]), [[-1, 8], [8, INF]], [0, 0])
    check(impl, np.zeros((0, 2)), np.array([[0.0, 0, 8, 8]]), np.array([1]), [[-1, 8]], [0], 1.5, [8])


def test_bad_input_raises_value_error(impl):
    pts, gt, lab, rng = np.array([[1.0, 1.0], [3.0, 3.0]]), np.array([[0.0, 0, 4, 4]]), np.array([0]), [[0, 8]]
    assert_raises(ValueError, impl.fcos_targets, np.zeros((2, 3)), gt, lab, rng, [2], why="points must be (P, 2)")
    assert_raises(ValueError, impl.fcos_targets, pts, np.zeros((1, 5)), lab, rng, [2], why="gt_boxes must be (G, 4)")
    assert_raises(ValueError, impl.fcos_targets, pts, gt, np.array([0, 1]), rng, [2], why="gt_labels must be (G,)")
    assert_raises(ValueError, impl.fcos_targets, pts, gt, np.array([-1]), rng, [2], why="-1 is the background")
    assert_raises(ValueError, impl.fcos_targets, pts, gt, lab, [0, 8], [2], why="size_ranges must be (L, 2)")
    assert_raises(ValueError, impl.fcos_targets, pts, gt, lab, rng, [3], why="the counts sum to 3, not P = 2")
    assert_raises(ValueError, impl.fcos_targets, pts, gt, lab, rng, [2], 1.5, why="centre sampling needs strides")
    assert_raises(ValueError, impl.fcos_targets, pts, gt, lab, rng, [2], 0.0, [8], why="the radius must be > 0")


# 2. Against the brute force, seeded. Integer coordinates put many max(l, t, r, b) exactly on a range end.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("g", [1, 4, 15])
def test_matches_brute_force(impl, g, dtype):
    rng = np.random.default_rng(200 + g)
    points, counts = grid()  # 336 points on three levels
    seen, on_end = set(), 0
    for radius in (None, 1.5, None, 2.5):
        gt, gt_labels = random_gt(g, rng)
        labels, brute = check(impl, points.astype(dtype), gt.astype(dtype), gt_labels, RANGES, counts,
                              radius, None if radius is None else [8, 16, 32])
        seen |= set(labels.tolist())
        on_end += sum(r[2] in (24.0, 48.0) and r[1] for rows in brute.rows for r in rows)
    if len(seen) < min(g, 3) + 1 or on_end == 0:
        fail("test design: these cases should have background, several labels and points on a range end")


# 4. Properties.

def test_translation_and_gt_order(impl):
    rng = np.random.default_rng(9)
    points, counts = grid()
    gt = np.array([[10, 12, 60, 70], [40, 40, 48, 52], [0, 0, 128, 100], [70, 20, 120, 60], [30, 80, 90, 126]],
                  np.float64)  # distinct areas
    gt_labels = np.arange(5)
    base, _ = check(impl, points, gt, gt_labels, RANGES, counts)
    moved = Call(impl.fcos_targets, points + [32, 16], gt + [32, 16, 32, 16], gt_labels, RANGES, counts)
    assert_equal(moved.out[0], base, call=moved, what="labels after shifting points and gts by (32, 16)",
                 why="l, t, r, b are differences: moving everything together changes nothing")
    perm = rng.permutation(5)
    shuffled = Call(impl.fcos_targets, points, gt[perm], gt_labels[perm], RANGES, counts)
    assert_equal(shuffled.out[0], base, call=shuffled, what="labels after shuffling the gts (with their labels)",
                 why="with distinct areas the order of the gts does not matter")
    if len(set(base.tolist())) < 4:
        fail("test design: several labels should be assigned")
