"""Known-wrong answers to detection/detr_matcher, and one written in the style of DETR's own matcher;
`nox -s verify` proves the tests catch every wrong one. Never shown to learners."""

import numpy as np
from scipy.optimize import linear_sum_assignment

from solutions.detection import detr_matcher as ref


def _no_check(pred_logits, pred_boxes, tgt_labels, tgt_boxes):
    return (np.asarray(pred_logits, np.float64), np.asarray(pred_boxes, np.float64), np.asarray(tgt_labels),
            np.asarray(tgt_boxes, np.float64))


def _check_except(skip):
    """The reference's checks, minus one ("shapes", "labels" or "sizes")."""
    def check(pred_logits, pred_boxes, tgt_labels, tgt_boxes):
        logits, pb, labels, tb = _no_check(pred_logits, pred_boxes, tgt_labels, tgt_boxes)
        q, t = len(logits), len(labels)
        if skip != "shapes" and (logits.ndim != 2 or logits.shape[1] < 2 or pb.shape != (q, 4)
                                 or tb.shape != (t, 4) or labels.ndim != 1):
            raise ValueError("bad shapes")
        if skip != "labels" and t and (labels.dtype.kind not in "iu" or labels.min() < 0
                                       or labels.max() > logits.shape[1] - 2):
            raise ValueError("bad labels")
        if skip != "sizes" and ((pb[:, 2:] <= 0).any() or (tb[:, 2:] <= 0).any()):
            raise ValueError("bad box sizes")
        return logits, pb, labels, tb

    return check


def _coster(*, prob="softmax", prob_sign=-1.0, l1_on_xyxy=False, giou_sign=-1.0, plain_iou=False,
            float32=False, check=ref._check, mutate=False, defaults=(1.0, 5.0, 2.0)):
    def detr_cost_matrix(pred_logits, pred_boxes, tgt_labels, tgt_boxes, cost_class=defaults[0],
                         cost_bbox=defaults[1], cost_giou=defaults[2]):
        logits, pb, labels, tb = check(pred_logits, pred_boxes, tgt_labels, tgt_boxes)
        if float32:  # float32 maths, cast at the end
            logits, pb, tb = logits.astype(np.float32), pb.astype(np.float32), tb.astype(np.float32)
        if mutate:  # "stable" softmax done in place on the caller's array
            logits = np.asarray(pred_logits)
            logits -= logits.max(axis=1, keepdims=True)
        if prob == "logits":  # raw logits, no softmax
            p = logits
        elif prob == "axis0":  # softmax over the queries instead of the classes
            z = np.exp(logits - logits.max(axis=0, keepdims=True))
            p = z / z.sum(axis=0, keepdims=True)
        elif prob == "drop_no_object":  # softmax over the real classes only
            real = logits[:, :-1]
            z = np.exp(real - real.max(axis=1, keepdims=True))
            p = z / z.sum(axis=1, keepdims=True)
        elif prob == "unstable":  # no max subtraction: exp(1e4) overflows
            with np.errstate(over="ignore", invalid="ignore"):
                z = np.exp(logits)
                p = z / z.sum(axis=1, keepdims=True)
        elif prob == "sigmoid":  # Deformable DETR's per-class sigmoid (without its focal cost)
            p = 1 / (1 + np.exp(-logits))
        else:
            z = np.exp(logits - logits.max(axis=1, keepdims=True))
            p = z / z.sum(axis=1, keepdims=True)
        pa, ta = ref._xyxy(pb), ref._xyxy(tb)
        l1 = np.abs((pa if l1_on_xyxy else pb)[:, None, :] - (ta if l1_on_xyxy else tb)[None, :, :]).sum(-1)
        if plain_iou:  # IoU without the enclosing-box term
            wh = np.clip(np.minimum(pa[:, None, 2:], ta[None, :, 2:]) - np.maximum(pa[:, None, :2], ta[None, :, :2]),
                         0, None)
            inter = wh[..., 0] * wh[..., 1]
            union = np.prod(pa[:, 2:] - pa[:, :2], 1)[:, None] + np.prod(ta[:, 2:] - ta[:, :2], 1)[None] - inter
            giou = inter / union
        else:
            giou = ref._pairwise_giou(pa, ta)
        cost = cost_bbox * l1 + prob_sign * cost_class * p[:, labels] + giou_sign * cost_giou * giou
        return cost.astype(np.float64)

    return detr_cost_matrix


def _matcher(coster, *, order="pred", solver="hungarian", as_list=False, defaults=(1.0, 5.0, 2.0)):
    def detr_match(pred_logits, pred_boxes, tgt_labels, tgt_boxes, cost_class=defaults[0], cost_bbox=defaults[1],
                   cost_giou=defaults[2]):
        cost = coster(pred_logits, pred_boxes, tgt_labels, tgt_boxes, cost_class, cost_bbox, cost_giou)
        if solver == "greedy":  # each target in turn takes its cheapest free prediction
            rows, cols, free = [], [], np.ones(cost.shape[0], bool)
            for j in range(min(cost.shape) and cost.shape[1]):
                if not free.any():
                    break
                i = int(np.argmin(np.where(free, cost[:, j], np.inf)))
                free[i] = False
                rows.append(i)
                cols.append(j)
            rows, cols = np.array(rows, np.int64), np.array(cols, np.int64)
            o = np.argsort(rows)
            rows, cols = rows[o], cols[o]
        elif order == "target":  # solved on the transpose: pairs come out in target order
            cols, rows = linear_sum_assignment(cost.T)
        else:
            rows, cols = linear_sum_assignment(cost)
        if as_list:
            return [int(v) for v in rows], [int(v) for v in cols]
        return rows.astype(np.int64), cols.astype(np.int64)

    return detr_match


def _both(**kwargs):
    defaults = kwargs.get("defaults", (1.0, 5.0, 2.0))
    coster = _coster(**kwargs)
    return {"detr_cost_matrix": coster, "detr_match": _matcher(coster, defaults=defaults)}


# --- Written anew in the style of facebookresearch/detr models/matcher.py (HungarianMatcher.forward for
# one image) and util/box_ops.py, with numpy in place of torch. No input checks; the maths stays in the
# input dtype (the model's float32); weights default to DETR's --set_cost_* values.

def box_cxcywh_to_xyxy(x):
    x_c, y_c, w, h = x[..., 0], x[..., 1], x[..., 2], x[..., 3]
    return np.stack([x_c - 0.5 * w, y_c - 0.5 * h, x_c + 0.5 * w, y_c + 0.5 * h], axis=-1)


def box_area(boxes):
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def box_iou(boxes1, boxes2):
    area1, area2 = box_area(boxes1), box_area(boxes2)
    lt = np.maximum(boxes1[:, None, :2], boxes2[:, :2])
    rb = np.minimum(boxes1[:, None, 2:], boxes2[:, 2:])
    wh = np.clip(rb - lt, 0, None)
    inter = wh[:, :, 0] * wh[:, :, 1]
    union = area1[:, None] + area2 - inter
    return inter / union, union


def generalized_box_iou(boxes1, boxes2):
    assert (boxes1[:, 2:] >= boxes1[:, :2]).all()
    assert (boxes2[:, 2:] >= boxes2[:, :2]).all()
    iou, union = box_iou(boxes1, boxes2)
    lt = np.minimum(boxes1[:, None, :2], boxes2[:, :2])
    rb = np.maximum(boxes1[:, None, 2:], boxes2[:, 2:])
    wh = np.clip(rb - lt, 0, None)
    area = wh[:, :, 0] * wh[:, :, 1]
    return iou - (area - union) / area


def detr_style_cost(pred_logits, pred_boxes, tgt_labels, tgt_boxes, cost_class=1.0, cost_bbox=5.0, cost_giou=2.0):
    logits = np.asarray(pred_logits)
    e = np.exp(logits - logits.max(-1, keepdims=True))
    out_prob = e / e.sum(-1, keepdims=True)                       # .softmax(-1)
    out_bbox, tgt_bbox = np.asarray(pred_boxes), np.asarray(tgt_boxes)
    cost_class_m = -out_prob[:, tgt_labels]
    cost_bbox_m = np.abs(out_bbox[:, None, :] - tgt_bbox[None, :, :]).sum(-1)   # torch.cdist(p=1)
    cost_giou_m = -generalized_box_iou(box_cxcywh_to_xyxy(out_bbox), box_cxcywh_to_xyxy(tgt_bbox))
    return cost_bbox * cost_bbox_m + cost_class * cost_class_m + cost_giou * cost_giou_m


def detr_style_match(pred_logits, pred_boxes, tgt_labels, tgt_boxes, cost_class=1.0, cost_bbox=5.0, cost_giou=2.0):
    c = detr_style_cost(pred_logits, pred_boxes, tgt_labels, tgt_boxes, cost_class, cost_bbox, cost_giou)
    i, j = linear_sum_assignment(c)
    return np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)   # torch.as_tensor(..., torch.int64)


WRONG = {
    "raw_logits": _both(prob="logits"),
    "plus_probability": _both(prob_sign=1.0),
    "softmax_over_queries": _both(prob="axis0"),
    "softmax_without_no_object": _both(prob="drop_no_object"),
    "unstable_softmax": _both(prob="unstable"),
    "sigmoid_probability": _both(prob="sigmoid"),
    "l1_on_xyxy": _both(l1_on_xyxy=True),
    "plus_giou": _both(giou_sign=1.0),
    "plain_iou": _both(plain_iou=True),
    "mutates_logits": _both(mutate=True),
    "greedy_matching": {"detr_match": _matcher(ref.detr_cost_matrix, solver="greedy")},
    "sorted_by_target": {"detr_match": _matcher(ref.detr_cost_matrix, order="target")},
    "matcher_class_defaults": _both(defaults=(1.0, 1.0, 1.0)),
    "float32_maths": _both(float32=True),
    "returns_lists": {"detr_match": _matcher(ref.detr_cost_matrix, as_list=True)},
    "no_shape_check": _both(check=_check_except("shapes")),
    "no_label_check": _both(check=_check_except("labels")),
    "no_box_size_check": _both(check=_check_except("sizes")),
}
CANONICAL = {"detr": {"detr_cost_matrix": detr_style_cost, "detr_match": detr_style_match}}
SLOW = {}
