"""Tests for classic/roc_auc. Run: pytest katas/classic/roc_auc

Correctness tests use distinct scores, read the curve whether or not collinear points were dropped,
and accept any first threshold above every score; ties, dropped points, the +inf threshold and the
output types each have one hand-built convention test. The oracles are small numpy brute forces
(checked against sklearn.metrics.roc_auc_score and roc_curve, which cost a second to import)."""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, assert_returns, fail, show

TOL = {"rtol": 1e-6, "atol": 1e-9}  # ratios of counts: only rounding differs


# Oracles.

def pair_counts(labels, scores):
    """(wins, ties, pairs) over every (positive, negative) pair, by broadcasting."""
    y, s = np.asarray(labels).astype(bool), np.asarray(scores, np.float64)
    pos, neg = s[y][:, None], s[~y][None, :]
    return int((pos > neg).sum()), int((pos == neg).sum()), pos.size * neg.size


def full_curve(labels, scores):
    """Every point: threshold +inf, then each distinct score from the highest down (rule score >= t).
    Also the mask of the points scikit-learn keeps with drop_intermediate=True: the origin, the ends
    and every point where the curve changes direction (found on the integer counts, not the rates)."""
    y, s = np.asarray(labels).astype(bool), np.asarray(scores, np.float64)
    thr = np.unique(s)[::-1]
    tps = np.array([np.count_nonzero(y & (s >= t)) for t in thr])
    fps = np.array([np.count_nonzero(~y & (s >= t)) for t in thr])
    keep = np.ones(len(thr), bool)
    if len(thr) > 2:
        keep[1:-1] = (np.diff(fps, 2) != 0) | (np.diff(tps, 2) != 0)
    return (np.concatenate([[0.0], fps / (~y).sum()]), np.concatenate([[0.0], tps / y.sum()]),
            np.concatenate([[np.inf], thr]), np.concatenate([[True], keep]))


# Checks: values read leniently (any 1-D sequences, any scalar); the forms are convention tests.

def check_auc(impl, labels, scores, expected=None, why=None):
    __tracebackhide__ = True
    call = Call(impl.roc_auc, labels, scores)
    try:
        got = float(np.asarray(call.out))
    except (TypeError, ValueError):
        fail("roc_auc must return one number", call=call, got=show(call.out))
    wins, ties, pairs = pair_counts(labels, scores) if len(labels) <= 2000 else (None, None, None)
    if expected is None:
        expected = (wins + 0.5 * ties) / pairs
    if why is None and wins is not None:
        why = (f"{wins} of the {pairs} (positive, negative) pairs are won by the positive"
               + (f" and {ties} tie (one half each)" if ties else "") + f": AUC = {expected:.6f}")
        if abs(got - (1 - expected)) < 1e-9 and abs(expected - 0.5) > 1e-9:
            why += "; your value is 1 - AUC: are the labels or the score order flipped?"
    assert_close(got, expected, **TOL, call=call, what="AUC", why=why)
    return got


def check_curve(impl, labels, scores, *, why=None):
    """The candidate's points must be points of the full curve, in order, with every corner of it
    present (so a curve with collinear points dropped passes too: that is a convention test)."""
    __tracebackhide__ = True
    call = Call(impl.roc_curve, labels, scores)
    out = assert_returns(call, "fpr", "tpr", "thresholds")
    fpr, tpr, thr = (np.asarray(a, dtype=np.float64) for a in out)
    e_fpr, e_tpr, e_thr, corner = full_curve(labels, scores)
    if not (fpr.ndim == tpr.ndim == thr.ndim == 1 and len(fpr) == len(tpr) == len(thr) >= 2):
        fail("fpr, tpr and thresholds must be 1-D arrays of one length (at least 2 points)", call=call,
             got=show(out), expected=f"up to {len(e_thr)} points")
    top = float(np.max(np.asarray(scores, np.float64)))
    if not (thr[0] > top and fpr[0] == 0 and tpr[0] == 0):
        fail("the curve must start at (fpr 0, tpr 0) with a threshold above every score", call=call,
             got=f"first point fpr {fpr[0]}, tpr {tpr[0]}, threshold {thr[0]}", expected="(0, 0, +inf)",
             why="at a threshold above the highest score nothing is predicted positive")
    rest = thr[1:]
    if np.any(np.diff(rest) >= 0):
        i = int(np.flatnonzero(np.diff(rest) >= 0)[0]) + 1
        fail(f"thresholds must strictly decrease: thresholds[{i}] = {rest[i - 1]!r}, "
             f"thresholds[{i + 1}] = {rest[i]!r}", call=call, got=show(out[2]), expected=show(e_thr),
             why=why or "one point per distinct score, from the highest score down")
    pos = np.searchsorted(-e_thr[1:], -rest)  # where each candidate threshold sits in the full curve
    on = (pos < len(e_thr) - 1) & (e_thr[1:][np.minimum(pos, len(e_thr) - 2)] == rest)
    if not on.all():
        i = int(np.flatnonzero(~on)[0]) + 1
        fail(f"thresholds[{i}] = {rest[i - 1]!r} is not one of the scores", call=call, got=show(out[2]),
             expected=show(e_thr), why="the thresholds after the first are the distinct scores, decreasing")
    idx = np.concatenate([[0], pos + 1])
    must = np.flatnonzero(corner)
    missing = np.setdiff1d(must, idx)
    if missing.size:
        j = int(missing[0])
        fail(f"the curve has no point at threshold {e_thr[j]!r}, where it changes direction", call=call,
             got=show(out[2]), expected=show(e_thr),
             why=f"at threshold {e_thr[j]!r} (score >= threshold is positive) fpr = {e_fpr[j]:.4f}, "
                 f"tpr = {e_tpr[j]:.4f}: a corner of the ROC curve, and the curve must end at (1, 1)")
    for got, exp, name, what in ((tpr, e_tpr, "tpr", "positives"), (fpr, e_fpr, "fpr", "negatives")):
        assert_close(got, exp[idx], **TOL, call=call, what=name,
                     why=f"{name}[i] = ({what} with score >= thresholds[i]) / (number of {what})"
                     + (f"; {why}" if why else ""))
    return fpr, tpr, thr


def random_case(n, rng, *, dtype=np.float64, label_dtype=np.int64):
    """Both classes present, distinct scores (so no tie rule decides anything)."""
    labels = rng.integers(0, 2, n)
    labels[:2] = [0, 1]
    labels = rng.permutation(labels)
    signal = rng.normal(size=n) + labels * rng.uniform(0, 2)
    scores = np.argsort(np.argsort(signal))  # the ranks 0..n-1: distinct, some signal
    if np.dtype(dtype).kind == "f":
        scores = (scores + rng.uniform(0.1, 0.9)) / n * rng.uniform(0.5, 20) - 3.0
    return labels.astype(label_dtype), scores.astype(dtype)


# 1. By hand.

HAND = [
    ([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.75,
     "pairs (0.35, 0.1), (0.8, 0.1), (0.8, 0.4) are won by the positive, (0.35, 0.4) is lost: 3 / 4"),
    ([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1], 1.0, "every positive scores above every negative"),
    ([1, 0], [0.1, 0.9], 0.0, "the only positive scores below the only negative"),
    ([1, 0, 1, 0, 0], [0.5, 0.6, 0.7, 0.2, 0.4], 5 / 6,
     "positive 0.7 beats all 3 negatives, positive 0.5 beats 0.4 and 0.2 but not 0.6: 5 of 6 pairs"),
]


@pytest.mark.parametrize("labels, scores, expected, why", HAND, ids=["mixed", "perfect", "inverted", "five"])
def test_auc_by_hand(impl, labels, scores, expected, why):
    check_auc(impl, np.array(labels), np.array(scores), expected, why)


def test_curve_by_hand(impl):
    labels = np.array([0, 0, 1, 1, 1, 0])
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.45, 0.2])
    # Descending: 0.8 (+), 0.45 (+), 0.4 (-), 0.35 (+), 0.2 (-), 0.1 (-); 3 positives, 3 negatives.
    fpr, tpr, thr, _ = full_curve(labels, scores)
    assert np.allclose(tpr, [0, 1 / 3, 2 / 3, 2 / 3, 1, 1, 1]) and np.allclose(fpr, [0, 0, 0, 1 / 3, 1 / 3, 2 / 3, 1])
    check_curve(impl, labels, scores,
                why="thresholds +inf, 0.8, 0.45, 0.4, 0.35, 0.2, 0.1 give tpr 0, 1/3, 2/3, 2/3, 1, 1, 1 and "
                    "fpr 0, 0, 0, 1/3, 1/3, 2/3, 1: count the samples with score >= threshold")


# 2. Against the brute force, seeded: distinct scores, labels and scores of several dtypes.

@pytest.mark.parametrize("n", [2, 3, 10, 57, 300])
def test_auc_matches_pair_count(impl, n):
    rng = np.random.default_rng(n)
    for dtype, label_dtype in ((np.float64, np.int64), (np.float32, bool), (np.int64, np.int32),
                               (np.int32, np.uint8)):
        check_auc(impl, *random_case(n, rng, dtype=dtype, label_dtype=label_dtype))


@pytest.mark.parametrize("n", [2, 3, 10, 57, 300])
def test_curve_matches_brute_force(impl, n):
    rng = np.random.default_rng(100 + n)
    for dtype, label_dtype in ((np.float64, bool), (np.float32, np.int64), (np.int64, np.int32)):
        check_curve(impl, *random_case(n, rng, dtype=dtype, label_dtype=label_dtype))


def test_larger_input(impl):
    rng = np.random.default_rng(5)
    labels, scores = random_case(20_000, rng, dtype=np.float64)
    # Mann-Whitney by ranks: the scores are distinct, so rank = position in the sorted order + 1.
    ranks = np.empty(len(scores))
    ranks[np.argsort(scores)] = np.arange(1, len(scores) + 1)
    p, q = int(labels.sum()), int((1 - labels).sum())
    check_auc(impl, labels, scores, (ranks[labels == 1].sum() - p * (p + 1) / 2) / (p * q),
              "(sum of the positives' ranks - P (P + 1) / 2) / (P N), ranks 1 = lowest score")


# 3. Edge cases.

def test_extreme_and_neighbouring_scores(impl):
    big = np.array([1e300, -1e300, 1e-300, 0.0, -1e-300, 5e-324])
    labels = np.array([1, 0, 1, 0, 0, 1])
    check_auc(impl, labels, big)
    tiny = np.array([0.5, -1e300, 1e-300, 0.0, -1e-300, 5e-324])  # the highest score is 0.5
    check_curve(impl, labels, tiny)
    # Neighbouring float64 values are different scores, not ties.
    close = np.array([1.0, np.nextafter(1.0, 2.0), np.nextafter(1.0, 0.0), np.nextafter(np.nextafter(1.0, 2.0), 2.0)])
    check_auc(impl, np.array([1, 0, 0, 1]), close, 0.75,
              "scores 1, 1+ulp, 1-ulp, 1+2ulp are four different values: the positives win 3 of 4 pairs")


# 4. Properties.

def test_order_invariance_and_symmetries(impl):
    rng = np.random.default_rng(11)
    labels, scores = random_case(200, rng)
    base = check_auc(impl, labels, scores)
    perm = rng.permutation(200)
    check_auc(impl, labels[perm], scores[perm], base, "shuffling the samples changes no pair")
    check_auc(impl, labels, np.exp(scores / 10) * 5, base,
              "only the order of the scores matters: a strictly increasing transform keeps every pair")
    check_auc(impl, 1 - labels, scores, 1 - base, "swapping the classes turns every win into a loss")
    check_auc(impl, labels, -scores, 1 - base, "negating the scores turns every win into a loss")


def test_curve_area_is_the_auc(impl):
    rng = np.random.default_rng(12)
    labels, scores = random_case(150, rng)
    fpr, tpr, _ = check_curve(impl, labels, scores)
    area = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
    check_auc(impl, labels, scores, area, "the AUC is the trapezoidal area under roc_curve")


# Conventions.

@pytest.mark.convention("tied scores: a pair counts one half")
def test_tied_pair_counts_one_half(impl):
    cases = [
        ([0, 1], [0.5, 0.5], 0.5, "a single tied pair counts one half"),
        ([1, 0, 1, 0, 0], [0.5, 0.5, 0.7, 0.2, 0.5], 5 / 6,
         "positive 0.7 wins 3 pairs; positive 0.5 wins 1 (against 0.2) and ties 2: (3 + 1 + 2 / 2) / 6"),
        ([1, 1, 0, 0, 1, 0], [3, 3, 3, 3, 3, 3], 0.5, "all scores equal: every pair ties, so the AUC is 1/2"),
        ([0, 1, 0, 1, 1, 0], [1, 2, 2, 2, 3, 1], 8 / 9,
         "positives 2, 2, 3 against negatives 1, 2, 1: 7 wins and 2 ties, (7 + 2 / 2) / 9"),
    ]
    for labels, scores, expected, why in cases:
        check_auc(impl, np.array(labels), np.array(scores), expected,
                  why + " (equal scores: the trapezoid over a tied group, as sklearn.metrics.roc_auc_score)")


@pytest.mark.convention("tied scores: one curve point per distinct score")
def test_tied_scores_share_one_curve_point(impl):
    labels = np.array([0, 0, 1, 1, 1, 0])
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.4, 0.2])
    check_curve(impl, labels, scores,
                why="samples with equal scores enter the curve together: one threshold 0.4 for the two "
                    "samples scored 0.4 (a positive and a negative), so one diagonal step, not two points")


@pytest.mark.convention("every distinct score a threshold (drop_intermediate=False)")
def test_every_distinct_score_is_a_threshold(impl):
    labels = np.array([1, 1, 1, 0, 0, 1])
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    call = Call(impl.roc_curve, labels, scores)
    thr = np.asarray(assert_returns(call, "fpr", "tpr", "thresholds")[2], np.float64)
    if thr.shape != (7,) or not np.array_equal(thr[1:], scores):
        fail(f"the curve has thresholds {thr.tolist()}", call=call, expected="[inf, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4]",
             why="every distinct score is a threshold, also 0.8 and 0.5 whose points lie on a straight "
                 "segment (sklearn's default drop_intermediate=True drops them; here it is False)")


@pytest.mark.convention("first threshold: +inf")
def test_first_threshold_is_inf(impl):
    call = Call(impl.roc_curve, np.array([0, 1, 0]), np.array([0.25, 0.75, 0.5]))
    thr = np.asarray(assert_returns(call, "fpr", "tpr", "thresholds")[2])
    if not (thr.size and thr[0] == np.inf):
        fail(f"thresholds[0] is {thr[0] if thr.size else None!r}", call=call, expected="inf",
             why="thresholds[0] = np.inf: nothing is predicted positive (sklearn >= 1.3; older "
                 "versions used max(scores) + 1)")


@pytest.mark.convention("roc_auc a float; roc_curve float64 arrays")
def test_output_types(impl):
    labels = np.array([0, 1, 1, 0])
    for scores in (np.array([1, 3, 2, 0], np.int32), np.array([0.1, 0.7, 0.4, 0.2], np.float32)):
        call = Call(impl.roc_auc, labels, scores)
        if not isinstance(call.out, float):
            fail(f"roc_auc must return a Python float (or numpy.float64), got {type(call.out).__name__}",
                 call=call, got=repr(call.out))
        call = Call(impl.roc_curve, labels, scores)
        for got, name in zip(assert_returns(call, "fpr", "tpr", "thresholds"), ("fpr", "tpr", "thresholds")):
            assert_array(got, dtype=np.float64, call=call, what=name)


# Input checks.

@pytest.mark.contract("bad shapes: ValueError")
def test_bad_shapes_raise(impl):
    for name in ("roc_auc", "roc_curve"):
        fn = getattr(impl, name)
        assert_raises(ValueError, fn, np.array([[0, 1], [1, 0]]), np.array([[0.2, 0.5], [0.3, 0.1]]),
                      why="labels and scores must be 1-D")
        assert_raises(ValueError, fn, np.array([0, 1, 1]), np.array([0.2, 0.5]), why="lengths differ")
        assert_raises(ValueError, fn, np.array([0, 1]), np.array([0.2, 0.5, 0.4]), why="lengths differ")


@pytest.mark.contract("labels not 0/1: ValueError")
def test_labels_other_than_0_1_raise(impl):
    for name in ("roc_auc", "roc_curve"):
        fn = getattr(impl, name)
        assert_raises(ValueError, fn, np.array([0, 1, 2]), np.array([0.2, 0.5, 0.3]),
                      why="labels must be 0/1; 2 is neither class")
        assert_raises(ValueError, fn, np.array([-1, 1, 1]), np.array([0.2, 0.5, 0.3]),
                      why="labels must be 0/1; -1 is neither class")


@pytest.mark.contract("one class only: ValueError")
def test_one_class_only_raises(impl):
    why = "with no positive (or no negative) the true (or false) positive rate divides by zero"
    for name in ("roc_auc", "roc_curve"):
        fn = getattr(impl, name)
        assert_raises(ValueError, fn, np.array([1, 1, 1]), np.array([0.2, 0.5, 0.1]), why=why)
        assert_raises(ValueError, fn, np.array([0, 0]), np.array([0.2, 0.5]), why=why)
        assert_raises(ValueError, fn, np.zeros(0, np.int64), np.zeros(0), why="no samples: no classes at all")


# 7. Speed.

def speed_case(n):
    rng = np.random.default_rng(0)
    labels = rng.random(n) < 0.3
    scores = (rng.random(n) + 0.2 * labels).astype(np.float32)  # float32: some natural ties
    return labels, scores


@pytest.mark.perf
def test_speed_auc_one_million(impl, reference, speed):
    speed(impl.roc_auc, reference.roc_auc, *speed_case(10**6))


@pytest.mark.perf
def test_speed_curve(impl, reference, speed):
    speed(impl.roc_curve, reference.roc_curve, *speed_case(2 * 10**5))
