"""Known-wrong and slow-but-correct answers to classic/roc_auc; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import numpy as np

from solutions.classic import roc_auc as ref


def _auc_by_search(*, tie_weight=0.5, flip=False):
    """Per positive: negatives strictly below plus `tie_weight` times negatives tied with it."""
    def roc_auc(labels, scores):
        y, scores, n_pos, n_neg = ref._check(labels, scores)
        neg = np.sort(scores[~y])
        lo = np.searchsorted(neg, scores[y], "left")
        hi = np.searchsorted(neg, scores[y], "right")
        auc = float((lo + tie_weight * (hi - lo)).sum() / (n_pos * n_neg))
        return 1.0 - auc if flip else auc

    return roc_auc


def auc_ordinal_ranks(labels, scores):
    y, scores, n_pos, n_neg = ref._check(labels, scores)
    ranks = np.argsort(np.argsort(scores, kind="stable"), kind="stable") + 1.0  # ties not averaged
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def auc_unsorted_trapezoid(labels, scores):
    y, scores, n_pos, n_neg = ref._check(labels, scores)
    # Correct points (one per sample, rule score >= s_i) but integrated in input order.
    above = scores[None, :] >= scores[:, None]
    tpr = np.concatenate([[0.0], (above & y).sum(1) / n_pos, [1.0]])
    fpr = np.concatenate([[0.0], (above & ~y).sum(1) / n_neg, [1.0]])
    return float(np.sum((fpr[1:] - fpr[:-1]) * (tpr[1:] + tpr[:-1]) / 2))


def curve_point_per_sample(labels, scores):
    y, scores, n_pos, n_neg = ref._check(labels, scores)
    order = np.argsort(-scores, kind="stable")
    tps = np.concatenate([[0.0], np.cumsum(y[order])])
    fps = np.arange(len(y) + 1) - tps
    return fps / n_neg, tps / n_pos, np.concatenate([[np.inf], scores[order].astype(np.float64)])


def curve_without_origin(labels, scores):
    fpr, tpr, thr = ref.roc_curve(labels, scores)
    return fpr[1:], tpr[1:], thr[1:]


def auc_pair_loop(labels, scores):
    """Correct, but O(P * N): every positive against every negative."""
    y, scores, n_pos, n_neg = ref._check(labels, scores)
    neg = scores[~y]
    total = 0.0
    for s in scores[y]:
        total += np.count_nonzero(s > neg) + 0.5 * np.count_nonzero(s == neg)
    return total / (n_pos * n_neg)


def curve_threshold_loop(labels, scores):
    """Correct, but O(n * m): counts every threshold's positives from scratch."""
    y, scores, n_pos, n_neg = ref._check(labels, scores)
    thresholds = np.concatenate([[np.inf], np.unique(scores)[::-1].astype(np.float64)])
    tps = np.array([np.count_nonzero(y & (scores >= t)) for t in thresholds], dtype=np.float64)
    fps = np.array([np.count_nonzero(~y & (scores >= t)) for t in thresholds], dtype=np.float64)
    return fps / n_neg, tps / n_pos, thresholds


WRONG = {
    "ties_count_zero": {"roc_auc": _auc_by_search(tie_weight=0.0)},
    "ties_count_one": {"roc_auc": _auc_by_search(tie_weight=1.0)},
    "flipped": {"roc_auc": _auc_by_search(flip=True)},
    "ranks_without_tie_average": {"roc_auc": auc_ordinal_ranks},
    "unsorted_trapezoid": {"roc_auc": auc_unsorted_trapezoid},
    "curve_point_per_sample": {"roc_curve": curve_point_per_sample},
    "curve_without_origin": {"roc_curve": curve_without_origin},
}
SLOW = {"pair_loop": {"roc_auc": auc_pair_loop, "roc_curve": curve_threshold_loop}}
