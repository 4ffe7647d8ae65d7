"""Mean IoU from one confusion matrix built with bincount."""

import numpy as np


def mean_iou(pred: np.ndarray, target: np.ndarray, num_classes: int, ignore_index: int = 255):
    pred, target = np.asarray(pred), np.asarray(target)
    if pred.shape != target.shape:
        raise ValueError(f"pred and target must have the same shape, got {pred.shape} and {target.shape}")
    keep = target != ignore_index
    p = pred[keep].astype(np.int64)  # int64 before multiplying: uint8 would wrap around
    t = target[keep].astype(np.int64)
    if p.size and (min(p.min(), t.min()) < 0 or max(p.max(), t.max()) >= num_classes):
        raise ValueError(f"class ids at non-ignored pixels must lie in [0, {num_classes})")
    k = num_classes
    confusion = np.bincount(t * k + p, minlength=k * k).reshape(k, k)  # rows: target, columns: pred
    inter = np.diag(confusion).astype(np.float64)
    union = confusion.sum(0) + confusion.sum(1) - inter
    iou = np.full(k, np.nan)
    np.divide(inter, union, out=iou, where=union > 0)
    present = ~np.isnan(iou)
    miou = float(iou[present].mean()) if present.any() else float("nan")
    return miou, iou
