"""Known-wrong answers to detection/soft_nms; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np


def _mutant(*, resorted=False, mutate=False, sort_once=False, gauss="ok", linear_all=False, ge=False,
            filter_after=True, input_scores=False, float32_iou=False, plus_one=0.0, prefilter=True,
            high_ties=False, drop_equal=False, check_shapes=True, check_args=True, as_list=False):
    def soft_nms(boxes, scores, method="linear", iou_threshold=0.3, sigma=0.5, score_threshold=0.001):
        b = np.asarray(boxes, dtype=np.float64)
        if check_shapes and (b.ndim != 2 or b.shape[1] != 4 or np.shape(scores) != (len(b),)):
            raise ValueError("bad shapes")
        if check_args and (method not in ("linear", "gaussian", "hard") or sigma <= 0 or score_threshold <= 0):
            raise ValueError("bad arguments")
        x1, y1, x2, y2 = b.T[:4]
        areas = (x2 - x1 + plus_one) * (y2 - y1 + plus_one)
        s = scores if mutate else np.array(scores, dtype=np.float64)
        order = np.argsort(-s, kind="stable")
        alive = (s >= score_threshold) if prefilter else np.ones(len(s), bool)
        rest = order[alive[order]] if sort_once else np.flatnonzero(alive)
        keep, kept = [], []
        while rest.size:
            if sort_once:
                pos = 0
            elif high_ties:  # the last maximum: equal scores higher index first
                pos = len(rest) - 1 - np.argmax(s[rest][::-1])
            else:
                pos = np.argmax(s[rest])
            i = rest[pos]
            keep.append(i)
            kept.append(float(scores[i] if input_scores else s[i]))
            rest = np.delete(rest, pos)
            w = np.clip(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]) + plus_one, 0, None)
            h = np.clip(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]) + plus_one, 0, None)
            inter = w * h
            union = areas[i] + areas[rest] - inter
            iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
            if float32_iou:  # the IoU in the boxes' float32, compared with the threshold in float64
                iou = iou.astype(np.asarray(boxes).dtype).astype(np.float64)
            over = iou >= iou_threshold if ge else iou > iou_threshold
            if method == "linear":
                decay = 1.0 - iou if linear_all else np.where(over, 1.0 - iou, 1.0)
            elif method == "gaussian":
                decay = {"ok": np.exp(-(iou**2) / sigma), "times_sigma": np.exp(-(iou**2) * sigma),
                         "not_squared": np.exp(-iou / sigma)}[gauss]
            else:
                decay = np.where(over, 0.0, 1.0)
            s[rest] *= decay
            if filter_after:
                rest = rest[s[rest] > score_threshold] if drop_equal else rest[s[rest] >= score_threshold]
        if resorted:  # positions in the score-sorted array instead of original indices
            keep = [int(np.flatnonzero(order == k)[0]) for k in keep]
        if as_list:
            return [int(k) for k in keep], kept
        return np.array(keep, dtype=np.int64), np.array(kept, dtype=np.float64)

    return soft_nms


def bodla_style(boxes, scores, method="linear", iou_threshold=0.3, sigma=0.5, score_threshold=0.001):
    """Written in the style of the authors' cpu_soft_nms (Bodla et al.): float32 boxes with a 5th score
    column and a 6th column for the original index (as mmcv's port does), swap-the-maximum-forward,
    +1 pixel areas, a box dropped by swapping in the last one, only overlapping boxes checked against the
    threshold, no argument checks. Adapted only in what it returns: (original indices, their scores)."""
    n = len(boxes)
    dets = np.zeros((n, 6), np.float32)
    dets[:, :4], dets[:, 4], dets[:, 5] = boxes, scores, np.arange(n)
    code = {"linear": 1, "gaussian": 2}.get(method, 0)
    i = 0
    while i < n:
        maxpos = i + int(np.argmax(dets[i:n, 4]))  # first maximum in the current (swapped) order
        dets[[i, maxpos]] = dets[[maxpos, i]]
        tx1, ty1, tx2, ty2 = dets[i, :4]
        pos = i + 1
        while pos < n:
            x1, y1, x2, y2 = dets[pos, :4]
            iw = np.float32(min(tx2, x2) - max(tx1, x1) + 1)
            if iw > 0:
                ih = np.float32(min(ty2, y2) - max(ty1, y1) + 1)
                if ih > 0:
                    ua = np.float32((tx2 - tx1 + 1) * (ty2 - ty1 + 1) + (x2 - x1 + 1) * (y2 - y1 + 1) - iw * ih)
                    ov = np.float32(iw * ih / ua)
                    if code == 1:
                        weight = 1 - ov if ov > iou_threshold else 1
                    elif code == 2:
                        weight = np.exp(-(ov * ov) / sigma)
                    else:
                        weight = 0 if ov > iou_threshold else 1
                    dets[pos, 4] = weight * dets[pos, 4]
                    if dets[pos, 4] < score_threshold:
                        dets[pos] = dets[n - 1]
                        n -= 1
                        pos -= 1
            pos += 1
        i += 1
    return dets[:n, 5].astype(np.int64), dets[:n, 4].astype(np.float64)


WRONG = {
    "resorted_indices": {"soft_nms": _mutant(resorted=True)},
    "mutates_scores": {"soft_nms": _mutant(mutate=True)},
    "sorted_once": {"soft_nms": _mutant(sort_once=True)},
    "gaussian_times_sigma": {"soft_nms": _mutant(gauss="times_sigma")},
    "gaussian_iou_not_squared": {"soft_nms": _mutant(gauss="not_squared")},
    "linear_ignores_threshold": {"soft_nms": _mutant(linear_all=True)},
    "ge_threshold": {"soft_nms": _mutant(ge=True)},
    "threshold_before_decay_only": {"soft_nms": _mutant(filter_after=False)},
    "returns_input_scores": {"soft_nms": _mutant(input_scores=True)},
    "float32_iou": {"soft_nms": _mutant(float32_iou=True)},
    "plus_one_pixel": {"soft_nms": _mutant(plus_one=1.0)},
    "no_initial_filter": {"soft_nms": _mutant(prefilter=False)},
    "last_maximum_on_ties": {"soft_nms": _mutant(high_ties=True)},
    "drops_score_equal_to_threshold": {"soft_nms": _mutant(drop_equal=True)},
    "no_argument_check": {"soft_nms": _mutant(check_args=False)},
    "no_shape_check": {"soft_nms": _mutant(check_shapes=False)},
    "returns_list": {"soft_nms": _mutant(as_list=True)},
}
CANONICAL = {"bodla_cpu_soft_nms": {"soft_nms": bodla_style}}
SLOW = {}
