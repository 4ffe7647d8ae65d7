"""Tests for detection/atss. Run: pytest katas/detection/atss"""

import math

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail
from cvkatas.oracles import pair_iou

MARGIN = 0.01  # a centre must lie inside its gt by more than this on every side

# ---------------------------------------------------------------- the definition, one gt and one anchor at a time


def centre(box):
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


class Brute:
    """ATSS by the statement, loop by loop in float64. Keeps what it saw, to explain any anchor."""

    def __init__(self, anchors, counts, gt, topk):
        self.boxes = np.asarray(anchors, np.float64).tolist()
        self.gt = np.asarray(gt, np.float64).tolist()
        self.counts, self.topk = [int(c) for c in counts], topk
        self.level = [lvl for lvl, c in enumerate(self.counts) for _ in range(c)]
        n = len(self.boxes)
        self.info = []            # per gt: {anchor: (rank on its level, iou, margin)}, mean, std, thr, kth distance
        self.claims = [[] for _ in range(n)]  # per anchor: [(iou, gt)] of the gts it is positive for
        self.gap = math.inf       # smallest |IoU - threshold| over all candidates (for float safety)
        for j, g in enumerate(self.gt):
            gx, gy = centre(g)
            cands, kth, start = {}, {}, 0
            for lvl, cnt in enumerate(self.counts):
                def d2(a, gx=gx, gy=gy):
                    cx, cy = centre(self.boxes[a])
                    return (cx - gx) ** 2 + (cy - gy) ** 2
                order = sorted(range(start, start + cnt), key=lambda a, d2=d2: (d2(a), a))[:topk]
                for rank, a in enumerate(order):
                    cands[a] = rank
                kth[lvl] = math.sqrt(d2(order[-1])) if order else None
                start += cnt
            if not cands:  # no anchors at all
                self.info.append({"rows": {}, "n": 0, "mean": 0.0, "std": 0.0, "thr": 0.0, "kth": kth})
                continue
            ious = {a: pair_iou(self.boxes[a], g) for a in cands}
            vals = list(ious.values())
            mean = sum(vals) / len(vals)
            var = sum((v - mean) ** 2 for v in vals) / (len(vals) - 1) if len(vals) > 1 else 0.0
            std = math.sqrt(var)
            thr = mean + std
            rows = {}
            for a, rank in cands.items():
                cx, cy = centre(self.boxes[a])
                margin = min(cx - g[0], cy - g[1], g[2] - cx, g[3] - cy)
                rows[a] = (rank, ious[a], margin)
                self.gap = min(self.gap, abs(ious[a] - thr))
                if ious[a] >= thr and margin > MARGIN:
                    self.claims[a].append((ious[a], j))
            self.info.append({"rows": rows, "n": len(vals), "mean": mean, "std": std, "thr": thr, "kth": kth})
        self.assigned, self.iou = [-1] * n, [0.0] * n
        for a, claims in enumerate(self.claims):
            if claims:
                best = max(claims, key=lambda c: (c[0], -c[1]))  # highest IoU, then the lower gt index
                self.assigned[a], self.iou[a] = best[1], best[0]

    def explain(self, a, got=None) -> str:
        """Why anchor `a` is what it is: every gt it is a candidate of, and the gt `got` it was given."""
        box = [round(v, 6) for v in self.boxes[a]]
        cx, cy = centre(self.boxes[a])
        parts = [f"anchor {a} {box} (level {self.level[a]}, centre ({cx:g}, {cy:g}))"]
        others = []
        for j, g in enumerate(self.gt):
            inf = self.info[j]
            if a not in inf["rows"] and j != got:
                others.append(j)
                continue
            if a not in inf["rows"]:
                gx, gy = centre(g)
                dist = math.hypot(cx - gx, cy - gy)
                parts.append(f"gt {j}: not a candidate: its centre is {dist:.4g} from the gt centre, and the "
                             f"topk={self.topk} candidates of level {self.level[a]} reach only "
                             f"{inf['kth'][self.level[a]]:.4g} (equal distances: lower index first)")
                continue
            rank, iou, margin = inf["rows"][a]
            verdict = ("positive" if iou >= inf["thr"] and margin > MARGIN else
                       "not positive: IoU below the threshold" if iou < inf["thr"] else
                       f"not positive: its centre is not inside the gt by more than {MARGIN}")
            parts.append(f"gt {j}: candidate (rank {rank} on its level); IoU {iou:.6g} vs t = mean {inf['mean']:.6g} "
                         f"+ unbiased std {inf['std']:.6g} = {inf['thr']:.6g} over {inf['n']} candidates; centre "
                         f"margin {margin:.6g} -> {verdict}")
        if others:
            parts.append(f"not a candidate of gt(s) {others}")
        if len(self.claims[a]) > 1:
            parts.append("positive for several gts: it goes to the highest IoU (ties: lower gt index)")
        return "; ".join(parts)


def check(impl, anchors, counts, gt, topk=9):
    """Run atss_assign, check the output's form, and compare with the brute force."""
    __tracebackhide__ = True
    call = Call(impl.atss_assign, anchors, counts, gt, topk)
    assert_returns(call, "assigned_gt", "assigned_iou")
    assigned, iou = call.out
    n = len(anchors)
    assert_array(assigned, dtype=np.int64, shape=(n,), call=call, what="assigned_gt")
    assert_array(iou, dtype=np.float64, shape=(n,), call=call, what="assigned_iou")
    brute = Brute(anchors, counts, gt, topk)
    bad = np.flatnonzero(np.asarray(assigned) != np.asarray(brute.assigned, np.int64))
    assert_equal(assigned, np.array(brute.assigned, np.int64), call=call, what="assigned_gt",
                 why=brute.explain(int(bad[0]), int(np.asarray(assigned)[bad[0]])) if len(bad) else None)
    assert_close(iou, np.array(brute.iou), rtol=1e-9, atol=1e-12, call=call, what="assigned_iou",
                 why="the IoU of each positive anchor with its assigned gt (0.0 for background), in float64")
    return np.asarray(assigned), brute


def pyramid(size=64, strides=(4, 8, 16), scale=4):
    """One square anchor of side scale * stride per location of every level, on integer coordinates."""
    boxes, counts = [], []
    for s in strides:
        c = np.arange(s // 2, size, s)
        cx, cy = [v.ravel() for v in np.meshgrid(c, c)]
        half = scale * s // 2
        boxes.append(np.stack([cx - half, cy - half, cx + half, cy + half], axis=1))
        counts.append(len(cx))
    return np.concatenate(boxes).astype(np.float64), counts


def random_gt(g, rng, size=64):
    xy = rng.integers(0, size - 6, (g, 2))
    wh = rng.integers(4, 48, (g, 2))
    return np.concatenate([xy, np.minimum(xy + wh, size)], axis=1).astype(np.float64)


FAR = [[40, 40, 48, 48], [40, 0, 48, 8], [0, 40, 8, 48], [56, 56, 64, 64], [56, 0, 64, 8], [0, 56, 8, 64]]

# 1. By hand.


def test_threshold_is_mean_plus_unbiased_std(impl):
    gt = np.array([[0, 0, 8, 8]], np.float64)
    # IoUs 1, 0.75, 0.25, 0, 0, 0: all six are candidates (one level, topk 9).
    anchors = np.array([[0, 0, 8, 8], [0, 0, 8, 6], [0, 0, 8, 2], *FAR[:3]], np.float64)
    assigned, _ = check(impl, anchors, [6], gt)
    assert_equal(assigned, [0, -1, -1, -1, -1, -1], what="assigned_gt",
                 why="mean 1/3 + unbiased std 0.4378 = 0.771: only IoU 1 passes. The biased std (divide by n, "
                     "numpy's default) gives 0.733 and would wrongly let the 0.75 anchor in; torch.std divides by n-1")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_iou_exactly_at_the_threshold_is_positive(impl, dtype):
    gt = np.array([[0, 0, 8, 8]], dtype)
    anchors = np.array([[0, 0, 8, 8], [0, 0, 8, 4], FAR[0]], dtype)  # IoUs 1, 0.5, 0
    assigned, _ = check(impl, anchors, [3], gt)
    assert_equal(assigned, [0, -1, -1], what="assigned_gt",
                 why="IoUs 1, 0.5, 0: mean 0.5 + unbiased std 0.5 = 1.0 exactly, and IoU >= t is positive")


def test_centre_must_be_inside_by_more_than_the_margin(impl):
    gt = np.array([[0, 0, 8, 8]], np.float64)
    m1, m2 = 2.0 ** -7, 2.0 ** -6  # 0.0078 (< 0.01) and 0.0156 (> 0.01)
    # Three 8x16 anchors, IoU 0.5 each, centred on the top edge, 0.0078 below it and 0.0156 below it,
    # and six far away: t = 1/6 + 0.25 = 0.417, so only the centre test tells the first three apart.
    anchors = np.array([[0, -8, 8, 8], [0, -8 + m1, 8, 8 + m1], [0, -8 + m2, 8, 8 + m2], *FAR],
                       np.float64)
    assigned, _ = check(impl, anchors, [9], gt)
    assert_equal(assigned, [-1, -1, 0, -1, -1, -1, -1, -1, -1], what="assigned_gt",
                 why="a centre on the border (margin 0) or 0.0078 inside is not inside by more than 0.01; "
                     "0.0156 inside is")


def test_candidates_are_chosen_per_level(impl):
    gt = np.array([[0, 0, 16, 16]], np.float64)
    # Level 0: three 4x4 anchors at distances 0, 1, 1 from the gt centre (IoU 1/16 each).
    # Level 1: one 16x16 anchor at distance 2.83 (IoU 0.62).
    anchors = np.array([[6, 6, 10, 10], [7, 6, 11, 10], [6, 7, 10, 11], [2, 2, 18, 18]], np.float64)
    assigned, _ = check(impl, anchors, [3, 1], gt, topk=2)
    assert_equal(assigned, [-1, -1, -1, 0], what="assigned_gt",
                 why="topk=2 per level: anchors 0, 1 (level 0) and 3 (level 1) are candidates, t = 0.57, and only "
                     "anchor 3 reaches it. The 2 nearest over all levels together would be anchors 0 and 1")


def test_distance_is_between_centres(impl):
    gt = np.array([[0, 0, 16, 16]], np.float64)
    # Anchor 0 shares the gt's top-left corner; anchor 1 shares its centre.
    anchors = np.array([[0, 0, 4, 4], [6, 6, 10, 10], FAR[3]], np.float64)
    assigned, _ = check(impl, anchors, [3], gt, topk=1)
    assert_equal(assigned, [-1, 0, -1], what="assigned_gt",
                 why="the nearest centre to the gt centre (8, 8) is anchor 1's (8, 8); the single candidate's std "
                     "is 0, so it is positive")


def test_distance_ties_go_to_the_lower_anchor_index(impl):
    gt = np.array([[0, 0, 8, 8]], np.float64)
    # Anchors 1 and 2 are both 1 from the gt centre (4, 4); anchor 0 is 2 away.
    anchors = np.array([[0, 0, 8, 4], [0, 0, 6, 8], [2, 0, 8, 8]], np.float64)
    assigned, _ = check(impl, anchors, [3], gt, topk=1)
    assert_equal(assigned, [-1, 0, -1], what="assigned_gt", why="equal distances: the lower anchor index first")
    assigned, _ = check(impl, anchors[[0, 2, 1]], [3], gt, topk=1)
    assert_equal(assigned, [-1, 0, -1], what="assigned_gt (anchors 1 and 2 swapped)",
                 why="equal distances: the lower anchor index first")


def test_single_candidate_has_std_zero(impl):
    gt = np.array([[0, 0, 8, 8]], np.float64)
    assigned, _ = check(impl, np.array([[1, 1, 5, 5]], np.float64), [1], gt)
    assert_equal(assigned, [0], what="assigned_gt", why="one candidate: std 0, t is its own IoU, and it is positive")
    assigned, _ = check(impl, np.array([[10, 10, 14, 14]], np.float64), [1], gt)
    assert_equal(assigned, [-1], what="assigned_gt", why="its centre (12, 12) is outside the gt")


def test_short_and_empty_levels(impl):
    gt = np.array([[0, 0, 8, 8], [20, 20, 40, 36]], np.float64)
    anchors = np.array([[0, 0, 8, 8], [1, 1, 7, 9], [18, 18, 42, 38], [40, 40, 50, 50], [22, 22, 30, 30]], np.float64)
    assigned, _ = check(impl, anchors, [0, 2, 0, 3, 0], gt)
    assert_equal(assigned, [0, -1, 1, -1, -1], what="assigned_gt",
                 why="levels with fewer anchors than topk give all of theirs; empty levels give none")


def test_several_gts_highest_iou_wins_ties_lower_gt(impl):
    gt = np.array([[0, 0, 8, 8], [0, 0, 8, 10], [0, 0, 8, 8]], np.float64)
    anchors = np.array([[0, 0, 8, 8], [0, 0, 8, 9], *FAR[:4]], np.float64)
    assigned, brute = check(impl, anchors, [6], gt)
    assert_equal(assigned, [0, 1, -1, -1, -1, -1], what="assigned_gt",
                 why="anchor 0 has IoU 1 with gts 0 and 2 (tie: the lower index, 0) and 0.8 with gt 1; anchor 1 "
                     "has IoU 0.9 with gt 1, above its 0.889 with gts 0 and 2")
    if len(brute.claims[0]) < 2 or len(brute.claims[1]) < 2:
        fail("test design: anchors 0 and 1 should be positive for several gts")


def test_no_gt_boxes_and_no_anchors(impl):
    anchors, counts = pyramid(32, (8, 16))
    for dtype in (np.float64, np.float32):
        assigned, _ = check(impl, anchors.astype(dtype), counts, np.zeros((0, 4), dtype))
        if not np.all(assigned == -1):
            fail("with no gt boxes every anchor is background (-1)", got=assigned)
    check(impl, np.zeros((0, 4)), [0, 0], np.array([[0.0, 0.0, 4.0, 4.0]]))
    check(impl, np.zeros((0, 4)), [], np.zeros((0, 4)))


def test_bad_input_raises_value_error(impl):
    a = np.array([[0.0, 0.0, 4.0, 4.0], [2.0, 2.0, 6.0, 6.0]])
    gt = np.array([[0.0, 0.0, 4.0, 4.0]])
    assert_raises(ValueError, impl.atss_assign, np.zeros((2, 5)), [2], gt, why="anchors must be (A, 4)")
    assert_raises(ValueError, impl.atss_assign, a, [2], np.zeros(4), why="gt_boxes must be (G, 4)")
    assert_raises(ValueError, impl.atss_assign, a, [1, 2], gt, why="the counts sum to 3, not to A = 2")
    assert_raises(ValueError, impl.atss_assign, a, [3, -1], gt, why="a negative count")
    assert_raises(ValueError, impl.atss_assign, a, [2], gt, 0, why="topk must be >= 1")


# 2. Against the brute force, seeded.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("g", [1, 3, 8])
def test_matches_brute_force(impl, g, dtype):
    rng = np.random.default_rng(100 + g)
    anchors, counts = pyramid()  # 336 anchors on three levels
    seen = set()
    for topk in (9, 4, 1):
        gt = random_gt(g, rng)
        assigned, brute = check(impl, anchors.astype(dtype), counts, gt.astype(dtype), topk)
        if brute.gap < 1e-9 and topk > 1:
            fail(f"test design: an IoU within {brute.gap:.2g} of its threshold; pick another seed")
        seen |= set(assigned.tolist())
    if len(seen) < min(g, 3) + 1:
        fail(f"test design: these cases should assign background and several gts; saw {sorted(seen)}")


def test_random_anchor_sizes_match_brute_force(impl):
    rng = np.random.default_rng(7)
    for _ in range(6):
        counts = rng.integers(0, 30, rng.integers(1, 5)).tolist()
        n = sum(counts)
        xy = rng.integers(0, 60, (n, 2))
        anchors = np.concatenate([xy, xy + rng.integers(1, 30, (n, 2))], axis=1).astype(np.float64)
        check(impl, anchors, counts, random_gt(int(rng.integers(1, 6)), rng), int(rng.integers(1, 12)))


# 4. Properties.

def test_translation_and_gt_order(impl):
    rng = np.random.default_rng(11)
    anchors, counts = pyramid()
    gt = random_gt(6, rng)
    base, _ = check(impl, anchors, counts, gt)
    moved = Call(impl.atss_assign, anchors + [40, 24, 40, 24], counts, gt + [40, 24, 40, 24])
    assert_equal(moved.out[0], base, call=moved, what="assigned_gt after shifting every box by (40, 24)",
                 why="centres, distances and IoUs do not change when everything moves together")
    perm = rng.permutation(6)
    shuffled = Call(impl.atss_assign, anchors, counts, gt[perm])
    got = np.where(shuffled.out[0] >= 0, perm[np.maximum(shuffled.out[0], 0)], -1)
    assert_equal(got, base, call=shuffled, what="assigned gt boxes after shuffling the gts (mapped back)",
                 why="each gt's candidates and threshold depend on that gt alone")
