"""Tests for detection/fcos_targets. Run: pytest katas/detection/fcos_targets"""

import math

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail, show

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
    """Run fcos_targets and compare with the brute force. Outputs are read leniently (any array-like;
    the dtypes are a convention test), and ltrb / centerness are compared at positive points only:
    what a background point holds is the background convention test's business."""
    __tracebackhide__ = True
    if radius is None:  # the defaults: no centre sampling, no strides
        call = Call(impl.fcos_targets, points, gt, gt_labels, ranges, counts)
    else:
        call = Call(impl.fcos_targets, points, gt, gt_labels, ranges, counts, radius, strides)
    assert_returns(call, "labels", "ltrb", "centerness")
    labels, ltrb, ctr = (np.asarray(v) for v in call.out)
    p = len(points)
    for v, name, shape in ((labels, "labels", (p,)), (ltrb, "ltrb", (p, 4)), (ctr, "centerness", (p,))):
        if v.shape != shape:
            fail(f"{name}: shape {v.shape}, expected {shape}", call=call, got=show(v))
    brute = Brute(points, gt, gt_labels, ranges, counts, radius, strides)
    exp_labels = np.array(brute.labels, np.int64)
    bad = np.flatnonzero(labels != exp_labels)
    assert_equal(labels, exp_labels, call=call, what="labels", why=brute.explain(int(bad[0])) if len(bad) else None)
    pos = exp_labels >= 0
    exp_ltrb = np.array(brute.ltrb, np.float64).reshape(p, 4)
    bad = np.flatnonzero(pos & ~np.isclose(ltrb, exp_ltrb, rtol=1e-5, atol=1e-4).all(axis=1)) if p else []
    assert_close(np.where(pos[:, None], ltrb, 0), exp_ltrb, rtol=1e-5, atol=1e-4, call=call,
                 what="ltrb at the positive points",
                 why=(brute.explain(int(bad[0])) + "; l = x - x1, t = y - y1, r = x2 - x, b = y2 - y")
                 if len(bad) else None)
    exp_ctr = np.array(brute.centerness)
    bad = np.flatnonzero(pos & (np.abs(ctr - exp_ctr) > 1e-5))
    assert_close(np.where(pos, ctr, 0), exp_ctr, rtol=1e-5, atol=1e-6, call=call,
                 what="centerness at the positive points",
                 why=brute.explain(int(bad[0])) if len(bad) else None)
    return labels, brute


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
    """Continuous coordinates: no point on a border or a centre-box edge, no max(l, t, r, b) on a range
    end, no two equal areas (each of those is a convention test)."""
    xy = rng.uniform(0, size - 8, (g, 2))
    wh = rng.uniform(4, 100, (g, 2))
    boxes = np.concatenate([xy, np.minimum(xy + wh, size - 0.25)], axis=1)
    return boxes, rng.integers(0, 5, g)


RANGES = [[-1, 24], [24, 48], [48, INF]]


# 1. By hand.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_targets_and_centerness_by_hand(impl, dtype):
    gt = np.array([[0, 0, 8, 4]], dtype)
    points = np.array([[2, 1], [4, 2], [6, 3], [-1, 2], [10, 2]], dtype)
    labels, _ = check(impl, points, gt, np.array([3]), [[0, 64]], [5])
    assert_equal(labels, [3, 3, 3, -1, -1], what="labels",
                 why="points 0-2 lie inside the gt; points 3 and 4 lie outside it")
    call = Call(impl.fcos_targets, points, gt, np.array([3]), [[0, 64]], [5])
    assert_close(np.asarray(call.out[1])[:3], [[2, 1, 6, 3], [4, 2, 4, 2], [6, 3, 2, 1]], call=call,
                 what="ltrb of the positive points", why="l = x - x1, t = y - y1, r = x2 - x, b = y2 - y")
    assert_close(np.asarray(call.out[2])[:3], [1 / 3, 1, 1 / 3], call=call, what="centerness of the positive points",
                 why="point 0: sqrt(2/6 * 1/3) = 1/3 (the square root matters: without it 1/9); 1 at the centre")


@pytest.mark.convention("a point on the gt border is outside (min > 0)")
def test_point_on_the_border_is_outside(impl):
    gt = np.array([[0, 0, 8, 4]], np.float64)
    points = np.array([[4, 2], [0, 2], [4, 4], [8, 0]], np.float64)
    labels, _ = check(impl, points, gt, np.array([3]), [[0, 64]], [4])
    assert_equal(labels, [3, -1, -1, -1], what="labels",
                 why="inside means min(l, t, r, b) > 0, strictly: l = 0 on the left border, b = 0 on the bottom "
                     "border and a corner are all outside (mmdetection and FCOS: bbox_targets.min(-1) > 0)")


@pytest.mark.convention("background: ltrb and centerness 0")
def test_background_targets_are_zero(impl):
    gt = np.array([[0, 0, 8, 4]], np.float64)
    points = np.array([[4, 2], [10, 2], [20, 20]], np.float64)
    call = Call(impl.fcos_targets, points, gt, np.array([3]), [[0, 64]], [3])
    labels, ltrb, ctr = (np.asarray(v) for v in assert_returns(call, "labels", "ltrb", "centerness"))
    assert_equal(labels, [3, -1, -1], call=call, what="labels", why="points 1 and 2 lie outside the gt")
    assert_close(ltrb[1:], np.zeros((2, 4)), call=call, what="ltrb of the background points",
                 why="background points get all-zero targets (mmdetection leaves the targets of gt 0 there)")
    assert_close(ctr[1:], np.zeros(2), call=call, what="centerness of the background points",
                 why="background points get centerness 0")


def test_smallest_area_wins(impl):
    gt = np.array([[0, 0, 20, 20], [4, 4, 12, 12], [2, 2, 14, 14]], np.float64)
    points = np.array([[8, 8], [3, 3], [16, 16]], np.float64)
    labels, _ = check(impl, points, gt, np.array([1, 2, 5]), [[0, 64]], [3])
    assert_equal(labels, [2, 5, 1], what="labels",
                 why="point (8, 8) lies in all three: the smallest area (64, gt 1) wins; (3, 3) lies in gts 0 and 2: "
                     "gt 2 (area 144) wins")


@pytest.mark.convention("equal areas: the lower gt index")
def test_equal_areas_take_the_lower_index(impl):
    gt = np.array([[0, 0, 20, 20], [4, 4, 12, 12], [5, 5, 13, 13]], np.float64)
    points = np.array([[8, 8], [2, 2]], np.float64)
    labels, _ = check(impl, points, gt, np.array([1, 2, 5]), [[0, 64]], [2])
    assert_equal(labels, [2, 1], what="labels",
                 why="point (8, 8) lies in gts 1 and 2, both of area 64: the lower index (gt 1, label 2), as "
                     "torch's areas.min(dim=1) returns the first minimum")


@pytest.mark.convention("size range ends inclusive: lo <= max <= hi")
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
    points = np.array([[32, 32], [21, 32], [19, 32], [10, 32], [43, 43]], np.float64)
    labels, _ = check(impl, points, gt, np.array([7]), [[-1, INF]], [5], 1.5, [8])
    assert_equal(labels, [7, 7, -1, -1, 7], what="labels",
                 why="with centre sampling only points inside the centre box [20, 20, 44, 44] (radius "
                     "1.5 * stride 8 = 12 around the gt centre) are positive: 19 and 10 lie outside it")


def test_centre_box_is_clipped_to_the_gt(impl):
    gt = np.array([[0, 0, 8, 8]], np.float64)  # centre box [-20, 28] clipped to the gt [0, 8]
    points = np.array([[4, 4], [7, 1], [10, 4], [-1, 4], [4, -6]], np.float64)
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


@pytest.mark.convention("labels int64, ltrb and centerness float64")
def test_output_dtypes(impl):
    points = np.array([[2, 1], [10, 2]], np.float32)
    for gt, lab in ((np.array([[0, 0, 8, 4]], np.float32), np.array([3], np.int32)),
                    (np.zeros((0, 4), np.float32), np.zeros(0, np.int32))):
        call = Call(impl.fcos_targets, points, gt, lab, [[0, 64]], [2])
        labels, ltrb, ctr = assert_returns(call, "labels", "ltrb", "centerness")
        assert_array(labels, dtype=np.int64, shape=(2,), call=call, what="labels (int64 for int32 gt_labels)")
        assert_array(ltrb, dtype=np.float64, shape=(2, 4), call=call, what="ltrb (float64 for float32 input)")
        assert_array(ctr, dtype=np.float64, shape=(2,), call=call, what="centerness")


# Bad input: each would go through silently without its check.

PTS, GT, LAB, RNG = np.array([[1.0, 1.0], [3.0, 3.0]]), np.array([[0.0, 0, 4, 4]]), np.array([0]), [[0, 8]]


@pytest.mark.contract("wrong shapes: ValueError")
def test_bad_shapes_raise(impl):
    assert_raises(ValueError, impl.fcos_targets, np.zeros((2, 3)), GT, LAB, RNG, [2], why="points must be (P, 2)")
    assert_raises(ValueError, impl.fcos_targets, PTS, np.zeros((1, 5)), LAB, RNG, [2], why="gt_boxes must be (G, 4)")
    assert_raises(ValueError, impl.fcos_targets, PTS, GT, np.array([0, 1]), RNG, [2], why="gt_labels must be (G,)")
    assert_raises(ValueError, impl.fcos_targets, PTS, GT, LAB, [[0, 8, 16]], [2], why="size_ranges must be (L, 2)")


@pytest.mark.contract("negative gt label: ValueError")
def test_negative_label_raises(impl):
    assert_raises(ValueError, impl.fcos_targets, PTS, GT, np.array([-1]), RNG, [2], why="-1 is the background")


@pytest.mark.contract("counts not summing to P: ValueError")
def test_bad_counts_raise(impl):
    assert_raises(ValueError, impl.fcos_targets, PTS, GT, LAB, RNG, [1], why="the counts sum to 1, not P = 2")
    assert_raises(ValueError, impl.fcos_targets, PTS, GT, LAB, [[0, 8], [8, 16]], [3, -1], why="a negative count")


@pytest.mark.contract("radius needs strides and r > 0: ValueError")
def test_bad_centre_sampling_raises(impl):
    assert_raises(ValueError, impl.fcos_targets, PTS, GT, LAB, RNG, [2], 1.5, why="centre sampling needs strides")
    assert_raises(ValueError, impl.fcos_targets, PTS, GT, LAB, RNG, [2], 0.0, [8], why="the radius must be > 0")


# 2. Against the brute force, seeded, on continuous gt boxes.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("g", [1, 4, 15])
def test_matches_brute_force(impl, g, dtype):
    rng = np.random.default_rng(200 + g)
    points, counts = grid()  # 336 points on three levels
    seen, several = set(), 0
    for radius in (None, 1.5, None, 2.5):
        gt, gt_labels = random_gt(g, rng)
        labels, brute = check(impl, points.astype(dtype), gt.astype(dtype), gt_labels, RANGES, counts,
                              radius, None if radius is None else [8, 16, 32])
        seen |= set(labels.tolist())
        several += sum(sum(r[1] and r[3] for r in rows) > 1 for rows in brute.rows)
    if len(seen) < min(g, 3) + 1 or (g > 1 and several == 0):
        fail("test design: these cases should have background, several labels and points with several gts")


# 4. Properties.

def test_translation_and_gt_order(impl):
    rng = np.random.default_rng(9)
    points, counts = grid()
    gt = np.array([[10, 12, 60, 70], [40, 40, 48, 52], [0, 0, 127, 100], [70, 20, 120, 60], [30, 80, 90, 126]],
                  np.float64) + 0.3  # distinct areas; off the grid, so no point on a border or a range end
    gt_labels = np.arange(5)
    base, _ = check(impl, points, gt, gt_labels, RANGES, counts)
    moved = Call(impl.fcos_targets, points + [32, 16], gt + [32, 16, 32, 16], gt_labels, RANGES, counts)
    assert_equal(np.asarray(moved.out[0]), base, call=moved, what="labels after shifting points and gts by (32, 16)",
                 why="l, t, r, b are differences: moving everything together changes nothing")
    perm = rng.permutation(5)
    shuffled = Call(impl.fcos_targets, points, gt[perm], gt_labels[perm], RANGES, counts)
    assert_equal(np.asarray(shuffled.out[0]), base, call=shuffled,
                 what="labels after shuffling the gts (with their labels)",
                 why="with distinct areas the order of the gts does not matter")
    if len(set(base.tolist())) < 4:
        fail("test design: several labels should be assigned")
