"""Known-wrong answers to detection/voc_ap; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np

from solutions.detection import voc_ap as ref


def _ap(*, envelope=True, thresholds="exact"):
    def voc_ap(recall, precision, use_07_metric=False):
        r, p = np.asarray(recall, np.float64), np.asarray(precision, np.float64)
        if r.ndim != 1 or r.shape != p.shape or np.any(np.diff(r) < 0):
            raise ValueError("bad recall / precision")
        if use_07_metric:
            t = {"exact": np.arange(11) / 10, "ten": np.arange(0.0, 1.0, 0.1),
                 "arange": np.arange(0.0, 1.1, 0.1)}[thresholds]
            return float(np.mean([p[r >= x].max() if np.any(r >= x) else 0.0 for x in t]))
        mrec = np.concatenate([[0.0], r, [1.0]])
        mpre = np.concatenate([[0.0], p, [0.0]])
        if envelope:
            mpre = np.maximum.accumulate(mpre[::-1])[::-1]
        return float(np.sum(np.diff(mrec) * mpre[1:]))

    return voc_ap


def _eval(*, once=True, difficult=True, pick="best", ge=True, plus_one=0.0, order="stable", mutate=False):
    def eval_detections(detections, ground_truths, iou_threshold=0.5, use_07_metric=False):
        if not 0 < iou_threshold <= 1:
            raise ValueError("bad threshold")
        gts, positives = ref._ground_truths(ground_truths)
        if not difficult:  # difficult boxes become ordinary positives
            gts = {k: (b, np.zeros(len(b), bool)) for k, (b, _) in gts.items()}
            positives = sum(len(b) for b, _ in gts.values())
        if positives == 0:
            raise ValueError("no positives")
        if any(len(d) != 6 for d in detections):
            raise ValueError("bad detection")
        scores = np.array([d[1] for d in detections], dtype=np.float64)
        visit = {"stable": np.argsort(-scores, kind="stable"), "input": np.arange(len(scores)),
                 "reversed": np.argsort(scores, kind="stable")[::-1]}[order]
        matched = {k: np.zeros(len(b), bool) for k, (b, _) in gts.items()}
        if mutate:
            for k in ground_truths:
                ground_truths[k]["det"] = matched.setdefault(k, np.zeros(0, bool))
        outcome = []
        for i in visit:
            image, _, x1, y1, x2, y2 = detections[i]
            boxes, diff = gts.get(image, (np.zeros((0, 4)), None))
            if len(boxes) == 0:
                outcome.append(0)
                continue
            w = np.clip(np.minimum(x2, boxes[:, 2]) - np.maximum(x1, boxes[:, 0]) + plus_one, 0, None)
            h = np.clip(np.minimum(y2, boxes[:, 3]) - np.maximum(y1, boxes[:, 1]) + plus_one, 0, None)
            inter = w * h
            union = ((x2 - x1 + plus_one) * (y2 - y1 + plus_one)
                     + (boxes[:, 2] - boxes[:, 0] + plus_one) * (boxes[:, 3] - boxes[:, 1] + plus_one) - inter)
            iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
            hit = iou >= iou_threshold if ge else iou > iou_threshold
            if pick == "first":
                j = int(np.argmax(hit))
            elif pick == "unmatched":
                j = int(np.argmax(np.where(matched[image], -1.0, iou)))
            else:
                j = int(np.argmax(iou))
            if not hit[j]:
                outcome.append(0)
            elif diff[j]:
                continue
            elif matched[image][j] and once:
                outcome.append(0)
            else:
                matched[image][j] = True
                outcome.append(1)
        tp = np.cumsum(np.array(outcome, dtype=np.float64))
        recall, precision = tp / positives, tp / np.arange(1, len(tp) + 1)
        return recall, precision, ref.voc_ap(recall, precision, use_07_metric)

    return eval_detections


WRONG = {
    "no_envelope": {"voc_ap": _ap(envelope=False)},
    "ten_points": {"voc_ap": _ap(thresholds="ten")},
    "arange_thresholds": {"voc_ap": _ap(thresholds="arange")},
    "gt_matched_twice": {"eval_detections": _eval(once=False)},
    "difficult_as_positive": {"eval_detections": _eval(difficult=False)},
    "first_gt_above_threshold": {"eval_detections": _eval(pick="first")},
    "coco_fallback": {"eval_detections": _eval(pick="unmatched")},
    "strict_threshold": {"eval_detections": _eval(ge=False)},
    "plus_one_pixel": {"eval_detections": _eval(plus_one=1.0)},
    "input_order": {"eval_detections": _eval(order="input")},
    "reversed_ties": {"eval_detections": _eval(order="reversed")},
    "mutates_ground_truths": {"eval_detections": _eval(mutate=True)},
}
SLOW = {}
