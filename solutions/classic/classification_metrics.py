"""Confusion matrix, precision / recall / F1 and the PR curve with scikit-learn's conventions."""

import numpy as np


def _check_classes(y_true, y_pred, num_classes):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim != 1 or y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must be 1-D of the same length, got {y_true.shape}, {y_pred.shape}")
    for y in (y_true, y_pred):
        if y.size and (y.min() < 0 or y.max() >= num_classes):
            raise ValueError(f"class ids must lie in [0, {num_classes})")
    return y_true.astype(np.int64), y_pred.astype(np.int64)


def _divide(a, b):
    """a / b with 0 where b == 0 (scikit-learn's zero_division=0)."""
    return np.divide(a, b, out=np.zeros(np.shape(a)), where=b > 0)


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    t, p = _check_classes(y_true, y_pred, num_classes)
    k = num_classes
    return np.bincount(t * k + p, minlength=k * k).reshape(k, k)


def precision_recall_f1(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int, average="macro"):
    if average not in (None, "macro", "micro"):
        raise ValueError(f"average must be None, 'macro' or 'micro', got {average!r}")
    cm = confusion_matrix(y_true, y_pred, num_classes)
    tp = np.diag(cm).astype(np.float64)
    fp, fn = cm.sum(0) - tp, cm.sum(1) - tp
    if average == "micro":
        tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)
    scores = (_divide(tp, tp + fp), _divide(tp, tp + fn), _divide(2 * tp, 2 * tp + fp + fn))
    if average is None:
        return scores
    return tuple(float(s.mean()) for s in scores)  # macro: over all K classes; micro: one value


def precision_recall_curve(labels: np.ndarray, scores: np.ndarray):
    labels, scores = np.asarray(labels), np.asarray(scores)
    if labels.ndim != 1 or labels.shape != scores.shape:
        raise ValueError(f"labels and scores must be 1-D of the same length, got {labels.shape}, {scores.shape}")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("labels must be 0/1 (or bool)")
    y = labels.astype(bool)
    if not y.any():
        raise ValueError("no positive label: recall is undefined")
    thresholds, inverse = np.unique(scores, return_inverse=True)  # ascending
    pos = np.bincount(inverse, weights=y, minlength=len(thresholds))
    count = np.bincount(inverse, minlength=len(thresholds))
    # "score >= thresholds[i]" selects distinct score i and every higher one: suffix sums.
    tp = np.cumsum(pos[::-1])[::-1]
    predicted = np.cumsum(count[::-1])[::-1]
    precision = np.append(tp / predicted, 1.0)
    recall = np.append(tp / y.sum(), 0.0)
    return precision, recall, thresholds.astype(np.float64)


def average_precision(labels: np.ndarray, scores: np.ndarray) -> float:
    precision, recall, _ = precision_recall_curve(labels, scores)
    return float(-np.sum(np.diff(recall) * precision[:-1]))  # recall decreases along the arrays
