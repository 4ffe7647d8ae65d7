"""Known-wrong answers to detection/coco_map; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np

from solutions.detection import coco_map as ref


def _mutant(*, interp="101", envelope=True, thresholds=None, ge=True, max_dets=ref.MAX_DETS,
            empty_as_zero=False, matching="coco", tie="last", pool="image_id", side="left", mutate=False):
    thr = ref.IOU_THRESHOLDS if thresholds is None else thresholds
    T = len(thr)

    def match(dets, gts):
        tp = np.zeros((T, len(dets)), bool)
        if len(gts) == 0:
            return tp
        iou, taken = ref._iou(dets, gts), np.zeros((T, len(gts)), bool)
        for i in range(len(dets)):
            for t in range(T):
                cand = iou[i] if matching == "voc" else np.where(taken[t], -1.0, iou[i])
                j = int(np.argmax(cand)) if tie == "first" else len(gts) - 1 - int(np.argmax(cand[::-1]))
                hit = cand[j] >= thr[t] if ge else cand[j] > thr[t]
                if hit and not taken[t, j]:
                    tp[t, i] = taken[t, j] = True
        return tp

    def average_precision(order_keys, tp, n_gt):
        if tp.shape[1] == 0:
            return np.zeros(T)
        tp = tp[:, np.lexsort(order_keys)]
        tp_sum = np.cumsum(tp, axis=1)
        recall, precision = tp_sum / n_gt, tp_sum / np.arange(1, tp.shape[1] + 1)
        if envelope:
            precision = np.maximum.accumulate(precision[:, ::-1], axis=1)[:, ::-1]
        out = np.zeros(T)
        for t in range(T):
            r, p = recall[t], precision[t]
            if interp == "all":
                mrec, mpre = np.concatenate([[0], r, [1]]), np.concatenate([[0], p, [0]])
                mpre = np.maximum.accumulate(mpre[::-1])[::-1]
                out[t] = np.sum(np.diff(mrec) * mpre[1:])
                continue
            points = ref.RECALL_THRESHOLDS if interp == "101" else np.arange(11) / 10
            k = np.searchsorted(r, points, side=side)
            out[t] = np.where(k < len(r), p[np.minimum(k, len(r) - 1)], 0.0).mean()
        return out

    def coco_map(detections, ground_truths):
        gts = ref._group(ground_truths, False)
        dts = ref._group(detections, True)
        index = {}  # input position of each detection, per (category, image)
        for n, d in enumerate(detections):
            index.setdefault((d["category_id"], d["image_id"]), []).append(n)
        if mutate:
            for r in (*detections, *ground_truths):
                r["area"] = r["bbox"][2] * r["bbox"][3]
        cats = {c for c, _ in gts} | ({c for c, _ in dts} if empty_as_zero else set())
        if not cats:
            return {"ap": -1.0, "ap50": -1.0, "ap75": -1.0}
        ap = np.zeros((len(cats), T))
        for k, c in enumerate(sorted(cats)):
            images = sorted({i for cc, i in (*gts, *dts) if cc == c})
            scores, tps, pos, n_gt = [np.zeros(0)], [np.zeros((T, 0), bool)], [np.zeros(0)], 0
            for image in images:
                g = gts.get((c, image), (np.zeros((0, 4)), None))[0]
                n_gt += len(g)
                if (c, image) in dts:
                    boxes, s = dts[c, image]
                    keep = np.argsort(-s, kind="stable")[:max_dets]
                    tps.append(match(boxes[keep], g))
                    scores.append(s[keep])
                    pos.append(np.asarray(index[c, image], float)[keep])
            s, p = np.concatenate(scores), np.concatenate(pos)
            tie_key = p if pool == "input" else np.arange(len(s))
            if n_gt:
                ap[k] = average_precision((tie_key, -s), np.concatenate(tps, axis=1), n_gt)
        return {"ap": float(ap.mean()), "ap50": float(ap[:, 0].mean()), "ap75": float(ap[:, 5].mean())}

    return coco_map


WRONG = {
    "all_point_interpolation": {"coco_map": _mutant(interp="all")},
    "eleven_point_interpolation": {"coco_map": _mutant(interp="11")},
    "no_envelope": {"coco_map": _mutant(envelope=False)},
    "nine_iou_thresholds": {"coco_map": _mutant(thresholds=np.arange(0.5, 0.95, 0.05))},
    "strict_iou": {"coco_map": _mutant(ge=False)},
    "max_dets_ignored": {"coco_map": _mutant(max_dets=None)},
    "empty_categories_as_zero": {"coco_map": _mutant(empty_as_zero=True)},
    "voc_matching": {"coco_map": _mutant(matching="voc")},
    "first_of_equal_ious": {"coco_map": _mutant(tie="first")},
    "ties_in_input_order": {"coco_map": _mutant(pool="input")},
    "searchsorted_right": {"coco_map": _mutant(side="right")},
    "mutates_records": {"coco_map": _mutant(mutate=True)},
}
SLOW = {}
