"""Known-wrong and canonical-style answers to detection/coco_map; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import contextlib
import copy
import io

import numpy as np

from solutions.detection import coco_map as ref


def _loose_group(records, with_score):
    """ref._group without the bbox check (a negative width passes; a short bbox fails in numpy)."""
    out = {}
    for r in records:
        out.setdefault((r["category_id"], r["image_id"]), []).append(
            (np.asarray(r["bbox"], np.float64)[:4], r["score"] if with_score else 0.0))
    return {k: (np.array([b for b, _ in v]).reshape(-1, 4), np.array([s for _, s in v], np.float64))
            for k, v in out.items()}


def _mutant(*, interp="101", envelope=True, thresholds=None, ge=True, max_dets=ref.MAX_DETS,
            empty_as_zero=False, matching="coco", tie="last", pool="image_id", side="left", mutate=False,
            in_image="stable", check=True, as_arrays=False):
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
        group = ref._group if check else _loose_group
        gts = group(ground_truths, False)
        dts = group(detections, True)
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
                    if in_image == "stable":
                        keep = np.argsort(-s, kind="stable")[:max_dets]
                    else:  # argsort(s)[::-1]: equal scores in reverse input order
                        keep = np.argsort(s, kind="stable")[::-1][:max_dets]
                    tps.append(match(boxes[keep], g))
                    scores.append(s[keep])
                    pos.append(np.asarray(index[c, image], float)[keep])
            s, p = np.concatenate(scores), np.concatenate(pos)
            tie_key = p if pool == "input" else np.arange(len(s))
            if n_gt:
                ap[k] = average_precision((tie_key, -s), np.concatenate(tps, axis=1), n_gt)
        if as_arrays:
            return {"ap": ap.mean(keepdims=True), "ap50": ap[:, :1].mean(keepdims=True),
                    "ap75": ap[:, 5:6].mean(keepdims=True)}
        return {"ap": float(ap.mean()), "ap50": float(ap[:, 0].mean()), "ap75": float(ap[:, 5].mean())}

    return coco_map


def pycocotools_style(detections, ground_truths):
    """The canonical code itself: COCO + loadRes + COCOeval(iouType="bbox"), on copies of the records
    (COCOeval writes into what it gets), stats[0:3]."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    for r in (*detections, *ground_truths):
        if len(r["bbox"]) != 4 or r["bbox"][2] < 0 or r["bbox"][3] < 0:
            raise ValueError("bbox must be [x, y, w, h] with w, h >= 0")
    if not ground_truths:
        return {"ap": -1.0, "ap50": -1.0, "ap75": -1.0}
    if not detections:  # loadRes cannot load an empty list
        return {"ap": 0.0, "ap50": 0.0, "ap75": 0.0}
    images = sorted({r["image_id"] for r in (*detections, *ground_truths)})
    cats = sorted({r["category_id"] for r in (*detections, *ground_truths)})
    gt = COCO()
    gt.dataset = {"images": [{"id": i} for i in images], "categories": [{"id": c} for c in cats],
                  "annotations": [{**copy.deepcopy(r), "id": n + 1, "area": r["bbox"][2] * r["bbox"][3], "iscrowd": 0}
                                  for n, r in enumerate(ground_truths)]}
    with contextlib.redirect_stdout(io.StringIO()):
        gt.createIndex()
        ev = COCOeval(gt, gt.loadRes(copy.deepcopy(list(detections))), iouType="bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return {"ap": float(ev.stats[0]), "ap50": float(ev.stats[1]), "ap75": float(ev.stats[2])}


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
    "reversed_ties_in_an_image": {"coco_map": _mutant(in_image="reversed")},
    "no_bbox_check": {"coco_map": _mutant(check=False)},
    "returns_arrays": {"coco_map": _mutant(as_arrays=True)},
}
CANONICAL = {"pycocotools": {"coco_map": pycocotools_style}}
SLOW = {}
