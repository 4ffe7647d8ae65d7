"""Known-wrong answers to detection/detr_matcher; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np
from scipy.optimize import linear_sum_assignment

from solutions.detection import detr_matcher as ref


def _coster(*, prob="softmax", prob_sign=-1.0, l1_on_xyxy=False, giou_sign=-1.0):
    def detr_cost_matrix(pred_logits, pred_boxes, tgt_labels, tgt_boxes, cost_class=1.0, cost_bbox=5.0,
                         cost_giou=2.0):
        logits, pb, labels, tb = ref._check(pred_logits, pred_boxes, tgt_labels, tgt_boxes)
        if prob == "logits":  # raw logits, no softmax
            p = logits
        elif prob == "axis0":  # softmax over the queries instead of the classes
            z = np.exp(logits - logits.max(axis=0, keepdims=True))
            p = z / z.sum(axis=0, keepdims=True)
        elif prob == "drop_no_object":  # softmax over the real classes only
            real = logits[:, :-1]
            z = np.exp(real - real.max(axis=1, keepdims=True))
            p = z / z.sum(axis=1, keepdims=True)
        else:
            z = np.exp(logits - logits.max(axis=1, keepdims=True))
            p = z / z.sum(axis=1, keepdims=True)
        pa, ta = ref._xyxy(pb), ref._xyxy(tb)
        l1 = np.abs((pa if l1_on_xyxy else pb)[:, None, :] - (ta if l1_on_xyxy else tb)[None, :, :]).sum(-1)
        giou = ref._pairwise_giou(pa, ta)
        return cost_bbox * l1 + prob_sign * cost_class * p[:, labels] + giou_sign * cost_giou * giou

    return detr_cost_matrix


def _matcher(coster, *, order="pred"):
    def detr_match(pred_logits, pred_boxes, tgt_labels, tgt_boxes, cost_class=1.0, cost_bbox=5.0, cost_giou=2.0):
        cost = coster(pred_logits, pred_boxes, tgt_labels, tgt_boxes, cost_class, cost_bbox, cost_giou)
        if order == "target":  # solved on the transpose: pairs come out in target order
            cols, rows = linear_sum_assignment(cost.T)
        else:
            rows, cols = linear_sum_assignment(cost)
        return rows.astype(np.int64), cols.astype(np.int64)

    return detr_match


def _both(**kwargs):
    coster = _coster(**kwargs)
    return {"detr_cost_matrix": coster, "detr_match": _matcher(coster)}


WRONG = {
    "raw_logits": _both(prob="logits"),
    "plus_probability": _both(prob_sign=1.0),
    "softmax_over_queries": _both(prob="axis0"),
    "softmax_without_no_object": _both(prob="drop_no_object"),
    "l1_on_xyxy": _both(l1_on_xyxy=True),
    "plus_giou": _both(giou_sign=1.0),
    "sorted_by_target": {"detr_match": _matcher(ref.detr_cost_matrix, order="target")},
}
SLOW = {}
