"""ROC curve and AUC · ROC 曲线与 AUC 的计算

The ROC curve plots the true positive rate against the false positive rate as the decision
threshold sweeps from high to low; its area (AUC) is the chance that a random positive scores
above a random negative. Compute both in O(n log n), the way scikit-learn does, with ties handled
exactly.

Run the tests: pytest katas/classic/roc_auc
"""

import numpy as np

__all__ = ["roc_auc", "roc_curve"]


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve of a binary classifier.

    Args:
        labels: array of shape (n,), bool or integer with values 0 (negative) and 1 (positive).
        scores: array of shape (n,), int or float (float32 or float64), finite: higher means
            "more likely positive". Only the order of the scores matters.

    Returns:
        A Python float (``float`` or ``numpy.float64``) in [0, 1]: the fraction of
        (positive, negative) pairs in which the positive scores higher, where a pair with
        **equal scores counts one half**. This equals the trapezoidal area under ``roc_curve``
        and ``sklearn.metrics.roc_auc_score``.

    Errors (``ValueError``):
        - ``labels`` and ``scores`` not 1-D of the same length;
        - a label other than 0/1 (or False/True);
        - only one class present (no positive or no negative, including n = 0): the AUC is
          undefined.

    Inputs must not be modified.

    Canonical code: ``sklearn.metrics.roc_auc_score`` (binary ``y_true``), which integrates
    ``roc_curve`` with the trapezoid rule, so a tied group is one diagonal segment: the one-half
    rule (test_tied_pair_counts_one_half). Its input checks differ, each a test of its own: with
    one class only, scikit-learn 1.9 warns and returns NaN (test_one_class_only_raises); it accepts
    labels in {-1, 1} (test_labels_other_than_0_1_raise) and 2-D multilabel input, averaging one
    AUC per column (test_bad_shapes_raise); this kata raises ``ValueError`` for all three.

    Speed: O(n log n) (sort once; no loop over pairs). 10^6 samples must run within the ratio to
    the reference that ``kata.toml`` gives under [speed]; the reference takes a few tens of ms.
    """
    raise NotImplementedError("roc_auc")


def roc_curve(labels: np.ndarray, scores: np.ndarray):
    """Every point of the ROC curve, in scikit-learn's convention with ``drop_intermediate=False``.

    Args:
        labels, scores: as in ``roc_auc``.

    Returns:
        ``(fpr, tpr, thresholds)``, three float64 arrays of the same length m + 1, where m is the
        number of **distinct** scores:
        - ``thresholds[0] = np.inf`` (nothing is predicted positive), then the distinct scores in
          strictly decreasing order;
        - ``fpr[i]`` and ``tpr[i]`` are the false and true positive rates of the rule
          "predict positive when score >= thresholds[i]": ``fpr[i] = FP / (number of negatives)``,
          ``tpr[i] = TP / (number of positives)``.
        So the curve starts at (0, 0), ends at (1, 1), and both rates never decrease. Samples with
        equal scores enter together: one point per distinct score, never one per sample.

    Errors: as in ``roc_auc`` (``ValueError``). Inputs must not be modified.

    Canonical code: ``sklearn.metrics.roc_curve(labels, scores, drop_intermediate=False)`` returns
    exactly this (a tied group is one threshold, test_tied_scores_share_one_curve_point). Where
    scikit-learn differs: its default ``drop_intermediate=True`` drops the points that lie on a
    straight segment between two others (test_every_distinct_score_is_a_threshold); before 1.3
    the first threshold was ``max(scores) + 1``, not ``np.inf`` (test_first_threshold_is_inf); with
    one class it warns and returns NaN rates instead of raising (test_one_class_only_raises).

    Speed: O(n log n), no Python loop over samples or thresholds (checked at 2 * 10^5 samples,
    within the same ratio to the reference as ``roc_auc``).
    """
    raise NotImplementedError("roc_curve")
