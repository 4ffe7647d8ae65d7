"""Tests for detection/anchor_matching. Run: pytest katas/detection/anchor_matching"""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_equal, assert_raises, assert_returns, fail
from cvkatas.data import SeededRng
from cvkatas.oracles import iou_matrix

# ---------------------------------------------------------------- matching: the definition, loop by loop


def brute_match(anchors, gt, fg=0.7, bg=0.3, allow=True):
    """Labels, matched gt and a reason per anchor, by the rules of the statement, one pair at a time."""
    iou = iou_matrix(anchors, gt)  # float64, pair by pair
    n, g = iou.shape
    if g == 0:
        return [0] * n, [-1] * n, ["there are no gt boxes, so every anchor is negative"] * n
    labels, matched, reasons = [], [], []
    for a in range(n):
        row = iou[a].tolist()
        best = max(row)
        j = row.index(best)  # first maximum: the lower gt index wins a tie
        matched.append(j)
        if best >= fg:
            labels.append(1)
            reasons.append(f"its best IoU is {best:.6g} (gt {j}), >= fg_iou_threshold {fg}, so it is positive")
        elif best < bg:
            labels.append(0)
            reasons.append(f"its best IoU is {best:.6g} (gt {j}), < bg_iou_threshold {bg}, so it is negative")
        else:
            labels.append(-1)
            reasons.append(f"its best IoU is {best:.6g} (gt {j}), in [{bg}, {fg}), so it is ignored")
    if allow:
        for j in range(g):
            col = iou[:, j].tolist()
            top = max(col, default=0.0)
            if top <= 0:  # a gt that overlaps no anchor claims nothing
                for a in range(n):
                    if labels[a] != 1:
                        reasons[a] += (f"; gt {j} overlaps no anchor at all (its highest IoU is 0), so the "
                                       "low-quality rule gives it no anchor")
                continue
            for a in range(n):
                if col[a] == top and labels[a] != 1:
                    labels[a] = 1
                    reasons[a] += (f"; but no anchor overlaps gt {j} more than it does (IoU {top:.6g}), so the "
                                   f"low-quality rule makes it positive (every tie at that maximum)")
    return labels, matched, reasons


def check_match(impl, anchors, gt, fg=0.7, bg=0.3, allow=True):
    """Run match_anchors, check the output's form, and compare with the brute force."""
    __tracebackhide__ = True
    call = Call(impl.match_anchors, anchors, gt, fg, bg, allow)
    assert_returns(call, "labels", "matched_gt")
    labels, matched = call.out
    n = len(anchors)
    assert_array(labels, dtype=np.int64, shape=(n,), call=call, what="labels")
    assert_array(matched, dtype=np.int64, shape=(n,), call=call, what="matched_gt")
    exp_labels, exp_matched, reasons = brute_match(anchors, gt, fg, bg, allow)
    if n:
        bad = np.flatnonzero(np.asarray(labels) != np.asarray(exp_labels))
        why = f"anchor {bad[0]}: {reasons[bad[0]]}" if len(bad) else None
        assert_equal(labels, np.array(exp_labels, np.int64), call=call, what="labels", why=why)
        bad = np.flatnonzero(np.asarray(matched) != np.asarray(exp_matched))
        if len(bad):
            a = int(bad[0])
            ious = np.round(iou_matrix(np.asarray(anchors)[a:a + 1], gt)[0], 6).tolist()
            why = (f"anchor {a} has IoUs {ious} with the gt boxes: its best gt is {exp_matched[a]} (ties go to the "
                   f"lower index), whatever its label" if len(gt) else "with no gt boxes matched_gt is all -1")
            assert_equal(matched, np.array(exp_matched, np.int64), call=call, what="matched_gt", why=why)
    return np.asarray(labels), np.asarray(matched)


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


# 1. Matching by hand.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_threshold_ends_are_inclusive_above_exclusive_below(impl, dtype):
    gt = np.array([[0, 0, 10, 10]], dtype)
    anchors = np.array([
        [0, 0, 10, 10],   # IoU 1
        [0, 0, 10, 7],    # IoU 70 / 100 = 0.7 exactly: positive (>= fg)
        [0, 0, 10, 3],    # IoU 0.3 exactly: ignored (not < bg)
        [0, 0, 10, 2],    # IoU 0.2: negative
        [0, 0, 10, 5],    # IoU 0.5: ignored
        [50, 50, 60, 60],  # IoU 0: negative
    ], dtype)
    for allow in (False, True):
        labels, _ = check_match(impl, anchors, gt, 0.7, 0.3, allow)
        assert_equal(labels, [1, 1, -1, 0, -1, 0], what=f"labels (allow_low_quality_matches={allow})",
                     why="IoU exactly 0.7 is positive (>= fg) and exactly 0.3 is ignored (negative is < bg); "
                         "compute IoU in float64 so 70 / 100 equals the threshold 0.7")


def test_low_quality_match_makes_the_best_anchor_positive(impl):
    gt = np.array([[0, 0, 10, 10]], np.float64)
    anchors = np.array([[0, 0, 10, 5], [0, 0, 10, 4], [20, 20, 30, 30]], np.float64)  # IoU 0.5, 0.4, 0
    labels, _ = check_match(impl, anchors, gt, allow=True)
    assert_equal(labels, [1, -1, 0], what="labels with low-quality matches",
                 why="no anchor reaches 0.7, so the gt claims its best anchor (IoU 0.5): positive")
    labels, _ = check_match(impl, anchors, gt, allow=False)
    assert_equal(labels, [-1, -1, 0], what="labels without low-quality matches")


def test_low_quality_ties_are_all_positive(impl):
    gt = np.array([[0, 0, 10, 10]], np.float64)
    # Two anchors shifted half a box left and right: both IoU 50 / 150 = 1/3, the best for this gt.
    anchors = np.array([[-5, 0, 5, 10], [5, 0, 15, 10], [0, 0, 10, 3], [30, 0, 40, 10]], np.float64)
    labels, _ = check_match(impl, anchors, gt)
    assert_equal(labels, [1, 1, -1, 0], what="labels",
                 why="anchors 0 and 1 tie at the gt's highest IoU (1/3): every tied anchor becomes positive")


def test_low_quality_anchor_keeps_its_own_best_gt(impl):
    gt = np.array([[0, 0, 10, 10], [8, 0, 18, 10]], np.float64)
    # Anchor 1 overlaps gt 0 by 70/130 and gt 1 by 50/150; it is gt 1's best anchor.
    anchors = np.array([[0, 0, 10, 10], [3, 0, 13, 10]], np.float64)
    labels, matched = check_match(impl, anchors, gt)
    assert_equal(matched, [0, 0], what="matched_gt",
                 why="gt 1 makes anchor 1 positive, but matched_gt is the anchor's own best gt: gt 0 (IoU 0.54)")
    assert_equal(labels, [1, 1], what="labels")


def test_gt_that_overlaps_no_anchor_claims_nothing(impl):
    gt = np.array([[0, 0, 10, 10], [100, 100, 110, 110]], np.float64)
    anchors = np.array([[0, 0, 10, 10], [20, 20, 30, 30], [0, 0, 10, 2]], np.float64)
    labels, matched = check_match(impl, anchors, gt)
    assert_equal(labels, [1, 0, 0], what="labels",
                 why="gt 1 overlaps no anchor: its highest IoU is 0, and the low-quality rule only applies to "
                     "a maximum above 0 (otherwise every anchor would tie at 0 and become positive)")
    assert_equal(matched, [0, 0, 0], what="matched_gt", why="IoU 0 with both gts: the tie goes to gt 0")


def test_matched_gt_ties_go_to_the_lower_index(impl):
    gt = np.array([[40, 40, 50, 50], [0, 0, 10, 10], [0, 0, 10, 10]], np.float64)
    anchors = np.array([[0, 0, 10, 8], [2, 0, 12, 10]], np.float64)
    _, matched = check_match(impl, anchors, gt)
    assert_equal(matched, [1, 1], what="matched_gt", why="gts 1 and 2 are identical: the lower index wins")


def test_no_gt_boxes_every_anchor_negative(impl):
    for dtype in (np.float64, np.float32):
        anchors = grid_anchors(32, 16).astype(dtype)
        labels, matched = check_match(impl, anchors, np.zeros((0, 4), dtype))
        if not (np.all(labels == 0) and np.all(matched == -1)):
            fail("with no gt boxes every label must be 0 and every matched_gt -1", got=(labels, matched))


def test_no_anchors(impl):
    for gt in (np.zeros((0, 4)), np.array([[0.0, 0.0, 4.0, 4.0]])):
        check_match(impl, np.zeros((0, 4)), gt)


def test_match_bad_input_raises_value_error(impl):
    good = np.array([[0.0, 0.0, 4.0, 4.0]])
    assert_raises(ValueError, impl.match_anchors, np.zeros((3, 5)), good, why="anchors must be (A, 4)")
    assert_raises(ValueError, impl.match_anchors, good, np.zeros(4), why="gt_boxes must be (G, 4)")
    assert_raises(ValueError, impl.match_anchors, good, good, 0.3, 0.7, why="bg_iou_threshold above fg_iou_threshold")


# 2. Matching against the brute force, seeded.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("g", [1, 2, 6])
def test_match_matches_brute_force(impl, g, dtype):
    rng = np.random.default_rng(g)
    anchors = grid_anchors().astype(dtype)  # 384 anchors
    positives = 0
    for fg, bg, allow in [(0.7, 0.3, True), (0.7, 0.3, False), (0.5, 0.4, True), (0.5, 0.5, False)]:
        gt = random_gt(g, rng).astype(dtype)
        labels, _ = check_match(impl, anchors, gt, fg, bg, allow)
        positives += int((labels == 1).sum())
    if positives == 0:
        fail("these cases need positive anchors to mean anything")


# ---------------------------------------------------------------- sampling


def check_sample(impl, labels, batch, fraction, seed):
    """Run sample_labels; check form, subsets and counts."""
    __tracebackhide__ = True
    call = Call(impl.sample_labels, labels, batch, fraction, rng=SeededRng(seed))
    out = call.out
    assert_array(out, dtype=np.int64, shape=labels.shape, call=call, what="sampled labels")
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


# 5. Bad input.

def test_sample_requires_a_generator_and_valid_labels(impl):
    labels = make_labels(4, 4, 4)
    assert_raises(ValueError, impl.sample_labels, labels, 4, 0.5, why="rng is required (None is not a Generator)")
    assert_raises(ValueError, impl.sample_labels, labels, 4, 0.5, None, why="rng is required")
    rng = np.random.default_rng(0)
    assert_raises(ValueError, impl.sample_labels, labels.reshape(3, 4), 4, 0.5, rng, why="labels must be 1-D")
    assert_raises(ValueError, impl.sample_labels, np.array([1, 2, 0]), 4, 0.5, rng, why="2 is not a label")
    assert_raises(ValueError, impl.sample_labels, labels, 4, 1.5, rng, why="a fraction above 1")
