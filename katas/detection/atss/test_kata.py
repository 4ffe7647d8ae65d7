"""Tests for detection/atss. Run: pytest katas/detection/atss"""

import math

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail, show
from cvkatas.data import undecided
from cvkatas.oracles import iou_table, pair_iou

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


def fast_atss(anchors, counts, gt, topk=9, *, ddof=1, ties="low", eps=MARGIN, strict=False, nan_std=False,
              gt_ties="low"):
    """The rule vectorised, with switches for the conventions other code follows: ``ddof=0`` (numpy's
    biased std), ``ties="high"`` (equal distances: higher index first; torch.topk leaves it open),
    ``eps=0`` (no margin), ``strict`` (IoU > t), ``nan_std`` (torch.std of one value is NaN, so a
    lone candidate is never positive), ``gt_ties="high"``. Returns assigned_gt."""
    a, g = np.asarray(anchors, np.float64).reshape(-1, 4), np.asarray(gt, np.float64).reshape(-1, 4)
    n, m = len(a), len(g)
    out = np.full(n, -1, np.int64)
    if n == 0 or m == 0:
        return out
    iou = iou_table(a, g)
    c = (a[:, :2] + a[:, 2:]) / 2
    dist = np.sqrt((((c[:, None] - (g[:, :2] + g[:, 2:]) / 2)) ** 2).sum(-1))
    ends = np.cumsum(counts)
    cand = []
    for s0, e in zip(ends - np.asarray(counts), ends):
        idx = np.arange(s0, e)
        key = idx if ties == "low" else -idx
        cand.append(np.stack([idx[np.lexsort((key, dist[s0:e, j]))][:topk] for j in range(m)], axis=1)
                    if e > s0 else np.zeros((0, m), np.int64))
    cand = np.concatenate(cand)
    ci = np.take_along_axis(iou, cand, axis=0)
    if len(cand) > 1:
        std = ci.std(axis=0, ddof=ddof)
    else:
        std = np.full(m, np.nan if nan_std else 0.0)
    thr = ci.mean(axis=0) + std
    pos = ci > thr if strict else ci >= thr
    cc = c[cand]
    pos &= np.minimum(cc - g[:, :2], g[:, 2:] - cc).min(axis=-1) > eps
    score = np.full((n, m), -np.inf)
    cols = np.broadcast_to(np.arange(m), cand.shape)
    score[cand[pos], cols[pos]] = ci[pos]
    best = score.argmax(axis=1) if gt_ties == "low" else m - 1 - score[:, ::-1].argmax(axis=1)
    hit = np.isfinite(score[np.arange(n), best])
    out[hit] = best[hit]
    return out


ALTERNATIVES = [lambda *a, kw=kw: fast_atss(*a, **kw) for kw in
                (dict(ddof=0), dict(ties="high"), dict(eps=0.0), dict(strict=True), dict(nan_std=True),
                 dict(gt_ties="high"))]


def random_case(draw, rng):
    """A draw on which no other convention changes the answer and no IoU lies within 1e-6 of its
    threshold (so a float32 computation gives the same answer too)."""
    def safe(rng):
        for _ in range(50):
            args = draw(rng)
            if Brute(*args).gap > 1e-6:
                return args
        raise RuntimeError("test design: every draw has an IoU at its threshold")

    return undecided(safe, fast_atss, ALTERNATIVES, rng=rng)[0]


def check(impl, anchors, counts, gt, topk=9):
    """Run atss_assign and compare with the brute force. Outputs are read leniently (any integer /
    float array-like; the exact dtypes are a convention test)."""
    __tracebackhide__ = True
    call = Call(impl.atss_assign, anchors, counts, gt, topk)
    assert_returns(call, "assigned_gt", "assigned_iou")
    assigned, iou = (np.asarray(v) for v in call.out)
    n = len(anchors)
    for v, name, kinds in ((assigned, "assigned_gt", "iu"), (iou, "assigned_iou", "f")):
        if v.shape != (n,) or (v.size and v.dtype.kind not in kinds):
            fail(f"{name} must be a 1-D {'integer' if kinds == 'iu' else 'float'} array of length {n}",
                 call=call, got=show(v))
    brute = Brute(anchors, counts, gt, topk)
    bad = np.flatnonzero(assigned != np.asarray(brute.assigned, np.int64))
    assert_equal(assigned, np.array(brute.assigned, np.int64), call=call, what="assigned_gt",
                 why=brute.explain(int(bad[0]), int(assigned[bad[0]])) if len(bad) else None)
    assert_close(iou, np.array(brute.iou), rtol=1e-5, atol=1e-6, call=call, what="assigned_iou",
                 why="the IoU of each positive anchor with its assigned gt (0.0 for background)")
    return assigned, brute


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
    """Continuous coordinates: no two anchor centres at exactly the same distance from a gt centre."""
    xy = rng.uniform(0, size - 6, (g, 2))
    wh = rng.uniform(4, 48, (g, 2))
    return np.concatenate([xy, np.minimum(xy + wh, size)], axis=1)


FAR = [[40, 40, 48, 48], [40, 0, 48, 8], [0, 40, 8, 48], [56, 56, 64, 64], [56, 0, 64, 8], [0, 56, 8, 64]]

# 1. By hand.

@pytest.mark.convention("std is unbiased (n - 1), as torch.std")
def test_threshold_is_mean_plus_unbiased_std(impl):
    gt = np.array([[0, 0, 8, 8]], np.float64)
    # IoUs 1, 0.75, 0.25, 0, 0, 0: all six are candidates (one level, topk 9).
    anchors = np.array([[0, 0, 8, 8], [0, 0, 8, 6], [0, 0, 8, 2], *FAR[:3]], np.float64)
    assigned, _ = check(impl, anchors, [6], gt)
    assert_equal(assigned, [0, -1, -1, -1, -1, -1], what="assigned_gt",
                 why="mean 1/3 + unbiased std 0.4378 = 0.771: only IoU 1 passes. The biased std (divide by n, "
                     "numpy's default) gives 0.733 and would let the 0.75 anchor in; torch.std divides by n-1")


def test_threshold_by_hand_with_the_default_topk(impl):
    gt = np.array([[0, 0, 8, 8]], np.float64)
    # Eleven anchors on one level; the default topk=9 keeps the nine nearest centres: anchors 0-8.
    near = [[0, 0, 8, 8], [0, 0, 8, 6.6], [1, 1, 9, 9], [0, 1, 8, 9], [2, 0, 10, 8], [0, 2, 8, 10],
            [3, 3, 11, 11], [-3, -3, 5, 5], [4, 4, 12, 12]]
    far = [[30, 30, 38, 38], [50, 50, 58, 58]]
    anchors = np.array(near + far, np.float64)
    call = Call(impl.atss_assign, anchors, [11], gt)  # topk omitted: its default is 9
    brute = Brute(anchors, [11], gt, 9)
    assert_equal(np.asarray(call.out[0]), np.array(brute.assigned), call=call, what="assigned_gt",
                 why="topk defaults to 9: the two far anchors are not candidates, so they do not pull the "
                     "threshold down to 0.807; " + brute.explain(1))
    if brute.assigned == Brute(anchors, [11], gt, 11).assigned:
        fail("test design: topk 9 and 11 must give different answers")


@pytest.mark.convention("IoU exactly at mean + std: positive (>=)")
def test_iou_exactly_at_the_threshold_is_positive(impl):
    gt = np.array([[0, 0, 8, 8]], np.float64)
    anchors = np.array([[0, 0, 8, 8], [0, 0, 8, 4], FAR[0]], np.float64)  # IoUs 1, 0.5, 0
    assigned, _ = check(impl, anchors, [3], gt)
    assert_equal(assigned, [0, -1, -1], what="assigned_gt",
                 why="IoUs 1, 0.5, 0: mean 0.5 + unbiased std 0.5 = 1.0 exactly, and IoU >= t is positive")


@pytest.mark.convention("centre inside the gt by more than 0.01")
def test_centre_must_be_inside_by_more_than_the_margin(impl):
    gt = np.array([[0, 0, 8, 8]], np.float64)
    m1, m2 = 2.0 ** -7, 2.0 ** -6  # 0.0078 (< 0.01) and 0.0156 (> 0.01)
    # Three 8x16 anchors, IoU 0.5 each, centred 0.0078 below the top edge, 0.0156 below it, and 0.0078
    # left of the right edge, and six far away: t = 1/6 + 0.25 = 0.417, so only the centre test tells them apart.
    anchors = np.array([[0, -8 + m1, 8, 8 + m1], [0, -8 + m2, 8, 8 + m2], [4 - m1, 0, 12 - m1, 8], *FAR],
                       np.float64)
    assigned, _ = check(impl, anchors, [9], gt)
    assert_equal(assigned, [-1, 0, -1, -1, -1, -1, -1, -1, -1], what="assigned_gt",
                 why="a centre 0.0078 inside the border is not inside by more than 0.01 (mmdetection's margin); "
                     "0.0156 inside is")


def test_centre_on_or_outside_the_border_is_never_positive(impl):
    gt = np.array([[0, 0, 8, 8]], np.float64)
    # An 8x16 anchor centred exactly on the top edge (IoU 0.5) and one 8 x 8 anchor centred outside.
    anchors = np.array([[0, -8, 8, 8], [0, 0, 8, 6], [5, 5, 13, 13], *FAR], np.float64)
    assigned, _ = check(impl, anchors, [9], gt)
    assert_equal(assigned, [-1, 0, -1, -1, -1, -1, -1, -1, -1], what="assigned_gt",
                 why="anchor 0's centre lies on the gt's top edge, not inside; anchor 1 (IoU 0.75) is inside")


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
    # Level 0: anchor 0 shares the gt's top-left corner, anchor 1 its centre. Levels 1 and 2: one far anchor each.
    anchors = np.array([[0, 0, 4, 4], [6, 6, 10, 10], FAR[3], FAR[4]], np.float64)
    assigned, _ = check(impl, anchors, [2, 1, 1], gt, topk=1)
    assert_equal(assigned, [-1, 0, -1, -1], what="assigned_gt",
                 why="the nearest centre to the gt centre (8, 8) is anchor 1's (8, 8); with the two far "
                     "candidates (IoU 0) t = 0.057 < 1/16, so it is positive")


@pytest.mark.convention("equal distances: the lower anchor index")
def test_distance_ties_go_to_the_lower_anchor_index(impl):
    gt = np.array([[0, 0, 8, 8]], np.float64)
    # Level 0: anchors 1 and 2 are both 1 from the gt centre (4, 4); anchor 0 is 2 away. Two far levels.
    anchors = np.array([[0, 0, 8, 4], [0, 0, 6, 8], [2, 0, 8, 8], FAR[3], FAR[4]], np.float64)
    assigned, _ = check(impl, anchors, [3, 1, 1], gt, topk=1)
    assert_equal(assigned, [-1, 0, -1, -1, -1], what="assigned_gt",
                 why="equal distances: the lower anchor index is the candidate (torch.topk leaves the order open)")
    assigned, _ = check(impl, anchors[[0, 2, 1, 3, 4]], [3, 1, 1], gt, topk=1)
    assert_equal(assigned, [-1, 0, -1, -1, -1], what="assigned_gt (anchors 1 and 2 swapped)",
                 why="equal distances: the lower anchor index first")


@pytest.mark.convention("one candidate: std 0 (torch.std gives NaN)")
def test_single_candidate_has_std_zero(impl):
    gt = np.array([[0, 0, 8, 8]], np.float64)
    assigned, _ = check(impl, np.array([[1, 1, 5, 5]], np.float64), [1], gt)
    assert_equal(assigned, [0], what="assigned_gt",
                 why="one candidate: std 0, t is its own IoU, and it is positive (torch.std of one value is "
                     "NaN, which would make nothing positive)")
    assigned, _ = check(impl, np.array([[10, 10, 14, 14]], np.float64), [1], gt)
    assert_equal(assigned, [-1], what="assigned_gt", why="its centre (12, 12) is outside the gt")


def test_short_and_empty_levels(impl):
    gt = np.array([[0, 0, 8, 8], [20, 20, 40, 36]], np.float64)
    anchors = np.array([[0, 0, 8, 8], [1, 1, 7, 9], [18, 18, 42, 38], [40, 40, 50, 50], [22, 22, 30, 30]], np.float64)
    assigned, _ = check(impl, anchors, [0, 2, 0, 3, 0], gt)
    assert_equal(assigned, [0, -1, 1, -1, -1], what="assigned_gt",
                 why="levels with fewer anchors than topk give all of theirs; empty levels give none")


def test_several_gts_highest_iou_wins(impl):
    gt = np.array([[0, 0, 8, 10], [0, 0, 8, 8]], np.float64)
    anchors = np.array([[0, 0, 8, 9], [0, 0, 8, 8], *FAR[:4]], np.float64)
    assigned, brute = check(impl, anchors, [6], gt)
    assert_equal(assigned, [0, 1, -1, -1, -1, -1], what="assigned_gt",
                 why="anchor 0 has IoU 0.9 with gt 0, above its 0.889 with gt 1; anchor 1 has IoU 1 with gt 1 "
                     "and 0.8 with gt 0: each goes to its highest IoU, not to the lower gt index")
    if len(brute.claims[0]) < 2 or len(brute.claims[1]) < 2:
        fail("test design: anchors 0 and 1 should be positive for several gts")


@pytest.mark.convention("equal IoUs with several gts: the lower gt index")
def test_equal_ious_go_to_the_lower_gt(impl):
    gt = np.array([[0, 0, 8, 8], [0, 0, 8, 10], [0, 0, 8, 8]], np.float64)
    anchors = np.array([[0, 0, 8, 8], [0, 0, 8, 9], *FAR[:4]], np.float64)
    assigned, _ = check(impl, anchors, [6], gt)
    assert_equal(assigned, [0, 1, -1, -1, -1, -1], what="assigned_gt",
                 why="anchor 0 has IoU 1 with gts 0 and 2: the tie goes to the lower index, 0")


@pytest.mark.convention("assigned_gt int64, assigned_iou float64")
def test_output_dtypes(impl):
    gt = np.array([[0, 0, 8, 8]], np.float32)
    for anchors, g in ((np.array([[0, 0, 8, 8], [0, 0, 8, 6], FAR[0]], np.float32), gt),
                       (np.array([[0, 0, 8, 8]], np.float32), np.zeros((0, 4), np.float32))):
        call = Call(impl.atss_assign, anchors, [len(anchors)], g)
        assigned, iou = assert_returns(call, "assigned_gt", "assigned_iou")
        assert_array(assigned, dtype=np.int64, shape=(len(anchors),), call=call, what="assigned_gt")
        assert_array(iou, dtype=np.float64, shape=(len(anchors),), call=call,
                     what="assigned_iou (float64 even for float32 boxes)")


def test_no_gt_boxes_and_no_anchors(impl):
    anchors, counts = pyramid(32, (8, 16))
    for dtype in (np.float64, np.float32):
        assigned, _ = check(impl, anchors.astype(dtype), counts, np.zeros((0, 4), dtype))
        if not np.all(assigned == -1):
            fail("with no gt boxes every anchor is background (-1)", got=assigned)
    check(impl, np.zeros((0, 4)), [0, 0], np.array([[0.0, 0.0, 4.0, 4.0]]))
    check(impl, np.zeros((0, 4)), [], np.zeros((0, 4)))


# Bad input: each would go through silently without its check.

@pytest.mark.contract("boxes not (N, 4): ValueError")
def test_bad_box_shapes_raise(impl):
    a = np.array([[0.0, 0.0, 4.0, 4.0], [2.0, 2.0, 6.0, 6.0]])
    gt = np.array([[0.0, 0.0, 4.0, 4.0]])
    assert_raises(ValueError, impl.atss_assign, np.zeros((2, 5)), [2], gt, why="anchors must be (A, 4)")
    assert_raises(ValueError, impl.atss_assign, a, [2], np.zeros((1, 5)), why="gt_boxes must be (G, 4)")


@pytest.mark.contract("bad num_anchors_per_level: ValueError")
def test_bad_level_counts_raise(impl):
    a = np.array([[0.0, 0.0, 4.0, 4.0], [2.0, 2.0, 6.0, 6.0]])
    gt = np.array([[0.0, 0.0, 4.0, 4.0]])
    assert_raises(ValueError, impl.atss_assign, a, [1, 2], gt, why="the counts sum to 3, not to A = 2")
    assert_raises(ValueError, impl.atss_assign, a, [3, -1], gt, why="a negative count")
    assert_raises(ValueError, impl.atss_assign, a, [1.5, 0.5], gt, why="counts must be integers")


@pytest.mark.contract("topk < 1: ValueError")
def test_topk_below_one_raises(impl):
    a = np.array([[0.0, 0.0, 4.0, 4.0], [2.0, 2.0, 6.0, 6.0]])
    assert_raises(ValueError, impl.atss_assign, a, [2], np.array([[0.0, 0.0, 4.0, 4.0]]), 0, why="topk must be >= 1")


# 2. Against the brute force, seeded.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("g", [1, 3, 8])
def test_matches_brute_force(impl, g, dtype):
    rng = np.random.default_rng(100 + g)
    anchors, counts = pyramid()  # 336 anchors on three levels
    seen = set()
    for topk in (9, 4, 1):
        case = random_case(lambda rng, topk=topk: (anchors.astype(dtype), counts, random_gt(g, rng).astype(dtype),
                                                   topk), rng)
        assigned, _ = check(impl, *case)
        seen |= set(assigned.tolist())
    if len(seen) < min(g, 3) + 1:
        fail(f"test design: these cases should assign background and several gts; saw {sorted(seen)}")


def test_random_anchor_sizes_match_brute_force(impl):
    rng = np.random.default_rng(7)

    def draw(rng):
        counts = rng.integers(1, 30, rng.integers(2, 5)).tolist()  # at least two levels: never one candidate
        n = sum(counts)
        xy = rng.uniform(0, 60, (n, 2))
        anchors = np.concatenate([xy, xy + rng.uniform(1, 30, (n, 2))], axis=1)
        return anchors, counts, random_gt(int(rng.integers(1, 6)), rng), int(rng.integers(1, 12))

    for _ in range(6):
        check(impl, *random_case(draw, rng))


# 4. Properties.

def test_translation_and_gt_order(impl):
    rng = np.random.default_rng(11)
    anchors, counts = pyramid()
    _, _, gt, _ = random_case(lambda rng: (anchors, counts, random_gt(6, rng), 9), rng)
    base, _ = check(impl, anchors, counts, gt)
    moved = Call(impl.atss_assign, anchors + [40, 24, 40, 24], counts, gt + [40, 24, 40, 24])
    assert_equal(np.asarray(moved.out[0]), base, call=moved, what="assigned_gt after shifting every box by (40, 24)",
                 why="centres, distances and IoUs do not change when everything moves together")
    perm = rng.permutation(6)
    shuffled = Call(impl.atss_assign, anchors, counts, gt[perm])
    out = np.asarray(shuffled.out[0])
    got = np.where(out >= 0, perm[np.maximum(out, 0)], -1)
    assert_equal(got, base, call=shuffled, what="assigned gt boxes after shuffling the gts (mapped back)",
                 why="each gt's candidates and threshold depend on that gt alone")
