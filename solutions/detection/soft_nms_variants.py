"""Known-wrong answers to detection/soft_nms; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np


def _mutant(*, resorted=False, mutate=False, sort_once=False, gauss="ok", linear_all=False, ge=False,
            filter_after=True, input_scores=False, float32_iou=False):
    def soft_nms(boxes, scores, method="linear", iou_threshold=0.3, sigma=0.5, score_threshold=0.001):
        b = np.asarray(boxes, dtype=np.float64)
        if b.ndim != 2 or b.shape[1] != 4 or np.shape(scores) != (len(b),):
            raise ValueError("bad shapes")
        if method not in ("linear", "gaussian", "hard") or sigma <= 0 or score_threshold <= 0:
            raise ValueError("bad arguments")
        x1, y1, x2, y2 = b.T
        areas = (x2 - x1) * (y2 - y1)
        s = scores if mutate else np.array(scores, dtype=np.float64)
        order = np.argsort(-s, kind="stable")
        rest = order[s[order] >= score_threshold] if sort_once else np.flatnonzero(s >= score_threshold)
        keep, kept = [], []
        while rest.size:
            pos = 0 if sort_once else np.argmax(s[rest])
            i = rest[pos]
            keep.append(i)
            kept.append(float(scores[i] if input_scores else s[i]))
            rest = np.delete(rest, pos)
            w = np.clip(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]), 0, None)
            h = np.clip(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]), 0, None)
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
                rest = rest[s[rest] >= score_threshold]
        if resorted:  # positions in the score-sorted array instead of original indices
            keep = [int(np.flatnonzero(order == k)[0]) for k in keep]
        return np.array(keep, dtype=np.int64), np.array(kept, dtype=np.float64)

    return soft_nms


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
}
SLOW = {}
