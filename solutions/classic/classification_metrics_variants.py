"""Known-wrong answers to classic/classification_metrics; `nox -s verify` proves the tests catch
every one. Never shown to learners."""

import numpy as np

from solutions.classic import classification_metrics as ref


def confusion_transposed(y_true, y_pred, num_classes):
    return ref.confusion_matrix(y_true, y_pred, num_classes).T


def _prf(*, macro_present_only=False, f1_of_means=False, micro_weighted=False, nan_zero_division=False):
    def precision_recall_f1(y_true, y_pred, num_classes, average="macro"):
        if average not in (None, "macro", "micro"):
            raise ValueError("bad average")
        cm = ref.confusion_matrix(y_true, y_pred, num_classes)
        tp = np.diag(cm).astype(np.float64)
        fp, fn = cm.sum(0) - tp, cm.sum(1) - tp
        if nan_zero_division:
            with np.errstate(invalid="ignore", divide="ignore"):
                p, r = tp / (tp + fp), tp / (tp + fn)
                f = 2 * p * r / (p + r)
        else:
            p, r, f = ref._divide(tp, tp + fp), ref._divide(tp, tp + fn), ref._divide(2 * tp, 2 * tp + fp + fn)
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


def _ap(*, interpolate=False, trapezoid=False):
    def average_precision(labels, scores):
        precision, recall, _ = ref.precision_recall_curve(labels, scores)
        if interpolate:  # PASCAL VOC: precision made monotone from the right
            precision = np.maximum.accumulate(precision)
        if trapezoid:
            return float(-np.sum(np.diff(recall) * (precision[1:] + precision[:-1]) / 2))
        return float(-np.sum(np.diff(recall) * precision[:-1]))

    return average_precision


def pr_curve_point_per_sample(labels, scores):
    y = np.asarray(labels).astype(bool)
    ref.precision_recall_curve(labels, scores)  # the same checks
    order = np.argsort(scores, kind="stable")
    tp = np.cumsum(y[order][::-1])[::-1].astype(np.float64)
    predicted = np.arange(len(y), 0, -1)
    return np.append(tp / predicted, 1.0), np.append(tp / y.sum(), 0.0), np.asarray(scores)[order].astype(np.float64)


WRONG = {
    "confusion_transposed": {"confusion_matrix": confusion_transposed},
    "macro_over_present_classes": {"precision_recall_f1": _prf(macro_present_only=True)},
    "macro_f1_of_mean_precision_recall": {"precision_recall_f1": _prf(f1_of_means=True)},
    "micro_as_weighted_mean": {"precision_recall_f1": _prf(micro_weighted=True)},
    "zero_division_nan": {"precision_recall_f1": _prf(nan_zero_division=True)},
    "interpolated_ap": {"average_precision": _ap(interpolate=True)},
    "trapezoid_ap": {"average_precision": _ap(trapezoid=True)},
    "pr_curve_point_per_sample": {"precision_recall_curve": pr_curve_point_per_sample},
}
SLOW = {}
