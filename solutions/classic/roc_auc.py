"""ROC curve and AUC by sorting once: O(n log n), ties handled exactly."""

import numpy as np


def _check(labels, scores):
    labels, scores = np.asarray(labels), np.asarray(scores)
    if labels.ndim != 1 or labels.shape != scores.shape:
        raise ValueError(f"labels and scores must be 1-D of the same length, got {labels.shape} and {scores.shape}")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("labels must be 0/1 (or bool)")
    y = labels.astype(bool)
    n_pos = int(y.sum())
    if n_pos == 0 or n_pos == len(y):
        raise ValueError("both classes must be present: the ROC curve is undefined with one class only")
    return y, scores, n_pos, len(y) - n_pos


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    y, scores, n_pos, n_neg = _check(labels, scores)
    # Mann-Whitney U: 1-based ranks of all scores, tied scores sharing their average rank.
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    avg_rank = np.cumsum(counts) - (counts - 1) / 2.0
    rank_sum = avg_rank[inverse][y].sum()
    return float((rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


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
