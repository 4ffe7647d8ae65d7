"""Known-wrong and slow-but-correct answers to detection/nms; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import numpy as np


def _mutant(*, ge=False, reverse=False, plus_one=0.0, clamp=True, guard=True, sort_out=False, mutate=False,
            check=True, as_list=False):
    def nms(boxes, scores, iou_threshold):
        b = np.asarray(boxes, dtype=np.float64)
        if check and (b.ndim != 2 or b.shape[1] != 4 or np.shape(scores) != (len(b),)):
            raise ValueError("bad shapes")
        x1, y1, x2, y2 = b.T
        areas = (x2 - x1 + plus_one) * (y2 - y1 + plus_one)
        order = scores.argsort()[::-1] if reverse else np.argsort(-scores, kind="stable")
        keep = []
        while order.size:
            i, rest = order[0], order[1:]
            keep.append(i)
            w = np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]) + plus_one
            h = np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]) + plus_one
            if clamp:
                w, h = np.clip(w, 0, None), np.clip(h, 0, None)
            inter = w * h
            union = areas[i] + areas[rest] - inter
            if guard:
                iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
            else:
                iou = inter / union
            drop = iou >= iou_threshold if ge else iou > iou_threshold
            if mutate:
                scores[rest[drop]] = 0
            order = rest[~drop]
        if as_list:
            return [int(i) for i in keep]
        return np.array(sorted(keep) if sort_out else keep, dtype=np.int64)

    return nms


def py_cpu_nms_style(boxes, scores, iou_threshold):
    """Written in the style of py-faster-rcnn's py_cpu_nms (inclusive pixels, reversed argsort)."""
    x1, y1, x2, y2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    areas = (x2 - x1 + 1) * (y2 - y1 + 1)
    order = scores.argsort()[::-1]
    keep = []
    while order.size > 0:
        i = order[0]
        keep.append(i)
        xx1 = np.maximum(x1[i], x1[order[1:]])
        yy1 = np.maximum(y1[i], y1[order[1:]])
        xx2 = np.minimum(x2[i], x2[order[1:]])
        yy2 = np.minimum(y2[i], y2[order[1:]])
        inter = np.maximum(0.0, xx2 - xx1 + 1) * np.maximum(0.0, yy2 - yy1 + 1)
        ovr = inter / (areas[i] + areas[order[1:]] - inter)
        order = order[np.where(ovr <= iou_threshold)[0] + 1]
    return keep


def python_loop(boxes, scores, iou_threshold):
    """Correct, but a pure-Python loop over pairs of boxes."""
    boxes = np.asarray(boxes, dtype=np.float64)
    if boxes.ndim != 2 or boxes.shape[1] != 4 or np.shape(scores) != (len(boxes),):
        raise ValueError("bad shapes")
    b, s = boxes.tolist(), np.asarray(scores).tolist()
    keep = []
    for i in sorted(range(len(b)), key=lambda i: (-s[i], i)):
        x1, y1, x2, y2 = b[i]
        for j in keep:
            u1, v1, u2, v2 = b[j]
            inter = max(0.0, min(x2, u2) - max(x1, u1)) * max(0.0, min(y2, v2) - max(y1, v1))
            union = (x2 - x1) * (y2 - y1) + (u2 - u1) * (v2 - v1) - inter
            if union > 0 and inter / union > iou_threshold:
                break
        else:
            keep.append(i)
    return np.array(keep, dtype=np.int64)


WRONG = {
    "ge_threshold": {"nms": _mutant(ge=True)},
    "reversed_argsort": {"nms": _mutant(reverse=True)},
    "plus_one_pixel": {"nms": _mutant(plus_one=1.0)},
    "unclamped_intersection": {"nms": _mutant(clamp=False)},
    "unguarded_union": {"nms": _mutant(guard=False)},
    "sorted_indices": {"nms": _mutant(sort_out=True)},
    "mutates_scores": {"nms": _mutant(mutate=True)},
    "no_shape_check": {"nms": _mutant(check=False)},
    "returns_list": {"nms": _mutant(as_list=True)},
}
CANONICAL = {"py_cpu_nms": {"nms": py_cpu_nms_style}}
SLOW = {"python_loop": {"nms": python_loop}}
