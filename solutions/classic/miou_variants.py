"""Known-wrong answers to classic/miou; `nox -s verify` proves the tests catch every one."""

import numpy as np

from solutions.classic import miou as ref


def _mutant(*, pred_area_unmasked=False, subtract_inter=True, absent=None, wrap_uint8=False, check_range=True,
            check_shape=True, plain_division=False, float32=False):
    def mean_iou(pred, target, num_classes, ignore_index=255):
        pred, target = np.asarray(pred), np.asarray(target)
        if check_shape and pred.shape != target.shape:
            raise ValueError("shapes differ")
        if not check_shape and pred.size == target.size:
            pred, target = pred.ravel(), target.ravel()
        keep = target != ignore_index
        p, t = pred[keep], target[keep]
        if not wrap_uint8:
            p, t = p.astype(np.int64), t.astype(np.int64)
        if check_range and p.size and (min(p.min(), t.min()) < 0 or max(p.max(), t.max()) >= num_classes):
            raise ValueError("class id out of range")
        k = num_classes
        cm = np.bincount((t * k + p).ravel(), minlength=k * k)[: k * k].reshape(k, k)
        inter = np.diag(cm).astype(np.float64)
        area_pred = cm.sum(0)
        if pred_area_unmasked:  # ignore applied to the target only
            everywhere = pred.ravel()[(pred.ravel() >= 0) & (pred.ravel() < k)].astype(np.int64)
            area_pred = np.bincount(everywhere, minlength=k)
        union = area_pred + cm.sum(1) - (inter if subtract_inter else 0)
        if plain_division:
            iou = inter / union
            return float(np.nanmean(iou)), iou
        iou = np.full(k, np.nan)
        np.divide(inter, union, out=iou, where=union > 0)
        if absent is not None:
            iou = np.where(np.isnan(iou), absent, iou)
        present = ~np.isnan(iou)
        if float32:
            return np.float32(iou[present].mean() if present.any() else np.nan), iou.astype(np.float32)
        return (float(iou[present].mean()) if present.any() else float("nan")), iou

    return mean_iou


def mmseg_style(pred, target, num_classes, ignore_index=255):
    """Written anew in the style of mmsegmentation's intersect_and_union + total_area_to_metrics:
    mask out ignore_index, histograms over [0, K - 1] (out-of-range ids silently fall outside the
    bins), IoU = intersect / union (0 / 0 gives NaN with a warning), mIoU = np.nanmean."""
    pred, target = np.asarray(pred), np.asarray(target)
    mask = target != ignore_index
    pred_label, label = pred[mask].astype(np.int64), target[mask].astype(np.int64)
    intersect = pred_label[pred_label == label]
    bins = dict(bins=num_classes, range=(0, num_classes - 1))
    area_intersect = np.histogram(intersect, **bins)[0]
    area_pred_label = np.histogram(pred_label, **bins)[0]
    area_label = np.histogram(label, **bins)[0]
    area_union = area_pred_label + area_label - area_intersect
    with np.errstate(invalid="warn"):
        iou = area_intersect / area_union
    return float(np.nanmean(iou)), iou


def per_image_average(pred, target, num_classes, ignore_index=255):
    pred, target = np.asarray(pred), np.asarray(target)
    if pred.ndim < 3:
        return ref.mean_iou(pred, target, num_classes, ignore_index)
    results = [ref.mean_iou(p, t, num_classes, ignore_index) for p, t in zip(pred, target)]
    return float(np.nanmean([m for m, _ in results])), np.nanmean([iou for _, iou in results], axis=0)


WRONG = {
    "ignored_pixels_in_pred_area": {"mean_iou": _mutant(pred_area_unmasked=True)},
    "union_without_subtracting_intersection": {"mean_iou": _mutant(subtract_inter=False)},
    "absent_class_as_zero": {"mean_iou": _mutant(absent=0.0)},
    "absent_class_as_one": {"mean_iou": _mutant(absent=1.0)},
    "uint8_overflow": {"mean_iou": _mutant(wrap_uint8=True)},
    "per_image_average": {"mean_iou": per_image_average},
    "no_range_check": {"mean_iou": _mutant(check_range=False)},
    "no_shape_check": {"mean_iou": _mutant(check_shape=False)},
    "divides_zero_by_zero": {"mean_iou": _mutant(plain_division=True)},
    "float32_out": {"mean_iou": _mutant(float32=True)},
}
CANONICAL = {"mmseg": {"mean_iou": mmseg_style}}
SLOW = {}
