"""Classification metrics: confusion matrix, precision / recall / F1, PR curve, AP · 分类评价指标

Accuracy alone hides what a classifier gets wrong. Write the metrics an interviewer expects you to
know cold, in numpy, with exactly scikit-learn's conventions (its ``zero_division=0`` behaviour).

Run the tests: pytest katas/classic/classification_metrics
"""

import numpy as np

__all__ = ["confusion_matrix", "precision_recall_f1", "precision_recall_curve", "average_precision"]


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Counts of (true class, predicted class) pairs for single-label multi-class predictions.

    Args:
        y_true, y_pred: integer arrays of shape (n,) (n may be 0) with values in [0, K).
        num_classes: K >= 1.

    Returns:
        int64 array ``C`` of shape (K, K): ``C[i, j]`` = number of samples of true class i
        predicted as class j (**rows true, columns predicted**, as
        ``sklearn.metrics.confusion_matrix``). Classes that never occur give zero rows/columns.

    Errors (``ValueError``): y_true and y_pred not 1-D of the same length; a value outside [0, K).
    Inputs must not be modified. No Python loop over samples.
    """
    raise NotImplementedError("confusion_matrix")


def precision_recall_f1(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int, average="macro"):
    """Per-class precision, recall and F1, or their macro or micro average.

    Args:
        y_true, y_pred, num_classes: as in ``confusion_matrix``.
        average: ``None``, ``"macro"`` or ``"micro"``; anything else raises ``ValueError``.

    For class c with TP, FP, FN counted one-vs-rest:
        precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2 TP / (2 TP + FP + FN)
        (the harmonic mean of precision and recall). **Zero division gives 0**: a class never
        predicted has precision 0, a class with no true sample has recall 0, and a class absent
        from both has 0 for all three (scikit-learn's ``zero_division=0``).

    Returns:
        ``(precision, recall, f1)``:
        - ``average=None``: three float64 arrays of shape (K,), one entry per class 0 .. K - 1;
        - ``"macro"``: three floats, the unweighted means of the per-class values over **all K
          classes** (classes absent from both arrays included, with their 0s). Macro F1 is the mean
          of the per-class F1s, not the F1 of macro precision and macro recall;
        - ``"micro"``: three floats computed from TP, FP and FN summed over all classes first.
        Floats may be ``float`` or ``numpy.float64``.

    Errors: as in ``confusion_matrix``. Inputs must not be modified.
    """
    raise NotImplementedError("precision_recall_f1")


def precision_recall_curve(labels: np.ndarray, scores: np.ndarray):
    """Precision-recall curve of a binary classifier, in scikit-learn's convention.

    Args:
        labels: array of shape (n,), bool or integer 0/1; at least one positive.
        scores: array of shape (n,), int or float, finite; higher means "more likely positive".

    Returns:
        ``(precision, recall, thresholds)``, float64 arrays; with m the number of **distinct** scores:
        - ``thresholds``: shape (m,), the distinct scores in **increasing** order;
        - ``precision``, ``recall``: shape (m + 1,). For i < m they are the precision and recall of
          the rule "predict positive when score >= thresholds[i]"; the last entries are
          ``precision[m] = 1`` and ``recall[m] = 0`` (no threshold: nothing predicted).
        So recall never increases along the arrays. Samples with equal scores enter together: one
        point per distinct score. This is ``sklearn.metrics.precision_recall_curve`` with
        ``drop_intermediate=False``.

    Errors (``ValueError``): not 1-D of the same length; a label other than 0/1; no positive label
    (recall is undefined; n = 0 included). Inputs must not be modified. O(n log n), no Python loop
    over samples or thresholds.
    """
    raise NotImplementedError("precision_recall_curve")


def average_precision(labels: np.ndarray, scores: np.ndarray) -> float:
    """Average precision, scikit-learn's step-wise definition (no interpolation).

    ``AP = sum_i (R_i - R_{i-1}) * P_i`` over the thresholds from the highest score down, with
    ``R_0 = 0``: each gain in recall is weighted by the precision at that threshold. Precision is
    **not** interpolated (no running maximum as in PASCAL VOC's AP) and this is not the trapezoidal
    area under the curve. Equals ``sklearn.metrics.average_precision_score``.

    Args, errors: as in ``precision_recall_curve``. Returns a float in [0, 1].
    """
    raise NotImplementedError("average_precision")
