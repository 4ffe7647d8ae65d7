"""Classification metrics: confusion matrix, precision / recall / F1, PR curve, AP · 分类评价指标

Accuracy alone hides what a classifier gets wrong. Write the metrics an interviewer expects you to
know cold, in numpy, with scikit-learn's conventions (its ``zero_division=0`` behaviour).

Canonical code: ``sklearn.metrics`` (1.9): ``confusion_matrix(y_true, y_pred, labels=range(K))``,
``precision_recall_fscore_support(..., labels=range(K), average=...)`` (``f1_score``),
``precision_recall_curve(..., drop_intermediate=False)`` and ``average_precision_score``. Where this
kata differs, each a test of its own:
- zero division: sklearn's default ``zero_division="warn"`` warns and gives 0, as here (warnings are
  allowed); ``zero_division=np.nan`` gives NaN and leaves those classes out of the macro mean
  (test_zero_division_gives_zero, test_macro_counts_classes_that_never_occur);
- ``average`` defaults to ``"macro"`` here (sklearn: None in precision_recall_fscore_support,
  ``"binary"`` in f1_score; test_default_average_is_macro), and ``"weighted"``, ``"binary"``,
  ``"samples"`` raise here (test_unknown_average_raises);
- sklearn silently drops samples whose class is not in ``labels``; here that raises
  (test_class_ids_outside_range_raise);
- sklearn's PR thresholds keep the dtype of the scores (float32, int); here they are float64
  (test_output_types);
- sklearn accepts labels -1/1 (test_labels_other_than_0_1_raise) and, with no positive label, warns,
  sets recall to 1 and gives AP 0 (test_no_positive_label_raises); here both raise;
- with no samples at all (n = 0) sklearn raises ``ValueError``; here a zero matrix and zero metrics
  come back; the tests accept either.

Run the tests: pytest katas/classic/classification_metrics
"""

import numpy as np

__all__ = ["confusion_matrix", "precision_recall_f1", "precision_recall_curve", "average_precision"]


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Counts of (true class, predicted class) pairs for single-label multi-class predictions.

    Args:
        y_true, y_pred: integer arrays of shape (n,), any integer dtype, with values in [0, K).
        num_classes: K >= 1.

    Returns:
        int64 array ``C`` of shape (K, K): ``C[i, j]`` = number of samples of true class i
        predicted as class j (**rows true, columns predicted**, as
        ``sklearn.metrics.confusion_matrix``). Classes that never occur give zero rows/columns.
        n = 0 gives a zero matrix (raising ``ValueError``, as scikit-learn does, is accepted too).

    Errors (``ValueError``): y_true and y_pred not 1-D of the same length; a value outside [0, K).
    Inputs must not be modified.
    """
    raise NotImplementedError("confusion_matrix")


def precision_recall_f1(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int, average="macro"):
    """Per-class precision, recall and F1, or their macro or micro average.

    Args:
        y_true, y_pred, num_classes: as in ``confusion_matrix``.
        average: ``None``, ``"macro"`` (the default) or ``"micro"``; anything else raises ``ValueError``.

    For class c with TP, FP, FN counted one-vs-rest:
        precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2 TP / (2 TP + FP + FN)
        (the harmonic mean of precision and recall). **Zero division gives 0**: a class never
        predicted has precision 0, a class with no true sample has recall 0, and a class absent
        from both has 0 for all three (scikit-learn's ``zero_division=0``; a warning is allowed).
        A class with TP = 0 but FP + FN > 0 has F1 = 0 by the formula: no 0 / 0 there.

    Returns:
        ``(precision, recall, f1)``:
        - ``average=None``: three float64 arrays of shape (K,), one entry per class 0 .. K - 1;
        - ``"macro"``: three floats, the unweighted means of the per-class values over **all K
          classes** (classes absent from both arrays included, with their 0s). Macro F1 is the mean
          of the per-class F1s, not the F1 of macro precision and macro recall;
        - ``"micro"``: three floats computed from TP, FP and FN summed over all classes first.
        Floats may be ``float`` or ``numpy.float64``. With n = 0 every value is 0 (or ``ValueError``).

    Errors: as in ``confusion_matrix``. Inputs must not be modified.
    """
    raise NotImplementedError("precision_recall_f1")


def precision_recall_curve(labels: np.ndarray, scores: np.ndarray):
    """Precision-recall curve of a binary classifier, in scikit-learn's convention.

    Args:
        labels: array of shape (n,), bool or integer 0/1; at least one positive.
        scores: array of shape (n,), int or float (float32 or float64), finite; higher means "more
            likely positive". Different values are different scores, however close.

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
    (recall is undefined; n = 0 included). Inputs must not be modified.
    """
    raise NotImplementedError("precision_recall_curve")


def average_precision(labels: np.ndarray, scores: np.ndarray) -> float:
    """Average precision, scikit-learn's step-wise definition (no interpolation).

    ``AP = sum_i (R_i - R_{i-1}) * P_i`` over the thresholds from the highest score down, with
    ``R_0 = 0``: each gain in recall is weighted by the precision at that threshold. Precision is
    **not** interpolated (no running maximum as in PASCAL VOC's AP) and this is not the trapezoidal
    area under the curve. Equals ``sklearn.metrics.average_precision_score``.

    Tied scores form one threshold, as in ``precision_recall_curve``, so the AP does not depend on the
    order of the samples.

    Args, errors: as in ``precision_recall_curve``. Returns a float (or ``numpy.float64``) in [0, 1].
    """
    raise NotImplementedError("average_precision")
