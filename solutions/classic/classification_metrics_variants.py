"""Known-wrong and canonical-style answers to classic/classification_metrics; `nox -s verify` proves
the tests catch every one. Never shown to learners."""

import warnings

import numpy as np

from solutions.classic import classification_metrics as ref


def confusion_transposed(y_true, y_pred, num_classes):
    return ref.confusion_matrix(y_true, y_pred, num_classes).T


def _confusion(*, check_range=True, check_shape=True, as_float=False):
    def confusion_matrix(y_true, y_pred, num_classes):
        t, p = np.asarray(y_true), np.asarray(y_pred)
        if check_shape and (t.ndim != 1 or t.shape != p.shape):
            raise ValueError("bad shapes")
        if check_range and t.size and (min(t.min(), p.min()) < 0 or max(t.max(), p.max()) >= num_classes):
            raise ValueError("class id out of range")
        c = np.zeros((num_classes, num_classes), np.float64 if as_float else np.int64)
        np.add.at(c, (t.astype(np.int64), p.astype(np.int64)), 1)  # no shape check: 2-D input passes
        return c

    return confusion_matrix


def _prf(*, macro_present_only=False, f1_of_means=False, micro_weighted=False, nan_zero_division=False,
         harmonic_f1=False, check_average=True, default=None, confusion=ref.confusion_matrix):
    def precision_recall_f1(y_true, y_pred, num_classes, average=default):
        if check_average and average not in (None, "macro", "micro"):
            raise ValueError("bad average")
        cm = confusion(y_true, y_pred, num_classes)
        tp = np.diag(cm).astype(np.float64)
        fp, fn = cm.sum(0) - tp, cm.sum(1) - tp
        with np.errstate(invalid="ignore", divide="ignore"):
            if nan_zero_division:
                p, r, f = tp / (tp + fp), tp / (tp + fn), 2 * tp / (2 * tp + fp + fn)
            else:
                p, r, f = ref._divide(tp, tp + fp), ref._divide(tp, tp + fn), ref._divide(2 * tp, 2 * tp + fp + fn)
            if harmonic_f1:  # 2 P R / (P + R), unguarded: 0 / 0 when TP = 0
                f = 2 * p * r / (p + r)
        if average is None:
            return p, r, f
        if average == "micro":
            if micro_weighted:  # support-weighted mean of the per-class values
                w = cm.sum(1) / max(cm.sum(), 1)
                return float(p @ w), float(r @ w), float(f @ w)
            t, fp_, fn_ = tp.sum(), fp.sum(), fn.sum()
            pooled = ref._divide(np.array([t, t, 2 * t]), np.array([t + fp_, t + fn_, 2 * t + fp_ + fn_]))
            return tuple(float(v) for v in pooled)
        keep = (cm.sum(0) + cm.sum(1)) > 0 if macro_present_only else np.ones(num_classes, bool)
        mp, mr, mf = p[keep].mean(), r[keep].mean(), f[keep].mean()
        if f1_of_means:
            mf = 2 * mp * mr / (mp + mr) if mp + mr > 0 else 0.0
        return float(mp), float(mr), float(mf)

    return precision_recall_f1


def _curve(*, per_sample=False, strict=False, final=True, keep_dtype=False, check_shape=True, check_labels=True,
           check_positive=True):
    def precision_recall_curve(labels, scores):
        labels, scores = np.asarray(labels), np.asarray(scores)
        if check_shape and (labels.ndim != 1 or labels.shape != scores.shape):
            raise ValueError("bad shapes")
        if check_labels and not np.isin(labels, (0, 1)).all():
            raise ValueError("labels must be 0/1")
        y = labels.astype(bool).ravel()
        if check_positive and not y.any():
            raise ValueError("no positive label")
        order = np.argsort(scores.ravel(), kind="stable")  # ascending
        s, t = scores.ravel()[order], y[order]
        first = np.ones(len(s), bool) if per_sample else np.r_[True, s[1:] != s[:-1]]
        tp = np.cumsum(t[::-1])[::-1].astype(np.float64)  # score >= s[i]
        predicted = np.arange(len(s), 0, -1, dtype=np.float64)
        tp, predicted, thr = tp[first], predicted[first], s[first]
        if strict:  # rule score > t: each point leaves out its own group
            tp, predicted = np.r_[tp[1:], 0.0], np.r_[predicted[1:], 0.0]
        with np.errstate(invalid="ignore", divide="ignore"):
            precision = np.divide(tp, predicted, out=np.ones_like(tp), where=predicted > 0)
            recall = tp / y.sum()
        if final:
            precision, recall = np.r_[precision, 1.0], np.r_[recall, 0.0]
        return precision, recall, thr if keep_dtype else thr.astype(np.float64)

    return precision_recall_curve


def _ap(*, interpolate=False, trapezoid=False, off_by_one=False, curve=ref.precision_recall_curve, as_array=False):
    def average_precision(labels, scores):
        precision, recall, _ = curve(labels, scores)
        if interpolate:  # PASCAL VOC: precision made monotone from the right
            precision = np.maximum.accumulate(precision)
        if trapezoid:
            ap = -np.sum(np.diff(recall) * (precision[1:] + precision[:-1]) / 2)
        elif off_by_one:  # the precision after the step instead of at it
            ap = -np.sum(np.diff(recall) * precision[1:])
        else:
            ap = -np.sum(np.diff(recall) * precision[:-1])
        return np.array(ap) if as_array else float(ap)

    return average_precision


# Canonical: written anew in the style of sklearn.metrics (1.9).

def _column_or_1d(y):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        warnings.warn("A column-vector y was passed when a 1d array was expected.", stacklevel=2)
        return y.ravel()
    if y.ndim != 1:
        raise ValueError(f"y should be a 1d array, got an array of shape {y.shape} instead.")
    return y


def _check_consistent_length(*arrays):
    lengths = {len(a) for a in arrays}
    if len(lengths) > 1:
        raise ValueError(f"Found input variables with inconsistent numbers of samples: {sorted(lengths)}")


def _check_targets(y_true, y_pred):
    y_true, y_pred = _column_or_1d(y_true), _column_or_1d(y_pred)
    _check_consistent_length(y_true, y_pred)
    if len(y_true) == 0:
        raise ValueError("Found empty input array (e.g., `y_true` or `y_pred`) while a minimum of 1 sample "
                         "is required.")
    return y_true, y_pred


def sk_confusion_matrix(y_true, y_pred, num_classes):
    """confusion_matrix(y_true, y_pred, labels=range(K)): samples whose label is not in `labels`
    are dropped, the rest counted with a sparse coo_matrix (here np.add.at)."""
    y_true, y_pred = _check_targets(y_true, y_pred)
    labels = np.arange(num_classes)
    n_labels = labels.size
    label_to_ind = {y: x for x, y in enumerate(labels)}
    y_pred = np.array([label_to_ind.get(x, n_labels + 1) for x in y_pred.tolist()], dtype=np.int64)
    y_true = np.array([label_to_ind.get(x, n_labels + 1) for x in y_true.tolist()], dtype=np.int64)
    ind = np.logical_and(y_pred < n_labels, y_true < n_labels)
    cm = np.zeros((n_labels, n_labels), dtype=np.int64)
    np.add.at(cm, (y_true[ind], y_pred[ind]), 1)
    return cm


def _prf_divide(numerator, denominator, metric, modifier):
    mask = denominator == 0.0
    denominator = denominator.copy()
    denominator[mask] = 1
    result = numerator / denominator
    if np.any(mask):  # zero_division="warn": set to 0.0 and warn
        warnings.warn(f"{metric.capitalize()} is ill-defined and being set to 0.0 in labels with no {modifier} "
                      "samples. Use `zero_division` parameter to control this behavior.", stacklevel=2)
    return result


def sk_precision_recall_f1(y_true, y_pred, num_classes, average="macro"):
    """precision_recall_fscore_support(labels=range(K), average=..., zero_division='warn'), beta = 1."""
    average_options = (None, "micro", "macro", "weighted")
    if average not in average_options:
        raise ValueError("average has to be one of " + str(average_options))
    y_true, y_pred = _check_targets(y_true, y_pred)
    labels = np.arange(num_classes)
    # multilabel_confusion_matrix for multiclass input: bincounts of TP, predicted and true labels.
    tp = y_true == y_pred
    tp_bins = y_true[tp]
    minlength = max(num_classes, int(max(y_true.max(), y_pred.max())) + 1) if len(y_true) else num_classes
    valid = lambda a: a[(a >= 0)]  # noqa: E731  (negative labels are simply not among `labels`)
    tp_sum = np.bincount(valid(tp_bins), minlength=minlength)[labels]
    pred_sum = np.bincount(valid(y_pred), minlength=minlength)[labels]
    true_sum = np.bincount(valid(y_true), minlength=minlength)[labels]
    if average == "micro":
        tp_sum, pred_sum, true_sum = np.array([tp_sum.sum()]), np.array([pred_sum.sum()]), np.array([true_sum.sum()])
    precision = _prf_divide(tp_sum, pred_sum.astype(np.float64), "precision", "predicted")
    recall = _prf_divide(tp_sum, true_sum.astype(np.float64), "recall", "true")
    denom = (pred_sum + true_sum).astype(np.float64)
    f_score = _prf_divide(2 * tp_sum, denom, "F-score", "true nor predicted")
    if average == "weighted":
        weights = true_sum
        if weights.sum() == 0:
            return 0.0, 0.0, 0.0
    elif average is None:
        return precision, recall, f_score
    else:
        weights = None
    return (float(np.average(precision, weights=weights)), float(np.average(recall, weights=weights)),
            float(np.average(f_score, weights=weights)))


def _binary_clf_curve(y_true, y_score):
    y_true, y_score = _column_or_1d(y_true), _column_or_1d(y_score)
    _check_consistent_length(y_true, y_score)
    classes = np.unique(y_true)
    if len(classes) > 2 or not (np.isin(classes, (0, 1)).all() or np.isin(classes, (-1, 1)).all()):
        raise ValueError(f"y_true takes value in {set(classes.tolist())} and pos_label is not specified")
    y_true = y_true == 1
    desc_score_indices = np.argsort(y_score, kind="mergesort")[::-1]
    y_score, y_true = y_score[desc_score_indices], y_true[desc_score_indices]
    distinct_value_indices = np.where(np.diff(y_score))[0]
    threshold_idxs = np.r_[distinct_value_indices, y_true.size - 1]
    tps = np.cumsum(y_true)[threshold_idxs]
    fps = 1 + threshold_idxs - tps
    return fps, tps, y_score[threshold_idxs]


def sk_precision_recall_curve(labels, scores):
    """precision_recall_curve(drop_intermediate=False): thresholds keep the scores' dtype; with no
    positive label it warns and sets recall to 1."""
    fps, tps, thresholds = _binary_clf_curve(labels, scores)
    ps = tps + fps
    precision = np.zeros_like(tps, dtype=np.float64)
    np.divide(tps, ps, out=precision, where=ps != 0)
    if tps[-1] == 0:
        warnings.warn("No positive class found in y_true, recall is set to one for all thresholds.", stacklevel=2)
        recall = np.ones_like(tps, dtype=np.float64)
    else:
        recall = tps / tps[-1]
    sl = slice(None, None, -1)
    return np.hstack((precision[sl], 1)), np.hstack((recall[sl], 0)), thresholds[sl]


def sk_average_precision(labels, scores):
    precision, recall, _ = sk_precision_recall_curve(labels, scores)
    return float(max(0.0, -np.sum(np.diff(recall) * np.array(precision)[:-1])))


WRONG = {
    "confusion_transposed": {"confusion_matrix": confusion_transposed},
    "macro_over_present_classes": {"precision_recall_f1": _prf(macro_present_only=True, default="macro")},
    "macro_f1_of_mean_precision_recall": {"precision_recall_f1": _prf(f1_of_means=True, default="macro")},
    "micro_as_weighted_mean": {"precision_recall_f1": _prf(micro_weighted=True, default="macro")},
    "f1_harmonic_unguarded": {"precision_recall_f1": _prf(harmonic_f1=True, default="macro")},
    "zero_division_nan": {"precision_recall_f1": _prf(nan_zero_division=True, default="macro")},
    "default_average_none": {"precision_recall_f1": _prf(default=None)},
    "no_average_check": {"precision_recall_f1": _prf(check_average=False, default="macro")},
    "no_class_range_check": {"confusion_matrix": _confusion(check_range=False),
                             "precision_recall_f1": _prf(default="macro", confusion=_confusion(check_range=False))},
    "no_shape_check": {"confusion_matrix": _confusion(check_shape=False),
                       "precision_recall_f1": _prf(default="macro", confusion=_confusion(check_shape=False)),
                       "precision_recall_curve": _curve(check_shape=False),
                       "average_precision": _ap(curve=_curve(check_shape=False))},
    "confusion_in_float": {"confusion_matrix": _confusion(as_float=True)},
    "interpolated_ap": {"average_precision": _ap(interpolate=True)},
    "trapezoid_ap": {"average_precision": _ap(trapezoid=True)},
    "ap_precision_after_the_step": {"average_precision": _ap(off_by_one=True)},
    "pr_curve_point_per_sample": {"precision_recall_curve": _curve(per_sample=True),
                                  "average_precision": _ap(curve=_curve(per_sample=True))},
    "pr_curve_strictly_above": {"precision_recall_curve": _curve(strict=True)},
    "pr_curve_without_final_point": {"precision_recall_curve": _curve(final=False)},
    "thresholds_in_score_dtype": {"precision_recall_curve": _curve(keep_dtype=True)},
    "no_label_check": {"precision_recall_curve": _curve(check_labels=False),
                       "average_precision": _ap(curve=_curve(check_labels=False))},
    "no_positive_check": {"precision_recall_curve": _curve(check_positive=False),
                          "average_precision": _ap(curve=_curve(check_positive=False))},
}
CANONICAL = {"sklearn": {"confusion_matrix": sk_confusion_matrix, "precision_recall_f1": sk_precision_recall_f1,
                         "precision_recall_curve": sk_precision_recall_curve,
                         "average_precision": sk_average_precision}}
SLOW = {}
