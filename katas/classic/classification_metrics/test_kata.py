"""Tests for classic/classification_metrics. Run: pytest katas/classic/classification_metrics

Correctness tests draw classes that each occur in y_true and in y_pred (so no 0 / 0 arises) and
distinct scores (so no tie rule decides a PR curve or an AP); values are read leniently. Zero
division, the macro mean over absent classes, the default average, tied scores and the output types
each have one hand-built convention test. The oracles are small numpy brute forces (checked against
sklearn.metrics, which costs a second to import)."""

import warnings

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail, show

TOL = {"rtol": 1e-6, "atol": 1e-9}  # ratios of counts: only rounding differs


# Oracles.

def brute_confusion(y_true, y_pred, num_classes):
    k = np.arange(num_classes)
    t, p = np.asarray(y_true, np.int64), np.asarray(y_pred, np.int64)
    return ((t[:, None, None] == k[:, None]) & (p[:, None, None] == k)).sum(0).astype(np.int64)


def brute_prf(y_true, y_pred, num_classes, average):
    c = brute_confusion(y_true, y_pred, num_classes)
    tp = np.diag(c).astype(np.float64)
    fp, fn = c.sum(0) - tp, c.sum(1) - tp
    if average == "micro":
        tp, fp, fn = tp.sum(), fp.sum(), fn.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        out = [np.nan_to_num(v) for v in (tp / (tp + fp), tp / (tp + fn), 2 * tp / (2 * tp + fp + fn))]
    return out if average is None else [float(np.mean(v)) for v in out]


def brute_curve(labels, scores):
    """One point per distinct score, ascending: counts of score >= t; then the point (1, 0)."""
    y, s = np.asarray(labels).astype(bool), np.asarray(scores, np.float64)
    thr = np.unique(s)
    above = s[None, :] >= thr[:, None]
    tp, predicted = (above & y).sum(1), above.sum(1)
    return np.r_[tp / predicted, 1.0], np.r_[tp / y.sum(), 0.0], thr


def brute_ap(labels, scores):
    precision, recall, _ = brute_curve(labels, scores)
    return float(sum((recall[i] - recall[i + 1]) * precision[i] for i in range(len(recall) - 1)))


# Random inputs.

def all_present(n, num_classes, rng, *, accuracy=0.6, dtype=np.int64):
    """n >= K samples in which every class occurs as a true and as a predicted label: no 0 / 0."""
    y_true = rng.permutation(np.r_[np.arange(num_classes), rng.integers(0, num_classes, n - num_classes)])
    y_pred = np.where(rng.random(n) < accuracy, y_true, rng.integers(0, num_classes, n))
    y_pred[rng.choice(n, num_classes, replace=False)] = np.arange(num_classes)
    return y_true.astype(dtype), y_pred.astype(dtype)


def distinct_binary(n, rng, *, dtype=np.float64, label_dtype=np.int64):
    """At least one positive, distinct scores with some signal (no tie rule decides anything)."""
    labels = rng.integers(0, 2, n)
    labels[0] = 1
    labels = rng.permutation(labels)
    scores = np.argsort(np.argsort(rng.normal(size=n) + labels * rng.uniform(0, 2)))  # ranks: distinct
    if np.dtype(dtype).kind == "f":
        scores = (scores + rng.uniform(0.1, 0.9)) / n * rng.uniform(0.5, 20) - 3.0
    return labels.astype(label_dtype), scores.astype(dtype)


# Checks: values read leniently (any array-like, any number); the forms are a convention test.

def check_confusion(impl, y_true, y_pred, num_classes, expected=None, why=None):
    __tracebackhide__ = True
    call = Call(impl.confusion_matrix, y_true, y_pred, num_classes)
    got = np.asarray(call.out)
    if got.shape != (num_classes, num_classes):
        fail(f"the confusion matrix has shape {got.shape}, expected ({num_classes}, {num_classes})", call=call,
             got=show(call.out))
    expected = brute_confusion(y_true, y_pred, num_classes) if expected is None else expected
    assert_equal(got, expected, call=call, what="confusion matrix",
                 why=why or "C[i, j] counts the samples of true class i predicted as class j (rows true, "
                            "columns predicted)")
    return got


def read_prf(call, average):
    __tracebackhide__ = True
    out = assert_returns(call, "precision", "recall", "f1")
    try:
        vals = [np.asarray(v, dtype=np.float64) for v in out]
    except (TypeError, ValueError):
        fail("precision_recall_f1 must return three numbers or arrays", call=call, got=show(out))
    return vals if average is None else [float(v) if v.size == 1 else v for v in vals]


def check_prf(impl, y_true, y_pred, num_classes, average, expected=None, why=None):
    __tracebackhide__ = True
    call = Call(impl.precision_recall_f1, y_true, y_pred, num_classes, average=average)
    got = read_prf(call, average)
    expected = brute_prf(y_true, y_pred, num_classes, average) if expected is None else expected
    default_why = {
        None: "per class: precision TP / (TP + FP), recall TP / (TP + FN), F1 2 TP / (2 TP + FP + FN)",
        "macro": "the unweighted mean of the per-class values; macro F1 is the mean of the per-class F1s, "
                 "not the F1 of macro precision and macro recall",
        "micro": "sum TP, FP and FN over the classes first, then divide: for single-label data this is the accuracy",
    }[average]
    for g, e, name in zip(got, expected, ("precision", "recall", "f1")):
        assert_close(g, e, **TOL, call=call, what=f"{name} (average={average!r})", why=why or default_why)
    return got


def check_curve(impl, labels, scores, *, why=None):
    __tracebackhide__ = True
    call = Call(impl.precision_recall_curve, labels, scores)
    out = assert_returns(call, "precision", "recall", "thresholds")
    precision, recall, thr = (np.asarray(a, dtype=np.float64) for a in out)
    e_p, e_r, e_t = brute_curve(labels, scores)
    if thr.shape != e_t.shape or precision.shape != e_p.shape or recall.shape != e_r.shape:
        fail(f"{thr.shape} thresholds, {precision.shape} precisions and {recall.shape} recalls, expected "
             f"{e_t.shape}, {e_p.shape} and {e_r.shape}", call=call, got=show(out),
             expected=f"thresholds {show(e_t)}",
             why="one threshold per distinct score, plus the final point precision 1, recall 0")
    assert_equal(thr, e_t, call=call, what="thresholds", why="the distinct scores in increasing order")
    why = why or ("precision[i] and recall[i] are those of the rule score >= thresholds[i]; the last point is "
                  "(precision 1, recall 0)")
    assert_close(precision, e_p, **TOL, call=call, what="precision", why=why)
    assert_close(recall, e_r, **TOL, call=call, what="recall", why=why)
    return precision, recall, thr


def check_ap(impl, labels, scores, expected=None, why=None):
    __tracebackhide__ = True
    call = Call(impl.average_precision, labels, scores)
    try:
        got = float(np.asarray(call.out))
    except (TypeError, ValueError):
        fail("average_precision must return one number", call=call, got=show(call.out))
    expected = brute_ap(labels, scores) if expected is None else expected
    assert_close(got, expected, **TOL, call=call, what="AP",
                 why=why or "AP = sum over thresholds (high to low) of (recall gain) * precision at that threshold: "
                            "no interpolation, no trapezoid (sklearn.metrics.average_precision_score)")
    return got


# 1. By hand.

Y_TRUE = np.array([0, 0, 1, 2, 2, 2])
Y_PRED = np.array([0, 1, 1, 2, 0, 2])


def test_confusion_by_hand(impl):
    check_confusion(impl, Y_TRUE, Y_PRED, 4, np.array([[1, 1, 0, 0], [0, 1, 0, 0], [1, 0, 2, 0], [0, 0, 0, 0]]),
                    "rows are true classes, columns predicted: the true 0 predicted as 1 is C[0, 1], the true 2 "
                    "predicted as 0 is C[2, 0]; class 3 never occurs, so row 3 and column 3 are zero")


def test_precision_recall_f1_by_hand(impl):
    # class 0: TP 1, FP 1, FN 1;  class 1: TP 1, FP 1, FN 0;  class 2: TP 2, FP 0, FN 1.
    p, r, f = np.array([1 / 2, 1 / 2, 1.0]), np.array([1 / 2, 1.0, 2 / 3]), np.array([1 / 2, 2 / 3, 4 / 5])
    check_prf(impl, Y_TRUE, Y_PRED, 3, None, (p, r, f), "class 0: TP 1 FP 1 FN 1; class 1: TP 1 FP 1 FN 0; "
              "class 2: TP 2 FP 0 FN 1")
    check_prf(impl, Y_TRUE, Y_PRED, 3, "macro", (p.mean(), r.mean(), f.mean()),
              "macro F1 = mean of (1/2, 2/3, 4/5) = 0.6556, not the F1 of macro precision 0.6667 and macro "
              "recall 0.7222 (0.6933)")
    check_prf(impl, Y_TRUE, Y_PRED, 3, "micro", (4 / 6, 4 / 6, 4 / 6),
              "summed TP = 4, FP = 2, FN = 2: precision = recall = F1 = 4 / 6, the accuracy")


def test_f1_without_true_positives_is_zero(impl):
    # Class 1 is predicted once (wrongly) and occurs twice: TP 0, FP 1, FN 2. No 0 / 0 anywhere.
    y_true, y_pred = np.array([0, 0, 1, 1, 2]), np.array([0, 1, 0, 0, 2])
    check_prf(impl, y_true, y_pred, 3, None,
              (np.array([1 / 3, 0, 1]), np.array([1 / 2, 0, 1]), np.array([2 / 5, 0, 1])),
              "class 1 has TP 0, FP 1, FN 2: precision 0 / 1, recall 0 / 2 and F1 = 2 TP / (2 TP + FP + FN) = "
              "0 / 3 = 0; the harmonic mean 2 P R / (P + R) would divide 0 by 0 here")


def test_pr_curve_and_ap_by_hand(impl):
    labels = np.array([0, 0, 1, 1, 1, 0])
    scores = np.array([0.1, 0.45, 0.35, 0.8, 0.4, 0.2])
    why = ("thresholds 0.1, 0.2, 0.35, 0.4, 0.45, 0.8; score >= 0.4 selects 0.8 (+), 0.45 (-), 0.4 (+): precision "
           "2/3, recall 2/3; the arrays end with precision 1, recall 0")
    precision, recall, _ = check_curve(impl, labels, scores, why=why)
    assert np.allclose(precision, [3 / 6, 3 / 5, 3 / 4, 2 / 3, 1 / 2, 1, 1])
    assert np.allclose(recall, [1, 1, 1, 2 / 3, 1 / 3, 1 / 3, 0])
    check_ap(impl, labels, scores, 1 / 3 * 1 + 1 / 3 * 2 / 3 + 1 / 3 * 3 / 4,
             "recall rises by 1/3 at thresholds 0.8, 0.4 and 0.35, where precision is 1, 2/3 and 3/4 = 0.8056; "
             "interpolating would use 3/4 instead of 2/3 at 0.4 (0.8333), a trapezoid gives 0.7222")


# 2. Against the brute force, seeded.

@pytest.mark.parametrize("n", [0, 1, 7, 200])
def test_confusion_matches_brute_force(impl, n):
    rng = np.random.default_rng(n)
    for num_classes, dtype in ((1, np.int64), (2, np.int32), (5, np.uint8), (10, np.int64)):
        y_true = rng.integers(0, num_classes, n).astype(dtype)
        y_pred = np.where(rng.random(n) < 0.6, y_true, rng.integers(0, num_classes, n)).astype(dtype)
        if n == 0:
            try:
                call = Call(impl.confusion_matrix, y_true, y_pred, num_classes)
            except ValueError:
                continue  # scikit-learn 1.9 raises for empty input: accepted
            assert_equal(np.asarray(call.out), np.zeros((num_classes, num_classes), np.int64), call=call,
                         what="confusion matrix of no samples", why="no samples: every count is 0")
        else:
            check_confusion(impl, y_true, y_pred, num_classes)


@pytest.mark.parametrize("n", [1, 12, 200])
def test_precision_recall_f1_match_brute_force(impl, n):
    rng = np.random.default_rng(10 + n)
    for num_classes, dtype in ((1, np.int64), (2, np.int32), (5, np.uint8), (10, np.int64)):
        if num_classes > n:
            continue
        for accuracy in (0.2, 0.7):
            y_true, y_pred = all_present(n, num_classes, rng, accuracy=accuracy, dtype=dtype)
            for average in (None, "macro", "micro"):
                check_prf(impl, y_true, y_pred, num_classes, average)


@pytest.mark.parametrize("n", [1, 2, 9, 80, 400])
def test_pr_curve_and_ap_match_brute_force(impl, n):
    rng = np.random.default_rng(20 + n)
    for dtype, label_dtype in ((np.float64, np.int64), (np.float32, bool), (np.int64, np.int32),
                               (np.int32, np.uint8)):
        labels, scores = distinct_binary(n, rng, dtype=dtype, label_dtype=label_dtype)
        check_curve(impl, labels, scores)
        check_ap(impl, labels, scores)


# 3. Edge cases.

def test_only_positives(impl):
    labels, scores = np.ones(4, np.int64), np.array([0.3, 0.1, 0.35, 0.9])
    check_curve(impl, labels, scores)
    check_ap(impl, labels, scores, 1.0, "every prediction is right: precision 1 at every threshold")


def test_extreme_and_neighbouring_scores(impl):
    labels = np.array([1, 0, 1, 0, 0, 1])
    check_curve(impl, labels, np.array([1e300, -1e300, 1e-300, 0.0, -1e-300, 5e-324]))
    close = np.array([1.0, np.nextafter(1.0, 2.0), np.nextafter(1.0, 0.0), np.nextafter(np.nextafter(1.0, 2.0), 2.0)])
    check_ap(impl, np.array([1, 0, 0, 1]), close, 1 / 2 * 1 + 1 / 2 * 2 / 3,
             "scores 1, 1+ulp, 1-ulp, 1+2ulp are four different values: the top score is a positive (precision "
             "1), the next positive comes third (precision 2/3)")


# 4. Properties.

def test_micro_f1_is_accuracy(impl):
    rng = np.random.default_rng(7)
    y_true = rng.choice([0, 1, 3, 4, 5], 300)  # class 2 occurs nowhere: micro has no 0 / 0 anyway
    y_pred = np.where(rng.random(300) < 0.55, y_true, rng.choice([0, 1, 3, 4, 5], 300))
    accuracy = float(np.mean(y_true == y_pred))
    check_prf(impl, y_true, y_pred, 6, "micro", (accuracy, accuracy, accuracy),
              "with one label per sample every error is one FP (for the predicted class) and one FN (for the true "
              "class): summed FP = summed FN, so micro precision = recall = F1 = accuracy")


def test_ap_ranking_properties(impl):
    rng = np.random.default_rng(8)
    labels, scores = distinct_binary(200, rng)
    base = check_ap(impl, labels, scores)
    perm = rng.permutation(200)
    check_ap(impl, labels[perm], scores[perm], base, "AP depends on the scores, not on the sample order")
    check_ap(impl, labels, np.exp(scores / 10) * 5, base, "an increasing transform of the scores keeps every threshold")
    check_ap(impl, labels, labels * 100.0 + scores, 1.0,
             "every positive above every negative: precision is 1 until recall reaches 1")


# Conventions.

@pytest.mark.convention("0 / 0 gives 0 (zero_division=0)")
def test_zero_division_gives_zero(impl):
    # Class 1 occurs but is never predicted: precision 0 / 0. Class 2 is predicted but never occurs:
    # recall 0 / 0. Class 3 occurs nowhere: 0 / 0 for all three.
    y_true, y_pred = np.array([0, 1, 1, 0]), np.array([0, 0, 0, 2])
    why = ("a zero division counts 0, not NaN (scikit-learn's zero_division=0; its default 'warn' also gives 0, "
           "with a warning, which is allowed): class 1 is never predicted, class 2 never occurs, class 3 neither")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_prf(impl, y_true, y_pred, 4, None,
                  (np.array([1 / 3, 0, 0, 0]), np.array([1 / 2, 0, 0, 0]), np.array([2 / 5, 0, 0, 0])), why)
        for average in (None, "macro", "micro"):  # no samples: every ratio is 0 / 0 (or ValueError, as sklearn)
            try:
                call = Call(impl.precision_recall_f1, np.zeros(0, np.int64), np.zeros(0, np.int64), 3, average=average)
            except ValueError:
                continue
            for g, name in zip(read_prf(call, average), ("precision", "recall", "f1")):
                assert_close(g, np.zeros(3) if average is None else 0.0, call=call,
                             what=f"{name} of no samples (average={average!r})", why=why)


@pytest.mark.convention("macro: mean over all K classes, absent ones 0")
def test_macro_counts_classes_that_never_occur(impl):
    y_true = y_pred = np.array([0, 1, 1, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_prf(impl, y_true, y_pred, 4, "macro", (0.5, 0.5, 0.5),
                  "classes 0 and 1 are perfect, classes 2 and 3 never occur and count 0: (1 + 1 + 0 + 0) / 4 "
                  "(scikit-learn with labels=range(K), zero_division=0; zero_division=nan would skip them)")


@pytest.mark.convention("default average: 'macro'")
def test_default_average_is_macro(impl):
    call = Call(impl.precision_recall_f1, Y_TRUE, Y_PRED, 3)
    got = read_prf(call, "macro")
    for g, e, name in zip(got, (2 / 3, 13 / 18, 59 / 90), ("precision", "recall", "f1")):
        assert_close(g, e, **TOL, call=call, what=f"{name} with average left out",
                     why="average defaults to 'macro' (sklearn's precision_recall_fscore_support defaults to None, "
                         "f1_score to 'binary'; here the default is 'macro'): three floats")


@pytest.mark.convention("tied scores enter together: one point per score")
def test_tied_scores_enter_together(impl):
    labels = np.array([0, 0, 1, 1, 1, 0])
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.4, 0.2])
    why = ("equal scores enter together (sklearn's convention): one threshold 0.4 for the two samples scored 0.4, "
           "a positive and a negative, with precision 2/3 and recall 2/3; never one point per sample")
    check_curve(impl, labels, scores, why=why)
    check_ap(impl, labels, scores, 1 / 3 * 1 + 1 / 3 * 2 / 3 + 1 / 3 * 3 / 4, why)
    check_ap(impl, np.array([1, 0, 0, 1, 0]), np.full(5, 0.3), 2 / 5,
             "all scores equal: one threshold, recall jumps from 0 to 1 at precision 2 / 5, so AP = 2 / 5 whatever "
             "the order of the samples")


@pytest.mark.convention("output types: int64 matrix, float64 arrays, floats")
def test_output_types(impl):
    for dtype in (np.int32, np.uint8):
        y_true, y_pred = Y_TRUE.astype(dtype), Y_PRED.astype(dtype)
        call = Call(impl.confusion_matrix, y_true, y_pred, 3)
        assert_array(call.out, dtype=np.int64, shape=(3, 3), call=call,
                     what=f"confusion matrix of {dtype.__name__} labels")
        call = Call(impl.precision_recall_f1, y_true, y_pred, 3, average=None)
        for got, name in zip(assert_returns(call, "precision", "recall", "f1"), ("precision", "recall", "f1")):
            assert_array(got, dtype=np.float64, shape=(3,), call=call, what=name)
        for average in ("macro", "micro"):
            call = Call(impl.precision_recall_f1, y_true, y_pred, 3, average=average)
            for got, name in zip(assert_returns(call, "precision", "recall", "f1"), ("precision", "recall", "f1")):
                if not isinstance(got, float):
                    fail(f"{name} with average={average!r} must be a float (or numpy.float64), got "
                         f"{type(got).__name__}", call=call, got=repr(got))
    labels = np.array([0, 1, 1, 0], np.int32)
    for scores in (np.array([1, 3, 2, 0], np.int32), np.array([0.1, 0.7, 0.4, 0.2], np.float32)):
        call = Call(impl.precision_recall_curve, labels, scores)
        for got, name in zip(assert_returns(call, "precision", "recall", "thresholds"),
                             ("precision", "recall", "thresholds")):
            assert_array(got, dtype=np.float64, call=call, what=f"{name} for {scores.dtype} scores")
        call = Call(impl.average_precision, labels, scores)
        if not isinstance(call.out, float):
            fail(f"average_precision must return a float (or numpy.float64), got {type(call.out).__name__}",
                 call=call, got=repr(call.out))


# Input checks. Each input below passes silently through an answer that lacks the check.

@pytest.mark.contract("bad shapes: ValueError")
def test_bad_shapes_raise(impl):
    for name in ("confusion_matrix", "precision_recall_f1"):
        fn = getattr(impl, name)
        assert_raises(ValueError, fn, np.array([0, 1, 1]), np.array([1]), 2,
                      why="y_true and y_pred must have the same length (a length-1 y_pred would broadcast)")
        assert_raises(ValueError, fn, np.array([[0, 1, 1], [1, 0, 0]]), np.array([[0, 1, 0], [1, 1, 0]]), 2,
                      why="y_true and y_pred must be 1-D")
    for name in ("precision_recall_curve", "average_precision"):
        fn = getattr(impl, name)
        assert_raises(ValueError, fn, np.array([1, 0, 1]), np.array([0.5]), why="lengths differ")
        assert_raises(ValueError, fn, np.array([1]), np.array([0.2, 0.5, 0.4]), why="lengths differ")
        assert_raises(ValueError, fn, np.array([[0, 1], [1, 0]]), np.array([[0.2, 0.5], [0.3, 0.1]]),
                      why="labels and scores must be 1-D")


@pytest.mark.contract("class id outside [0, K): ValueError")
def test_class_ids_outside_range_raise(impl):
    for name in ("confusion_matrix", "precision_recall_f1"):
        fn = getattr(impl, name)
        assert_raises(ValueError, fn, np.array([0, 0]), np.array([2, 1]), 2,
                      why="class 2 does not exist when num_classes is 2")
        assert_raises(ValueError, fn, np.array([1, 0]), np.array([-1, 0]), 2, why="-1 is not a class id")


@pytest.mark.contract("unknown average: ValueError")
def test_unknown_average_raises(impl):
    for average in ("weighted", "binary", "Macro"):
        assert_raises(ValueError, impl.precision_recall_f1, Y_TRUE, Y_PRED, 3, average=average,
                      why="average must be None, 'macro' or 'micro'")


@pytest.mark.contract("labels not 0/1: ValueError")
def test_labels_other_than_0_1_raise(impl):
    for name in ("precision_recall_curve", "average_precision"):
        fn = getattr(impl, name)
        assert_raises(ValueError, fn, np.array([0, 1, 2]), np.array([0.1, 0.2, 0.3]), why="labels must be 0/1")
        assert_raises(ValueError, fn, np.array([-1, 1, 1]), np.array([0.1, 0.2, 0.3]),
                      why="labels must be 0/1 (scikit-learn also accepts -1/1; this kata does not)")


@pytest.mark.contract("no positive label: ValueError")
def test_no_positive_label_raises(impl):
    for name in ("precision_recall_curve", "average_precision"):
        fn = getattr(impl, name)
        assert_raises(ValueError, fn, np.array([0, 0, 0]), np.array([0.1, 0.2, 0.3]),
                      why="with no positive label recall divides by zero")
        assert_raises(ValueError, fn, np.zeros(0, np.int64), np.zeros(0), why="no samples: no positive label")
