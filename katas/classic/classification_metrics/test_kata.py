"""Tests for classic/classification_metrics. Run: pytest katas/classic/classification_metrics"""

import warnings

import numpy as np
import pytest
from sklearn import metrics as skm

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail

TOL = {"rtol": 1e-12, "atol": 1e-12}  # ratios of counts: only rounding differs


def sk_prf(y_true, y_pred, num_classes, average):
    """scikit-learn over all K classes (labels=range(K)), zero_division=0."""
    p, r, f, _ = skm.precision_recall_fscore_support(y_true, y_pred, labels=np.arange(num_classes),
                                                     average=average, zero_division=0)
    return p, r, f


def random_classes(n, num_classes, rng, *, absent=(), accuracy=0.6):
    classes = np.setdiff1d(np.arange(num_classes), absent)
    y_true = rng.choice(classes, n)
    y_pred = np.where(rng.random(n) < accuracy, y_true, rng.choice(classes, n))
    return y_true, y_pred


def random_binary(n, rng, *, levels=None, dtype=np.float64):
    labels = rng.integers(0, 2, n)
    labels[0] = 1
    labels = rng.permutation(labels)
    if levels is None:
        scores = rng.normal(size=n) + labels
    else:
        scores = rng.integers(0, levels, n) + labels * rng.integers(0, 3)
    return labels, scores.astype(dtype)


def check_prf(impl, y_true, y_pred, num_classes, average, expected=None, why=None):
    __tracebackhide__ = True
    call = Call(impl.precision_recall_f1, y_true, y_pred, num_classes, average=average)
    assert_returns(call, "precision", "recall", "f1")
    expected = expected or sk_prf(y_true, y_pred, num_classes, average)
    default_why = {
        None: "per class: precision TP / (TP + FP), recall TP / (TP + FN), F1 2 TP / (2 TP + FP + FN); 0 / 0 gives 0",
        "macro": "unweighted mean over all K classes (absent classes count with their 0s); macro F1 is the mean of "
                 "the per-class F1s",
        "micro": "sum TP, FP and FN over the classes first, then divide: for single-label data this is the accuracy",
    }[average]
    for got, exp, name in zip(call.out, expected, ("precision", "recall", "f1")):
        if average is None:
            assert_array(got, dtype=np.float64, shape=(num_classes,), call=call, what=name)
        elif not isinstance(got, float):
            fail(f"{name} with average={average!r} must be a float, got {type(got).__name__}", call=call, got=repr(got))
        assert_close(got, exp, **TOL, call=call, what=f"{name} (average={average!r})", why=why or default_why)
    return call.out


def check_curve(impl, labels, scores):
    __tracebackhide__ = True
    call = Call(impl.precision_recall_curve, labels, scores)
    assert_returns(call, "precision", "recall", "thresholds")
    precision, recall, thr = call.out
    e_p, e_r, e_t = skm.precision_recall_curve(labels, scores, drop_intermediate=False)
    for got, name in ((precision, "precision"), (recall, "recall"), (thr, "thresholds")):
        assert_array(got, dtype=np.float64, call=call, what=name)
    if len(thr) != len(e_t) or len(precision) != len(e_p):
        fail(f"{len(thr)} thresholds and {len(precision)} points, expected {len(e_t)} and {len(e_p)}", call=call,
             got=f"thresholds {thr}", expected=f"thresholds {e_t}",
             why="one threshold per distinct score (tied samples enter together), plus the final point "
                 "precision 1, recall 0")
    assert_equal(thr, e_t, call=call, what="thresholds", why="the distinct scores in increasing order")
    why = "at thresholds[i], count the samples with score >= thresholds[i]; the last point is (precision 1, recall 0)"
    assert_close(precision, e_p, **TOL, call=call, what="precision", why=why)
    assert_close(recall, e_r, **TOL, call=call, what="recall", why=why)
    return call.out


def check_ap(impl, labels, scores, expected=None, why=None):
    __tracebackhide__ = True
    call = Call(impl.average_precision, labels, scores)
    if not isinstance(call.out, float):
        fail(f"average_precision must return a float, got {type(call.out).__name__}", call=call, got=repr(call.out))
    if expected is None:
        expected = skm.average_precision_score(labels, scores)
    assert_close(call.out, expected, **TOL, call=call, what="AP",
                 why=why or "AP = sum over thresholds (high to low) of (recall gain) * precision at that threshold: "
                            "no interpolation, no trapezoid (sklearn.metrics.average_precision_score)")
    return call.out


# 1. By hand.

Y_TRUE = np.array([0, 0, 1, 2, 2, 2])
Y_PRED = np.array([0, 1, 1, 2, 0, 2])


def test_confusion_by_hand(impl):
    call = Call(impl.confusion_matrix, Y_TRUE, Y_PRED, 3)
    assert_array(call.out, dtype=np.int64, shape=(3, 3), call=call, what="confusion matrix")
    assert_equal(call.out, np.array([[1, 1, 0], [0, 1, 0], [1, 0, 2]]), call=call, what="confusion matrix",
                 why="rows are true classes, columns predicted: the true 0 predicted as 1 is C[0, 1], "
                     "the true 2 predicted as 0 is C[2, 0]")


def test_precision_recall_f1_by_hand(impl):
    # K = 4; class 3 occurs nowhere.  class 0: TP 1, FP 1, FN 1;  class 1: TP 1, FP 1, FN 0;
    # class 2: TP 2, FP 0, FN 1;  class 3: all 0.
    p = np.array([1 / 2, 1 / 2, 1.0, 0.0])
    r = np.array([1 / 2, 1.0, 2 / 3, 0.0])
    f = np.array([1 / 2, 2 / 3, 4 / 5, 0.0])
    check_prf(impl, Y_TRUE, Y_PRED, 4, None, (p, r, f),
              "class 0: TP 1 FP 1 FN 1; class 1: TP 1 FP 1 FN 0; class 2: TP 2 FP 0 FN 1; class 3 absent: 0, 0, 0")
    check_prf(impl, Y_TRUE, Y_PRED, 4, "macro", (p.mean(), r.mean(), f.mean()),
              "the mean over all 4 classes, class 3 included with 0s; macro F1 = mean of (1/2, 2/3, 4/5, 0) = "
              "0.4917, not the F1 of macro precision and recall (0.5200)")
    check_prf(impl, Y_TRUE, Y_PRED, 4, "micro", (4 / 6, 4 / 6, 4 / 6),
              "summed TP = 4, FP = 2, FN = 2: precision = recall = F1 = 4 / 6, the accuracy")


def test_zero_division_gives_zero(impl):
    # Class 1 is never predicted: TP + FP = 0. Class 2 never occurs at all.
    y_true, y_pred = np.array([0, 1, 1]), np.array([0, 0, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_prf(impl, y_true, y_pred, 3, None,
                  (np.array([1 / 3, 0, 0]), np.array([1.0, 0, 0]), np.array([0.5, 0, 0])),
                  "class 1 is never predicted, so its precision is 0 / 0, which counts as 0 (not NaN); class 2 "
                  "occurs nowhere: 0 for all three")
        check_prf(impl, y_true, y_pred, 3, "macro", (1 / 9, 1 / 3, 1 / 6),
                  "zero divisions count 0, so the means stay finite: (1/3 + 0 + 0) / 3, (1 + 0 + 0) / 3, (1/2) / 3")


def test_pr_curve_and_ap_by_hand(impl):
    labels = np.array([0, 0, 1, 1, 1, 0])
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.4, 0.2])
    call = Call(impl.precision_recall_curve, labels, scores)
    precision, recall, thr = call.out
    why = ("thresholds 0.1, 0.2, 0.35, 0.4, 0.8: score >= 0.4 selects 3 samples (0.4 twice), 2 of them positive: "
           "precision 2/3, recall 2/3; the arrays end with precision 1, recall 0")
    assert_equal(thr, np.array([0.1, 0.2, 0.35, 0.4, 0.8]), call=call, what="thresholds", why=why)
    assert_close(precision, [3 / 6, 3 / 5, 3 / 4, 2 / 3, 1, 1], call=call, what="precision", why=why)
    assert_close(recall, [1, 1, 1, 2 / 3, 1 / 3, 0], call=call, what="recall", why=why)
    check_ap(impl, labels, scores, 1 / 3 * 1 + 1 / 3 * 2 / 3 + 1 / 3 * 3 / 4,
             "recall rises by 1/3 at thresholds 0.8, 0.4 and 0.35, where precision is 1, 2/3 and 3/4; "
             "interpolating would use 3/4 instead of 2/3 at 0.4")


def test_ap_of_all_tied_scores_is_the_prevalence(impl):
    labels, scores = np.array([1, 0, 0, 1, 0]), np.full(5, 0.3)
    check_ap(impl, labels, scores, 2 / 5,
             "one threshold only: recall jumps from 0 to 1 at precision 2 / 5; a trapezoid from the point "
             "(recall 0, precision 1) would give 0.7")


# 2. Against scikit-learn, seeded.

@pytest.mark.parametrize("n", [0, 1, 5, 60, 1000])
@pytest.mark.parametrize("num_classes", [1, 2, 5, 10])
def test_confusion_matches_sklearn(impl, n, num_classes):
    rng = np.random.default_rng(n * 10 + num_classes)
    y_true, y_pred = random_classes(n, num_classes, rng, absent=(3,) if num_classes > 3 else ())
    call = Call(impl.confusion_matrix, y_true, y_pred, num_classes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns when a single class occurs
        expected = (skm.confusion_matrix(y_true, y_pred, labels=np.arange(num_classes)) if n
                    else np.zeros((num_classes, num_classes), np.int64))
    assert_array(call.out, dtype=np.int64, shape=(num_classes, num_classes), call=call, what="confusion matrix")
    assert_equal(call.out, expected, call=call, what="confusion matrix",
                 why="C[i, j] counts samples of true class i predicted as j (sklearn.metrics.confusion_matrix)")


@pytest.mark.parametrize("n", [1, 5, 60, 1000])
@pytest.mark.parametrize("num_classes", [1, 2, 5, 10])
@pytest.mark.parametrize("average", [None, "macro", "micro"])
def test_precision_recall_f1_match_sklearn(impl, n, num_classes, average):
    rng = np.random.default_rng(n * 10 + num_classes)
    absent = (1, 3) if num_classes > 3 else ()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for accuracy in (0.2, 0.7):
            check_prf(impl, *random_classes(n, num_classes, rng, absent=absent, accuracy=accuracy), num_classes,
                      average)


@pytest.mark.parametrize("n", [1, 2, 9, 80, 1000])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_pr_curve_and_ap_match_sklearn(impl, n, dtype):
    rng = np.random.default_rng(n)
    for levels in ((None, 4, 20) if dtype != np.int64 else (2, 4, 20)):
        labels, scores = random_binary(n, rng, levels=levels, dtype=dtype)
        check_curve(impl, labels, scores)
        check_ap(impl, labels.astype(bool), scores)


# 3. Edge cases and errors.

def test_bad_input_raises(impl):
    assert_raises(ValueError, impl.confusion_matrix, np.array([0, 1]), np.array([0, 1, 1]), 2, why="lengths differ")
    assert_raises(ValueError, impl.confusion_matrix, np.array([0, 2]), np.array([0, 1]), 2,
                  why="class 2 does not exist when num_classes is 2")
    assert_raises(ValueError, impl.precision_recall_f1, np.array([0, 1]), np.array([0, -1]), 2,
                  why="-1 is not a class id")
    assert_raises(ValueError, impl.precision_recall_f1, np.array([0, 1]), np.array([0, 1]), 2, average="weighted",
                  why="average must be None, 'macro' or 'micro'")
    for name in ("precision_recall_curve", "average_precision"):
        fn = getattr(impl, name)
        assert_raises(ValueError, fn, np.array([0, 0, 0]), np.array([0.1, 0.2, 0.3]),
                      why="with no positive label recall divides by zero")
        assert_raises(ValueError, fn, np.array([0, 1]), np.array([0.1, 0.2, 0.3]), why="lengths differ")
        assert_raises(ValueError, fn, np.array([0, 1, 2]), np.array([0.1, 0.2, 0.3]), why="labels must be 0/1")


def test_only_positives(impl):
    labels, scores = np.ones(4, np.int64), np.array([0.3, 0.1, 0.3, 0.9])
    check_curve(impl, labels, scores)
    check_ap(impl, labels, scores, 1.0, "every prediction is right: precision 1 at every threshold")


# 4. Properties.

def test_micro_f1_is_accuracy(impl):
    rng = np.random.default_rng(7)
    y_true, y_pred = random_classes(300, 6, rng, absent=(2,), accuracy=0.55)
    accuracy = float(np.mean(y_true == y_pred))
    check_prf(impl, y_true, y_pred, 6, "micro", (accuracy, accuracy, accuracy),
              "with one label per sample every error is one FP (for the predicted class) and one FN (for the true "
              "class): summed FP = summed FN, so micro precision = recall = F1 = accuracy")


def test_macro_counts_classes_that_never_occur(impl):
    y_true = y_pred = np.array([0, 1, 1, 0])
    check_prf(impl, y_true, y_pred, 4, "macro", (0.5, 0.5, 0.5),
              "classes 0 and 1 are perfect, classes 2 and 3 never occur and count 0: (1 + 1 + 0 + 0) / 4")


def test_ap_ranking_properties(impl):
    rng = np.random.default_rng(8)
    labels, scores = random_binary(200, rng, levels=30)
    base = check_ap(impl, labels, scores)
    perm = rng.permutation(200)
    check_ap(impl, labels[perm], scores[perm], base, "AP depends on the scores, not on the sample order")
    check_ap(impl, labels, scores * 2.0 + 5.0, base, "an increasing transform of the scores keeps every threshold")
    check_ap(impl, labels, labels * 10.0 + scores * 0.01, 1.0,
             "every positive above every negative: precision is 1 until recall reaches 1")
