"""DETR's matching cost (class probability + L1 + GIoU) and the Hungarian assignment for one image."""

import numpy as np
from scipy.optimize import linear_sum_assignment


def _check(pred_logits, pred_boxes, tgt_labels, tgt_boxes):
    logits = np.asarray(pred_logits, np.float64)
    pb, tb = np.asarray(pred_boxes, np.float64), np.asarray(tgt_boxes, np.float64)
    labels = np.asarray(tgt_labels)
    q, t = len(logits), len(labels)
    if logits.ndim != 2 or logits.shape[1] < 2 or pb.shape != (q, 4) or tb.shape != (t, 4):
        raise ValueError(f"need logits (Q, K >= 2), boxes (Q, 4), (T, 4); got {logits.shape}, {pb.shape}, {tb.shape}")
    if labels.ndim != 1 or (t and labels.dtype.kind not in "iu"):
        raise ValueError(f"tgt_labels must be a 1-D integer array, got {labels.dtype} {labels.shape}")
    if t and (labels.min() < 0 or labels.max() > logits.shape[1] - 2):
        raise ValueError(f"labels must be real classes in [0, {logits.shape[1] - 2}] (the last column is no-object)")
    if (pb[:, 2:] <= 0).any() or (tb[:, 2:] <= 0).any():
        raise ValueError("every box needs w > 0 and h > 0")
    return logits, pb, labels.astype(np.int64), tb


def _xyxy(b):
    return np.concatenate([b[:, :2] - b[:, 2:] / 2, b[:, :2] + b[:, 2:] / 2], axis=1)


def _pairwise_giou(a, b):
    """(Q, T) GIoU of x1y1x2y2 boxes a (Q, 4) and b (T, 4)."""
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=1)
    wh = np.clip(np.minimum(a[:, None, 2:], b[None, :, 2:]) - np.maximum(a[:, None, :2], b[None, :, :2]), 0, None)
    inter = wh[..., 0] * wh[..., 1]
    union = area_a[:, None] + area_b[None, :] - inter
    enclose = np.prod(np.maximum(a[:, None, 2:], b[None, :, 2:]) - np.minimum(a[:, None, :2], b[None, :, :2]), -1)
    return inter / union - (enclose - union) / enclose


def detr_cost_matrix(pred_logits: np.ndarray, pred_boxes: np.ndarray, tgt_labels: np.ndarray,
                     tgt_boxes: np.ndarray, cost_class: float = 1.0, cost_bbox: float = 5.0,
                     cost_giou: float = 2.0) -> np.ndarray:
    logits, pb, labels, tb = _check(pred_logits, pred_boxes, tgt_labels, tgt_boxes)
    z = np.exp(logits - logits.max(axis=1, keepdims=True))  # stable softmax over the K classes
    prob = (z / z.sum(axis=1, keepdims=True))[:, labels]    # (Q, T)
    l1 = np.abs(pb[:, None, :] - tb[None, :, :]).sum(-1)    # on cx, cy, w, h
    giou = _pairwise_giou(_xyxy(pb), _xyxy(tb))
    return cost_bbox * l1 - cost_class * prob - cost_giou * giou


def detr_match(pred_logits: np.ndarray, pred_boxes: np.ndarray, tgt_labels: np.ndarray,
               tgt_boxes: np.ndarray, cost_class: float = 1.0, cost_bbox: float = 5.0,
               cost_giou: float = 2.0):
    cost = detr_cost_matrix(pred_logits, pred_boxes, tgt_labels, tgt_boxes, cost_class, cost_bbox, cost_giou)
    rows, cols = linear_sum_assignment(cost)
    order = np.argsort(rows)
    return rows[order].astype(np.int64), cols[order].astype(np.int64)
