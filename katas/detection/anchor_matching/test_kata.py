"""Tests for detection/anchor_matching. Run: pytest katas/detection/anchor_matching"""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_equal, assert_raises, assert_returns, fail, show
from cvkatas.data import SeededRng, undecided

# ---------------------------------------------------------------- matching: the definition, loop by loop


def ious(anchors, gt, iou32=False):
    """(A, G) IoUs: float64 by default; ``iou32`` divides in float32 (the convention the kata rules out)."""
    a = np.asarray(anchors, np.float64).reshape(-1, 4)[:, None]
    b = np.asarray(gt, np.float64).reshape(-1, 4)[None]
    w = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None)
    h = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None)
    inter = w * h
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    union = area_a + (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1]) - inter
    if iou32:
        inter, union = inter.astype(np.float32), union.astype(np.float32)
    out = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return out.astype(np.float64)


def brute_match(anchors, gt, fg=0.7, bg=0.3, allow=True, *, strict_fg=False, inclusive_bg=False,
                zero_claims=False, rematch=False, iou32=False):
    """Labels, matched gt and a reason per anchor, by the rules of the statement, one anchor at a time.

    The switches are the conventions other code follows: ``strict_fg`` (positive at IoU > fg),
    ``inclusive_bg`` (negative at IoU <= bg), ``zero_claims`` (torchvision: a gt that overlaps no anchor
    claims every anchor at IoU 0), ``rematch`` (mmdetection: a claimed anchor is re-pointed to the
    claiming gt), ``iou32`` (IoU divided in float32)."""
    iou = ious(anchors, gt, iou32)
    n, g = iou.shape
    if g == 0:
        return [0] * n, [-1] * n, ["there are no gt boxes, so every anchor is negative"] * n
    labels, matched, reasons = [], [], []
    for a in range(n):
        row = iou[a].tolist()
        best = max(row)
        j = row.index(best)  # first maximum: the lower gt index wins a tie
        matched.append(j)
        if best > fg if strict_fg else best >= fg:
            labels.append(1)
            reasons.append(f"its best IoU is {best:.6g} (gt {j}), >= fg_iou_threshold {fg}, so it is positive")
        elif best <= bg if inclusive_bg else best < bg:
            labels.append(0)
            reasons.append(f"its best IoU is {best:.6g} (gt {j}), < bg_iou_threshold {bg}, so it is negative")
        else:
            labels.append(-1)
            reasons.append(f"its best IoU is {best:.6g} (gt {j}), in [{bg}, {fg}), so it is ignored")
    if allow:
        for j in range(g):
            col = iou[:, j].tolist()
            top = max(col, default=0.0)
            if top <= 0 and not zero_claims:  # a gt that overlaps no anchor claims nothing
                for a in range(n):
                    if labels[a] != 1:
                        reasons[a] += (f"; gt {j} overlaps no anchor at all (its highest IoU is 0), so the "
                                       "low-quality rule gives it no anchor")
                continue
            for a in range(n):
                if col[a] == top:
                    if rematch:
                        matched[a] = j
                    if labels[a] != 1:
                        labels[a] = 1
                        reasons[a] += (f"; but no anchor overlaps gt {j} more than it does (IoU {top:.6g}), so "
                                       f"the low-quality rule makes it positive (every tie at that maximum)")
    return labels, matched, reasons


def _as_pair(fn):
    return lambda *args: np.array(fn(*args)[:2])


def check_match(impl, anchors, gt, fg=0.7, bg=0.3, allow=True, *, defaults=False):
    """Run match_anchors and compare with the brute force. Outputs are read leniently (any integer
    array-like: the int64 dtype is a convention test), and matched_gt may name any of the gts an
    anchor ties on (lower index first is a convention test)."""
    __tracebackhide__ = True
    call = Call(impl.match_anchors, anchors, gt) if defaults else Call(impl.match_anchors, anchors, gt, fg, bg, allow)
    assert_returns(call, "labels", "matched_gt")
    labels, matched = (np.asarray(v) for v in call.out)
    n = len(anchors)
    for v, name in ((labels, "labels"), (matched, "matched_gt")):
        if v.shape != (n,) or (v.size and v.dtype.kind not in "iu"):
            fail(f"{name} must be a 1-D integer array of length {n}", call=call, got=show(v))
    exp_labels, exp_matched, reasons = brute_match(anchors, gt, fg, bg, allow)
    if n:
        bad = np.flatnonzero(labels != np.asarray(exp_labels))
        why = f"anchor {bad[0]}: {reasons[bad[0]]}" if len(bad) else None
        assert_equal(labels, np.array(exp_labels, np.int64), call=call, what="labels", why=why)
        iou = ious(anchors, gt)
        if len(gt):
            ok = (matched >= 0) & (matched < len(gt))
            ok[ok] = iou[np.flatnonzero(ok), matched[ok]] == iou.max(axis=1)[ok]
        else:
            ok = matched == -1
        if not ok.all():
            a = int(np.flatnonzero(~ok)[0])
            why = (f"anchor {a} has IoUs {np.round(iou[a], 6).tolist()} with the gt boxes: matched_gt is its "
                   f"best gt ({exp_matched[a]}), whatever its label" if len(gt)
                   else "with no gt boxes matched_gt is all -1")
            assert_equal(matched, np.array(exp_matched, np.int64), call=call, what="matched_gt", why=why)
    return labels, matched


def grid_anchors(size=64, stride=8):
    """RPN-style anchors on integer coordinates: six shapes centred on every grid point."""
    shapes = np.array([[8, 8], [16, 8], [8, 16], [16, 16], [32, 16], [16, 32]])
    c = np.arange(stride // 2, size, stride)
    cx, cy = [v.ravel() for v in np.meshgrid(c, c)]
    centres = np.stack([cx, cy, cx, cy], axis=1)[:, None, :]
    half = np.concatenate([-shapes / 2, shapes / 2], axis=1)[None]
    return (centres + half).reshape(-1, 4)


def random_gt(g, rng, size=64):
    xy = rng.integers(0, size - 8, (g, 2))
    wh = rng.integers(4, 40, (g, 2))
    return np.concatenate([xy, np.minimum(xy + wh, size)], axis=1).astype(np.float64)


CONVENTIONS = [dict(strict_fg=True), dict(inclusive_bg=True), dict(zero_claims=True), dict(rematch=True),
               dict(iou32=True)]


def random_case(g, fg, bg, allow, dtype, anchors, rng):
    """Random gt boxes on which no other convention (the switches of `brute_match`) changes the answer."""
    def draw(rng):
        return anchors, random_gt(g, rng).astype(dtype), fg, bg, allow

    alternatives = [_as_pair(lambda *a, kw=kw: brute_match(*a, **kw)) for kw in CONVENTIONS]
    return undecided(draw, _as_pair(brute_match), alternatives, rng=rng)[0]


# 1. Matching by hand.

@pytest.mark.convention("IoU exactly fg_iou_threshold: positive (>=)")
def test_iou_exactly_at_fg_threshold_is_positive(impl):
    gt = np.array([[0, 0, 10, 10]], np.float64)
    anchors = np.array([[0, 0, 10, 7], [0, 0, 10, 5], [50, 50, 60, 60]], np.float64)  # IoU 0.7, 0.5, 0
    for allow in (False, True):
        labels, _ = check_match(impl, anchors, gt, 0.7, 0.3, allow)
        assert_equal(labels, [1, -1, 0], what=f"labels (allow_low_quality_matches={allow})",
                     why="IoU exactly 0.7 is positive: the positive end is inclusive, best >= fg_iou_threshold")


@pytest.mark.convention("IoU exactly bg_iou_threshold: ignored (< is negative)")
def test_iou_exactly_at_bg_threshold_is_ignored(impl):
    gt = np.array([[0, 0, 10, 10]], np.float64)
    anchors = np.array([[0, 0, 10, 10], [0, 0, 10, 3], [0, 0, 10, 2]], np.float64)  # IoU 1, 0.3, 0.2
    for allow in (False, True):
        labels, _ = check_match(impl, anchors, gt, 0.7, 0.3, allow)
        assert_equal(labels, [1, -1, 0], what=f"labels (allow_low_quality_matches={allow})",
                     why="IoU exactly 0.3 is ignored: negative is strictly best < bg_iou_threshold")


@pytest.mark.convention("IoU in float64 for float32 boxes")
def test_float32_boxes_are_compared_in_float64(impl):
    gt = np.array([[0, 0, 10, 10]], np.float32)
    anchors = np.array([[0, 0, 10, 7], [0, 0, 10, 5], [0, 0, 10, 2]], np.float32)  # IoU 0.7, 0.5, 0.2
    labels, _ = check_match(impl, anchors, gt, 0.7, 0.3, False)
    assert_equal(labels, [1, -1, 0], what="labels for float32 boxes",
                 why="compute IoU in float64 whatever the input dtype: 70 / 100 in float32 is 0.69999999, "
                     "below the threshold 0.7, but in float64 it equals it")


def test_labels_by_hand_with_the_defaults(impl):
    gt = np.array([[0, 0, 10, 10]], np.float64)
    anchors = np.array([[0, 0, 10, 10], [0, 0, 10, 8], [0, 0, 10, 5], [0, 0, 10, 1], [50, 50, 60, 60]], np.float64)
    labels, matched = check_match(impl, anchors, gt, defaults=True)  # fg 0.7, bg 0.3, low-quality matches on
    assert_equal(labels, [1, 1, -1, 0, 0], what="labels with the default thresholds 0.7 / 0.3",
                 why="IoUs 1, 0.8, 0.5, 0.1, 0: >= 0.7 positive, < 0.3 negative, in between ignored")


def test_low_quality_match_makes_the_best_anchor_positive(impl):
    gt = np.array([[0, 0, 10, 10]], np.float64)
    anchors = np.array([[0, 0, 10, 5], [0, 0, 10, 4], [20, 20, 30, 30]], np.float64)  # IoU 0.5, 0.4, 0
    labels, _ = check_match(impl, anchors, gt, allow=True)
    assert_equal(labels, [1, -1, 0], what="labels with low-quality matches",
                 why="no anchor reaches 0.7, so the gt claims its best anchor (IoU 0.5): positive")
    labels, _ = check_match(impl, anchors, gt, allow=False)
    assert_equal(labels, [-1, -1, 0], what="labels without low-quality matches")


def test_low_quality_match_below_the_background_threshold(impl):
    gt = np.array([[0, 0, 10, 10], [40, 40, 50, 50]], np.float64)
    # gt 0's best anchor overlaps it by 20 / 100 = 0.2, under bg 0.3: it would be a negative
    anchors = np.array([[0, 0, 10, 10 / 5], [0, 0, 10, 1], [40, 40, 50, 50], [20, 20, 30, 30]], np.float64)
    labels, matched = check_match(impl, anchors, gt, allow=True)
    assert_equal(labels, [1, 0, 1, 0], what="labels",
                 why="anchor 0 is gt 0's best anchor (IoU 0.2): the low-quality rule makes it positive even "
                     "though 0.2 is below bg_iou_threshold 0.3")
    labels, _ = check_match(impl, anchors, gt, allow=False)
    assert_equal(labels, [0, 0, 1, 0], what="labels without low-quality matches")


def test_low_quality_ties_are_all_positive(impl):
    gt = np.array([[0, 0, 10, 10]], np.float64)
    # Two anchors shifted half a box left and right: both IoU 50 / 150 = 1/3, the best for this gt.
    anchors = np.array([[-5, 0, 5, 10], [5, 0, 15, 10], [0, 0, 10, 3.25], [30, 0, 40, 10]], np.float64)
    labels, _ = check_match(impl, anchors, gt)
    assert_equal(labels, [1, 1, -1, 0], what="labels",
                 why="anchors 0 and 1 tie at the gt's highest IoU (1/3): every tied anchor becomes positive")


@pytest.mark.convention("low-quality anchor keeps its own best gt")
def test_low_quality_anchor_keeps_its_own_best_gt(impl):
    gt = np.array([[0, 0, 10, 10], [8, 0, 18, 10]], np.float64)
    # Anchor 1 overlaps gt 0 by 70/130 and gt 1 by 50/150; it is gt 1's best anchor.
    anchors = np.array([[0, 0, 10, 10], [3, 0, 13, 10]], np.float64)
    labels, matched = check_match(impl, anchors, gt)
    assert_equal(matched, [0, 0], what="matched_gt",
                 why="gt 1 makes anchor 1 positive, but matched_gt is the anchor's own best gt: gt 0 (IoU 0.54), "
                     "as in torchvision (mmdetection's MaxIoUAssigner re-points it to gt 1)")
    assert_equal(labels, [1, 1], what="labels")


@pytest.mark.convention("a gt overlapping no anchor claims nothing")
def test_gt_that_overlaps_no_anchor_claims_nothing(impl):
    gt = np.array([[0, 0, 10, 10], [100, 100, 110, 110]], np.float64)
    anchors = np.array([[0, 0, 10, 10], [20, 20, 30, 30], [0, 0, 10, 2]], np.float64)
    labels, matched = check_match(impl, anchors, gt)
    assert_equal(labels, [1, 0, 0], what="labels",
                 why="gt 1 overlaps no anchor: its highest IoU is 0, and the low-quality rule only applies to "
                     "a maximum above 0 (torchvision would let every anchor tie at 0 and become positive)")


@pytest.mark.convention("matched_gt ties: the lower gt index")
def test_matched_gt_ties_go_to_the_lower_index(impl):
    gt = np.array([[40, 40, 50, 50], [0, 0, 10, 10], [0, 0, 10, 10]], np.float64)
    anchors = np.array([[0, 0, 10, 8], [2, 0, 12, 10], [100, 100, 110, 110]], np.float64)
    call = Call(impl.match_anchors, anchors, gt, 0.7, 0.3, False)
    assert_equal(np.asarray(call.out[1]), [1, 1, 0], call=call, what="matched_gt",
                 why="gts 1 and 2 are identical: the lower index wins; anchor 2 overlaps no gt: 0")


@pytest.mark.convention("labels and matched_gt are int64 arrays")
def test_match_returns_int64_arrays(impl):
    gt = np.array([[0, 0, 10, 10]], np.float32)
    for anchors, g in ((np.array([[0, 0, 10, 8], [20, 20, 30, 30]], np.float32), gt),
                       (np.array([[0, 0, 10, 8]], np.float32), np.zeros((0, 4), np.float32)),
                       (np.zeros((0, 4), np.float32), gt)):
        call = Call(impl.match_anchors, anchors, g)
        labels, matched = assert_returns(call, "labels", "matched_gt")
        assert_array(labels, dtype=np.int64, shape=(len(anchors),), call=call, what="labels")
        assert_array(matched, dtype=np.int64, shape=(len(anchors),), call=call, what="matched_gt")


def test_no_gt_boxes_every_anchor_negative(impl):
    for dtype in (np.float64, np.float32):
        anchors = grid_anchors(32, 16).astype(dtype)
        labels, matched = check_match(impl, anchors, np.zeros((0, 4), dtype))
        if not (np.all(labels == 0) and np.all(matched == -1)):
            fail("with no gt boxes every label must be 0 and every matched_gt -1", got=(labels, matched))


def test_no_anchors(impl):
    for gt in (np.zeros((0, 4)), np.array([[0.0, 0.0, 4.0, 4.0]])):
        check_match(impl, np.zeros((0, 4)), gt)


@pytest.mark.contract("boxes not (N, 4): ValueError")
def test_match_bad_shapes_raise_value_error(impl):
    good = np.array([[0.0, 0.0, 4.0, 4.0]])
    assert_raises(ValueError, impl.match_anchors, np.zeros((3, 5)), good, why="anchors must be (A, 4)")
    assert_raises(ValueError, impl.match_anchors, good, np.zeros((2, 5)), why="gt_boxes must be (G, 4)")


@pytest.mark.contract("bg_iou_threshold > fg_iou_threshold: ValueError")
def test_match_bad_thresholds_raise_value_error(impl):
    good = np.array([[0.0, 0.0, 4.0, 4.0]])
    assert_raises(ValueError, impl.match_anchors, good, good, 0.3, 0.7, why="bg_iou_threshold above fg_iou_threshold")


# 2. Matching against the brute force, seeded.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("g", [1, 2, 6])
def test_match_matches_brute_force(impl, g, dtype):
    rng = np.random.default_rng(g)
    anchors = grid_anchors().astype(dtype)  # 384 anchors
    positives = 0
    for fg, bg, allow in [(0.7, 0.3, True), (0.7, 0.3, False), (0.5, 0.4, True), (0.5, 0.5, False)]:
        labels, _ = check_match(impl, *random_case(g, fg, bg, allow, dtype, anchors, rng))
        positives += int((labels == 1).sum())
    if positives == 0:
        fail("these cases need positive anchors to mean anything")


# ---------------------------------------------------------------- sampling


def check_sample(impl, labels, batch, fraction, seed):
    """Run sample_labels; check form, subsets and counts."""
    __tracebackhide__ = True
    call = Call(impl.sample_labels, labels, batch, fraction, rng=SeededRng(seed))
    out = np.asarray(call.out)  # read leniently: the int64 dtype is a convention test
    if out.shape != np.shape(labels):
        fail(f"sampled labels: shape {out.shape}, expected {np.shape(labels)}", call=call, got=show(call.out))
    labels = np.asarray(labels)
    n_pos, n_neg = int((labels == 1).sum()), int((labels == 0).sum())
    want_pos = min(n_pos, int(batch * fraction))
    want_neg = min(n_neg, batch - want_pos)
    if not np.isin(out, (-1, 0, 1)).all():
        fail("sampled labels must be -1, 0 or 1", call=call, got=np.unique(out).tolist())
    if np.any((out == 1) & (labels != 1)):
        fail("an anchor that was not positive came back positive", call=call,
             why="only anchors labelled 1 may be drawn as positives")
    if np.any((out == 0) & (labels != 0)):
        i = int(np.flatnonzero((out == 0) & (labels != 0))[0])
        fail(f"anchor {i} (label {labels[i]}) came back as a negative", call=call,
             why="negatives are drawn from anchors labelled 0 only; ignored (-1) anchors are never drawn")
    got_pos, got_neg = int((out == 1).sum()), int((out == 0).sum())
    if (got_pos, got_neg) != (want_pos, want_neg):
        fail(f"kept {got_pos} positives and {got_neg} negatives; expected {want_pos} and {want_neg}", call=call,
             why=f"{n_pos} positives and {n_neg} negatives available: num_pos = min({n_pos}, "
                 f"int({batch} * {fraction})) = {want_pos}, num_neg = min({n_neg}, {batch} - {want_pos}) = {want_neg}")
    return out


def make_labels(n_pos, n_neg, n_ignored, seed=0):
    labels = np.array([1] * n_pos + [0] * n_neg + [-1] * n_ignored, np.int64)
    return np.random.default_rng(seed).permutation(labels)


# 1. Counts by hand.

def test_sample_balanced_batch(impl):
    check_sample(impl, make_labels(300, 2000, 500), 256, 0.5, seed=1)  # 128 + 128


def test_sample_fills_with_negatives_when_positives_are_few(impl):
    check_sample(impl, make_labels(10, 1000, 50), 256, 0.5, seed=2)  # 10 + 246


def test_sample_keeps_everything_when_both_are_few(impl):
    labels = make_labels(3, 5, 40)
    out = check_sample(impl, labels, 256, 0.5, seed=3)
    assert_equal(out, labels, what="sampled labels", why="fewer anchors than the batch: all are kept")


def test_sample_positive_quota_rounds_down(impl):
    check_sample(impl, make_labels(50, 50, 0), 10, 0.25, seed=4)  # int(2.5) = 2 positives, 8 negatives
    check_sample(impl, make_labels(50, 50, 0), 7, 0.5, seed=4)    # int(3.5) = 3 positives, 4 negatives
    check_sample(impl, make_labels(50, 50, 0), 16, 0.0, seed=5)   # no positives at all
    check_sample(impl, make_labels(50, 50, 0), 16, 1.0, seed=5)   # positives only


def test_sample_never_draws_ignored_anchors(impl):
    out = check_sample(impl, make_labels(0, 2, 100), 256, 0.5, seed=6)
    if int((out == 0).sum()) != 2:
        fail("only the two anchors labelled 0 may come back as negatives", got=out)


def test_sample_empty_and_zero_batch(impl):
    check_sample(impl, np.zeros(0, np.int64), 256, 0.5, seed=7)
    out = check_sample(impl, make_labels(5, 5, 5), 0, 0.5, seed=7)
    assert_equal(out, np.full(15, -1), what="sampled labels for a batch of 0", why="nothing is drawn")


# 4. Randomness: reproducible, and a uniform choice.

def test_sample_is_reproducible_and_depends_on_the_seed(impl):
    labels = make_labels(40, 200, 60)
    first = check_sample(impl, labels, 32, 0.25, seed=8)
    again = Call(impl.sample_labels, labels, 32, 0.25, rng=SeededRng(8))
    assert_equal(again.out, first, call=again, what="result for the same seed",
                 why="all randomness must come from `rng`: the same generator state gives the same draw")
    draws = {tuple(check_sample(impl, labels, 32, 0.25, seed=s)) for s in range(9, 14)}
    if len(draws) == 1:
        fail("five different seeds gave the same draw",
             call="sample_labels(labels, 32, 0.25, rng=np.random.default_rng(seed)) for seed in 9..13 "
                  "(labels: 40 positives, 200 negatives, 60 ignored)",
             why="choose a uniformly random subset with rng, not the first k in index order")


def test_sample_is_uniform_over_seeds(impl):
    labels = np.array([1, 0, -1, 1, 0] * 8, np.int64)  # 16 positives, 16 negatives, 8 ignored
    trials = 400
    chosen = np.zeros(len(labels))
    for seed in range(trials):
        chosen += np.asarray(Call(impl.sample_labels, labels, 8, 0.5, rng=SeededRng(seed)).out) != -1
    for group, name in ((labels == 1, "positive"), (labels == 0, "negative")):
        counts = chosen[group]
        # Each is chosen with probability 4/16: 100 of 400 expected, standard deviation about 8.7.
        if counts.min() < 50 or counts.max() > 150:
            idx = np.flatnonzero(group)
            i = int(idx[np.argmax(np.abs(counts - 100))])
            fail(f"{name} anchor {i} was chosen in {int(chosen[i])} of {trials} draws; each {name} should be "
                 f"chosen about 100 times", got=chosen[group].astype(int).tolist(),
                 call=f"sample_labels({labels.tolist()}, 8, 0.5, rng=np.random.default_rng(seed)) for seed < {trials}",
                 why="4 of the 16 positives (and 4 of the 16 negatives) are a uniformly random subset every time")


def test_sample_defaults_are_256_and_half(impl):
    labels = make_labels(300, 2000, 500)
    call = Call(impl.sample_labels, labels, rng=SeededRng(9))  # batch_size_per_image 256, positive_fraction 0.5
    out = np.asarray(call.out)
    got = (int((out == 1).sum()), int((out == 0).sum()))
    if got != (128, 128):
        fail(f"kept {got[0]} positives and {got[1]} negatives; expected 128 and 128", call=call,
             why="the defaults are batch_size_per_image=256 and positive_fraction=0.5")


@pytest.mark.convention("returns a new int64 array")
def test_sample_returns_a_new_int64_array(impl):
    for labels in (make_labels(3, 5, 4), make_labels(3, 5, 4).astype(np.int32), make_labels(40, 40, 4)):
        call = Call(impl.sample_labels, labels, 256 if len(labels) < 20 else 16, 0.5, rng=SeededRng(0))
        assert_array(call.out, dtype=np.int64, shape=labels.shape, call=call, what="sampled labels")
        if np.shares_memory(call.out, labels):
            fail("sample_labels returned (a view of) its input", call=call,
                 why="the result is a new array, even when every anchor fits in the batch")


# 5. Bad input: each would go through silently without its check.

@pytest.mark.contract("rng not a numpy Generator: ValueError")
def test_sample_requires_a_generator(impl):
    labels = make_labels(4, 4, 4)
    assert_raises(ValueError, impl.sample_labels, labels, 4, 0.5, why="rng is required (None is not a Generator)")
    assert_raises(ValueError, impl.sample_labels, labels, 4, 0.5, None, why="rng is required")
    assert_raises(ValueError, impl.sample_labels, labels, 4, 0.5, np.random.RandomState(0),
                  why="a legacy RandomState has choice() and permutation() too, but is not a numpy.random.Generator")


@pytest.mark.contract("labels not 1-D of -1/0/1: ValueError")
def test_sample_rejects_bad_labels(impl):
    rng = np.random.default_rng(0)
    labels = make_labels(4, 4, 4)
    assert_raises(ValueError, impl.sample_labels, labels.reshape(12, 1), 4, 0.5, rng, why="labels must be 1-D")
    assert_raises(ValueError, impl.sample_labels, np.array([1, 2, 0]), 4, 0.5, rng, why="2 is not a label")


@pytest.mark.contract("bad batch size or fraction: ValueError")
def test_sample_rejects_bad_batch_or_fraction(impl):
    rng = np.random.default_rng(0)
    labels = make_labels(4, 4, 4)
    assert_raises(ValueError, impl.sample_labels, labels, 4, 1.5, rng, why="a fraction above 1")
    assert_raises(ValueError, impl.sample_labels, labels, -3, 0.0, rng, why="a negative batch size")
