"""Tests for classic/roc_auc. Run: pytest katas/classic/roc_auc"""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.metrics import roc_curve as sk_roc_curve

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail

AUC_TOL = {"rtol": 1e-9, "atol": 1e-12}  # the AUC is a ratio of pair counts: only rounding differs


def pair_counts(labels, scores):
    """(wins, ties, pairs) over every (positive, negative) pair, one pair at a time."""
    y, s = np.asarray(labels).astype(bool).tolist(), np.asarray(scores, np.float64).tolist()
    pos = [v for v, t in zip(s, y) if t]
    neg = [v for v, t in zip(s, y) if not t]
    wins = sum(p > n for p in pos for n in neg)
    ties = sum(p == n for p in pos for n in neg)
    return wins, ties, len(pos) * len(neg)


def diagnose(got, labels, scores):
    """The pair count behind the expected AUC, and which classic mistake a wrong value looks like."""
    wins, ties, pairs = pair_counts(labels, scores)
    expected = (wins + 0.5 * ties) / pairs
    text = (f"{wins} of the {pairs} (positive, negative) pairs are won by the positive and {ties} tie: "
            f"AUC = ({wins} + {ties} / 2) / {pairs} = {expected:.6f}")
    try:
        g = float(got)
    except (TypeError, ValueError):
        return text, ""
    if ties and abs(g - wins / pairs) < 1e-9:
        return text, "; your value counts tied pairs as 0"
    if ties and abs(g - (wins + ties) / pairs) < 1e-9:
        return text, "; your value counts tied pairs as 1"
    if abs(g - (1 - expected)) < 1e-9:
        return text, "; your value is 1 - AUC: are the labels or the score order flipped?"
    if ties:
        return text, "; tied scores must share their average rank (a tied pair counts one half)"
    return text, ""


def check_auc(impl, labels, scores, expected=None, why=None):
    __tracebackhide__ = True
    call = Call(impl.roc_auc, labels, scores)
    if not isinstance(call.out, float):
        fail(f"roc_auc must return a float, got {type(call.out).__name__}", call=call, got=repr(call.out))
    if expected is None:
        expected = roc_auc_score(labels, scores)
    if len(labels) <= 400:
        text, hint = diagnose(call.out, labels, scores)
        why = (why or text) + hint
    assert_close(call.out, expected, **AUC_TOL, call=call, what="AUC",
                 why=why or "must equal sklearn.metrics.roc_auc_score: tied pairs count one half")
    return call.out


def check_curve(impl, labels, scores):
    __tracebackhide__ = True
    call = Call(impl.roc_curve, labels, scores)
    assert_returns(call, "fpr", "tpr", "thresholds")
    fpr, tpr, thr = call.out
    e_fpr, e_tpr, e_thr = sk_roc_curve(labels, scores, drop_intermediate=False)
    for got, name in ((fpr, "fpr"), (tpr, "tpr"), (thr, "thresholds")):
        assert_array(got, dtype=np.float64, call=call, what=name)
    distinct = len(np.unique(scores))
    if len(thr) != len(e_thr):
        fail(f"the curve has {len(thr)} points, expected {len(e_thr)}", call=call, got=f"thresholds {thr}",
             expected=f"thresholds {e_thr}",
             why=f"one point for threshold +inf, then one per distinct score ({distinct} distinct scores); "
                 "tied samples enter the curve together")
    assert_equal(thr, e_thr, call=call, what="thresholds",
                 why="+inf first, then the distinct scores in strictly decreasing order")
    assert_close(tpr, e_tpr, rtol=1e-12, atol=1e-12, call=call, what="tpr",
                 why="tpr[i] = (positives with score >= thresholds[i]) / (number of positives)")
    assert_close(fpr, e_fpr, rtol=1e-12, atol=1e-12, call=call, what="fpr",
                 why="fpr[i] = (negatives with score >= thresholds[i]) / (number of negatives)")
    return call.out


def random_case(n, rng, *, dtype=np.float64, levels=None, bool_labels=False):
    """Labels with both classes present; scores with many ties when `levels` is given."""
    labels = rng.integers(0, 2, n)
    labels[:2] = [0, 1]
    labels = rng.permutation(labels)
    if levels is None:
        scores = rng.normal(size=n) + labels * rng.uniform(0, 2)
    else:
        scores = rng.integers(0, levels, n) + labels * rng.integers(0, 3)
    scores = scores.astype(dtype)
    return (labels.astype(bool) if bool_labels else labels), scores


# 1. By hand.

HAND = [
    ([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.75,
     "pairs (0.35, 0.1), (0.8, 0.1), (0.8, 0.4) are won by the positive, (0.35, 0.4) is lost: 3 / 4"),
    ([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1], 1.0, "every positive scores above every negative"),
    ([1, 0], [0.1, 0.9], 0.0, "the only positive scores below the only negative"),
    ([0, 1], [0.5, 0.5], 0.5, "a single tied pair counts one half"),
    ([1, 0, 1, 0, 0], [0.5, 0.5, 0.7, 0.2, 0.5], 5 / 6,
     "positive 0.7 wins 3 pairs; positive 0.5 wins 1 (against 0.2) and ties 2: (3 + 1 + 2 / 2) / 6"),
    ([1, 1, 0, 0, 1, 0], [3, 3, 3, 3, 3, 3], 0.5, "all scores equal: every pair ties"),
]


@pytest.mark.parametrize("labels, scores, expected, why", HAND,
                         ids=["mixed", "perfect", "inverted", "one_tie", "ties", "all_equal"])
def test_auc_by_hand(impl, labels, scores, expected, why):
    check_auc(impl, np.array(labels), np.array(scores), expected, why)


def test_curve_by_hand(impl):
    labels = np.array([0, 0, 1, 1, 1, 0])
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.4, 0.2])
    call = Call(impl.roc_curve, labels, scores)
    fpr, tpr, thr = call.out
    why = ("3 positives, 3 negatives; thresholds +inf, 0.8, 0.4 (two samples tied: one point), 0.35, 0.2, 0.1; "
           "at threshold t count the samples with score >= t")
    assert_equal(thr, np.array([np.inf, 0.8, 0.4, 0.35, 0.2, 0.1]), call=call, what="thresholds", why=why)
    assert_close(tpr, [0, 1 / 3, 2 / 3, 1, 1, 1], call=call, what="tpr", why=why)
    assert_close(fpr, [0, 0, 1 / 3, 1 / 3, 2 / 3, 1], call=call, what="fpr", why=why)


# 2. Against scikit-learn and the pair count, seeded.

@pytest.mark.parametrize("n", [2, 3, 10, 57, 300])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_auc_matches_sklearn_and_pair_count(impl, n, dtype):
    rng = np.random.default_rng(n)
    for trial in range(4):
        levels = None if (trial == 0 and dtype != np.int64) else [2, 5, 50, 50][trial]
        labels, scores = random_case(n, rng, dtype=dtype, levels=levels, bool_labels=trial % 2 == 1)
        wins, ties, pairs = pair_counts(labels, scores)
        check_auc(impl, labels, scores, (wins + 0.5 * ties) / pairs)


@pytest.mark.parametrize("n", [2, 3, 10, 57, 300])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_curve_matches_sklearn(impl, n, dtype):
    rng = np.random.default_rng(100 + n)
    for trial in range(3):
        levels = None if (trial == 0 and dtype != np.int64) else [3, 7, 30][trial]
        check_curve(impl, *random_case(n, rng, dtype=dtype, levels=levels, bool_labels=trial == 1))


def test_larger_input_with_ties_matches_sklearn(impl):
    rng = np.random.default_rng(5)
    labels, scores = random_case(20_000, rng, dtype=np.float32, levels=300)
    check_auc(impl, labels, scores)
    check_curve(impl, labels, scores)


# 3. Edge cases.

def test_extreme_and_nearly_equal_scores(impl):
    big = np.array([1e300, -1e300, 1e-300, 0.0, -1e-300, 5e-324])
    labels = np.array([1, 0, 1, 0, 0, 1])
    check_auc(impl, labels, big)
    check_curve(impl, labels, big)
    # Neighbouring float64 values are different scores, not ties.
    x = np.nextafter(1.0, 2.0)
    close = np.array([1.0, x, 1.0, x])
    check_auc(impl, np.array([1, 0, 0, 1]), close, 0.5, "1+ulp beats 1.0 once, loses once, ties twice: (1 + 1) / 4")


def test_one_class_only_raises(impl):
    why = "with no positive (or no negative) the true (or false) positive rate divides by zero"
    for name in ("roc_auc", "roc_curve"):
        fn = getattr(impl, name)
        assert_raises(ValueError, fn, np.array([1, 1, 1]), np.array([0.2, 0.5, 0.1]), why=why)
        assert_raises(ValueError, fn, np.array([0, 0]), np.array([0.2, 0.5]), why=why)
        assert_raises(ValueError, fn, np.zeros(0, np.int64), np.zeros(0), why="no samples: no classes at all")


def test_bad_input_raises(impl):
    for name in ("roc_auc", "roc_curve"):
        fn = getattr(impl, name)
        assert_raises(ValueError, fn, np.array([0, 1, 1]), np.array([0.2, 0.5]), why="lengths differ")
        assert_raises(ValueError, fn, np.array([0, 1, 2]), np.array([0.2, 0.5, 0.3]),
                      why="labels must be 0/1; 2 is neither class")
        assert_raises(ValueError, fn, np.array([[0, 1], [1, 0]]), np.array([[0.2, 0.5], [0.3, 0.1]]),
                      why="labels and scores must be 1-D")


# 4. Properties.

def test_order_invariance_and_symmetries(impl):
    rng = np.random.default_rng(11)
    labels, scores = random_case(200, rng, levels=20)
    scores = scores.astype(np.float64)
    base = check_auc(impl, labels, scores)
    perm = rng.permutation(200)
    check_auc(impl, labels[perm], scores[perm], base, "shuffling the samples changes no pair")
    check_auc(impl, labels, scores**3 + 10.0, base,
              "a strictly increasing transform of the scores keeps every pair's order (and every tie)")
    check_auc(impl, 1 - labels, scores, 1 - base, "swapping the classes turns every win into a loss")
    check_auc(impl, labels, -scores, 1 - base, "negating the scores turns every win into a loss")


def test_curve_is_a_monotone_path_whose_area_is_the_auc(impl):
    rng = np.random.default_rng(12)
    labels, scores = random_case(500, rng, levels=40)
    fpr, tpr, thr = check_curve(impl, labels, scores)
    area = np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2)
    assert_close(area, roc_auc_score(labels, scores), **AUC_TOL, what="trapezoidal area of your curve",
                 why="the trapezoid over a tied segment is exactly the one-half rule")


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
