"""ROC curve and AUC by sorting: O(n log n), tied scores handled exactly."""

import numpy as np


def _check(labels, scores):
    labels, scores = np.asarray(labels), np.asarray(scores)
    if labels.ndim != 1 or labels.shape != scores.shape:
        raise ValueError(f"labels and scores must be 1-D of the same length, got {labels.shape} and {scores.shape}")
    if labels.dtype != bool and not ((labels == 0) | (labels == 1)).all():
        raise ValueError("labels must be 0/1 (or bool)")
    y = labels.astype(bool)
    n_pos = int(np.count_nonzero(y))
    if n_pos == 0 or n_pos == len(y):
        raise ValueError("both classes must be present: the ROC curve is undefined with one class only")
    return y, scores, n_pos, len(y) - n_pos


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    y, scores, n_pos, n_neg = _check(labels, scores)
    # Mann-Whitney U: for each positive, the negatives strictly below it (left) and up to it (right);
    # their mean counts a tied pair one half. Sorted queries keep searchsorted cache-friendly.
    neg = np.sort(scores[~y])
    pos = np.sort(scores[y])
    below = np.searchsorted(neg, pos, "left")
    up_to = np.searchsorted(neg, pos, "right")
    return float((below.sum() + up_to.sum()) / (2.0 * n_pos * n_neg))


def roc_curve(labels: np.ndarray, scores: np.ndarray):
    y, scores, n_pos, n_neg = _check(labels, scores)
    distinct, inverse = np.unique(scores, return_inverse=True)  # ascending
    # Positives and samples per distinct score, from the highest score down.
    pos = np.bincount(inverse, weights=y, minlength=len(distinct))[::-1]
    count = np.bincount(inverse, minlength=len(distinct))[::-1]
    tps = np.concatenate([[0.0], np.cumsum(pos)])
    fps = np.concatenate([[0.0], np.cumsum(count - pos)])
    thresholds = np.concatenate([[np.inf], distinct[::-1].astype(np.float64)])
    return fps / n_neg, tps / n_pos, thresholds
