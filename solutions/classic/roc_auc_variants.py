"""Known-wrong, canonical-style and slow-but-correct answers to classic/roc_auc; `nox -s verify`
proves the tests catch every one. Never shown to learners."""

import numpy as np

from solutions.classic import roc_auc as ref


def _auc(*, tie_weight=0.5, flip=False, check=True, labels_check=True, one_class=True, as_array=False,
         sort_in_place=False):
    """Per positive: negatives strictly below plus `tie_weight` times negatives tied with it."""
    def roc_auc(labels, scores):
        labels, scores = np.asarray(labels), np.asarray(scores)
        if check and (labels.ndim != 1 or labels.shape != scores.shape):
            raise ValueError("bad shapes")
        if labels_check and not np.isin(labels, (0, 1)).all():
            raise ValueError("labels must be 0/1")
        y = labels.astype(bool).ravel()
        if sort_in_place:  # sorts the caller's scores (and loses the pairing with the labels)
            scores.sort()
        s = scores.ravel()[: len(y)]
        y = y[: len(s)]
        n_pos, n_neg = int(y.sum()), int((~y).sum())
        if one_class and (n_pos == 0 or n_neg == 0):
            raise ValueError("one class only")
        neg = np.sort(s[~y])
        lo = np.searchsorted(neg, s[y], "left")
        hi = np.searchsorted(neg, s[y], "right")
        with np.errstate(invalid="ignore", divide="ignore"):
            auc = np.float64(lo.sum() + tie_weight * (hi - lo).sum()) / np.float64(n_pos * n_neg)
        auc = 1.0 - auc if flip else auc
        return np.array(auc) if as_array else float(auc)

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


def _curve(*, per_sample=False, origin=True, strict=False, drop=False, first=None, keep_dtype=False):
    def roc_curve(labels, scores):
        y, scores, n_pos, n_neg = ref._check(labels, scores)
        order = np.argsort(-scores, kind="stable")
        s, t = scores[order], y[order]
        last = np.ones(len(s), bool) if per_sample else np.r_[s[1:] != s[:-1], True]
        tps = np.cumsum(t)[last].astype(np.float64)
        fps = np.cumsum(~t)[last].astype(np.float64)
        thr = s[last]
        if strict:  # rule score > t: each point leaves out its own group
            tps, fps = np.r_[0.0, tps[:-1]], np.r_[0.0, fps[:-1]]
        if drop and len(thr) > 2:
            keep = np.r_[True, (np.diff(fps, 2) != 0) | (np.diff(tps, 2) != 0), True]
            tps, fps, thr = tps[keep], fps[keep], thr[keep]
        top = np.inf if first is None else float(s[0]) + first
        thr = np.r_[top, thr.astype(np.float64)]
        if keep_dtype and scores.dtype.kind == "f":  # float32 scores give float32 thresholds
            thr = thr.astype(scores.dtype)
        fpr, tpr = np.r_[0.0, fps / n_neg], np.r_[0.0, tps / n_pos]
        if not origin:
            return fpr[1:], tpr[1:], thr[1:]
        return fpr, tpr, thr

    return roc_curve


def _sk_check(labels, scores):
    labels, scores = np.asarray(labels), np.asarray(scores)
    if labels.ndim != 1 or labels.shape != scores.shape:
        raise ValueError("y_true and y_score must be 1-D of one length")
    classes = np.unique(labels)
    if len(classes) > 2 or not np.isin(classes, (0, 1)).all():
        raise ValueError(f"y_true takes value in {set(classes.tolist())} and pos_label is not specified")
    return labels, scores.astype(np.float64)


def _binary_clf_curve(y_true, y_score):
    """scikit-learn's _binary_clf_curve, in its style: sort descending, keep the last index of each
    distinct score, cumulative true positives there, false positives = 1 + index - tps."""
    desc = np.argsort(y_score, kind="mergesort")[::-1]
    y_score, y_true = y_score[desc], y_true[desc]
    distinct_value_indices = np.where(np.diff(y_score))[0]
    threshold_idxs = np.r_[distinct_value_indices, y_true.size - 1]
    tps = np.cumsum(y_true, dtype=np.float64)[threshold_idxs]
    fps = 1 + threshold_idxs - tps
    return fps, tps, y_score[threshold_idxs]


def sk_roc_curve(labels, scores):
    """sklearn.metrics.roc_curve with its defaults: drop_intermediate=True, NaN rates for one class."""
    y_true, y_score = _sk_check(labels, scores)
    fps, tps, thresholds = _binary_clf_curve(y_true, y_score)
    if fps.shape[0] > 2:
        optimal_idxs = np.where(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])[0]
        fps, tps, thresholds = fps[optimal_idxs], tps[optimal_idxs], thresholds[optimal_idxs]
    tps, fps = np.r_[0, tps], np.r_[0, fps]
    thresholds = np.r_[np.inf, thresholds]
    fpr = fps / fps[-1] if fps[-1] > 0 else np.full(fps.shape, np.nan)
    tpr = tps / tps[-1] if tps[-1] > 0 else np.full(tps.shape, np.nan)
    return fpr, tpr, thresholds


def sk_roc_auc_score(labels, scores):
    """sklearn.metrics.roc_auc_score for binary y_true: the trapezoid under roc_curve; NaN (with a
    warning in sklearn) when one class only."""
    y_true, _ = _sk_check(labels, scores)
    if len(np.unique(y_true)) != 2:
        return float("nan")
    fpr, tpr, _ = sk_roc_curve(labels, scores)
    return float(np.trapezoid(tpr, fpr))


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
    "ties_count_zero": {"roc_auc": _auc(tie_weight=0.0)},
    "ties_count_one": {"roc_auc": _auc(tie_weight=1.0)},
    "ranks_without_tie_average": {"roc_auc": auc_ordinal_ranks},
    "flipped": {"roc_auc": _auc(flip=True)},
    "unsorted_trapezoid": {"roc_auc": auc_unsorted_trapezoid},
    "sorts_scores_in_place": {"roc_auc": _auc(sort_in_place=True)},
    "auc_as_0d_array": {"roc_auc": _auc(as_array=True)},
    "no_shape_check": {"roc_auc": _auc(check=False)},
    "no_label_check": {"roc_auc": _auc(labels_check=False)},
    "one_class_gives_nan": {"roc_auc": _auc(one_class=False)},
    "curve_point_per_sample": {"roc_curve": _curve(per_sample=True)},
    "curve_without_origin": {"roc_curve": _curve(origin=False)},
    "curve_strictly_above": {"roc_curve": _curve(strict=True)},
    "curve_drops_collinear_points": {"roc_curve": _curve(drop=True)},
    "first_threshold_max_plus_one": {"roc_curve": _curve(first=1.0)},
    "thresholds_in_score_dtype": {"roc_curve": _curve(keep_dtype=True)},
}
CANONICAL = {"sklearn": {"roc_auc": sk_roc_auc_score, "roc_curve": sk_roc_curve}}
SLOW = {"pair_loop": {"roc_auc": auc_pair_loop, "roc_curve": curve_threshold_loop}}
