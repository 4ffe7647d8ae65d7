"""Known-wrong and canonical-style answers to detection/voc_ap; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import numpy as np

from solutions.detection import voc_ap as ref


def _ap(*, envelope=True, thresholds="arange", strict=False, check=True):
    def voc_ap(recall, precision, use_07_metric=False):
        r, p = np.asarray(recall, np.float64), np.asarray(precision, np.float64)
        if check and (r.ndim != 1 or r.shape != p.shape or np.any(np.diff(r) < 0)):
            raise ValueError("bad recall / precision")
        if use_07_metric:
            t = {"exact": np.arange(11) / 10, "ten": np.arange(0.0, 1.0, 0.1),
                 "arange": np.arange(0.0, 1.1, 0.1)}[thresholds]
            reach = (lambda x: r > x) if strict else (lambda x: r >= x)
            return float(np.mean([p[reach(x)].max() if np.any(reach(x)) else 0.0 for x in t]))
        mrec = np.concatenate([[0.0], r, [1.0]])
        mpre = np.concatenate([[0.0], p, [0.0]])
        if envelope:
            mpre = np.maximum.accumulate(mpre[::-1])[::-1]
        return float(np.sum(np.diff(mrec) * mpre[1:]))

    return voc_ap


def _loose_ground_truths(ground_truths):
    out = {k: (np.asarray(g["boxes"], np.float64).reshape(-1, 4)[:, :4] if np.size(g["boxes"]) else np.zeros((0, 4)),
               np.asarray(g["difficult"], bool)) for k, g in ground_truths.items()}
    return out, sum(int((~d).sum()) for _, d in out.values())


def _eval(*, once=True, difficult=True, pick="best", ge=True, plus_one=0.0, order="stable", mutate=False,
          keep_ignored=False, check_records=True, check_positives=True, check_threshold=True, as_lists=False):
    def eval_detections(detections, ground_truths, iou_threshold=0.5, use_07_metric=False):
        if check_threshold and not 0 < iou_threshold <= 1:
            raise ValueError("bad threshold")
        if check_records:
            gts, positives = ref._ground_truths(ground_truths)
        else:
            gts, positives = _loose_ground_truths(ground_truths)
        if not difficult:  # difficult boxes become ordinary positives
            gts = {k: (b, np.zeros(len(b), bool)) for k, (b, _) in gts.items()}
            positives = sum(len(b) for b, _ in gts.values())
        if check_positives and positives == 0:
            raise ValueError("no positives")
        if check_records and any(len(d) != 6 for d in detections):
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
            image, _, x1, y1, x2, y2 = detections[i][:6]
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
                if keep_ignored:
                    outcome.append(-1)
                continue
            elif matched[image][j] and once:
                outcome.append(0)
            else:
                matched[image][j] = True
                outcome.append(1)
        o = np.array(outcome, dtype=np.float64)
        tp, counted = np.cumsum(o == 1), np.cumsum(o >= 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            recall, precision = tp / positives, tp / np.maximum(counted, np.finfo(np.float64).eps)
        ap = ref.voc_ap(recall, precision, use_07_metric)
        if as_lists:
            return recall.tolist(), precision.tolist(), ap
        return recall, precision, ap

    return eval_detections


def voc_eval_py_style_ap(rec, prec, use_07_metric=False):
    """py-faster-rcnn voc_eval.py's voc_ap, written anew: no input checks."""
    if use_07_metric:
        ap = 0.0
        for t in np.arange(0.0, 1.1, 0.1):
            p = 0 if np.sum(rec >= t) == 0 else np.max(prec[rec >= t])
            ap = ap + p / 11.0
        return ap
    mrec = np.concatenate(([0.0], rec, [1.0]))
    mpre = np.concatenate(([0.0], prec, [0.0]))
    for i in range(mpre.size - 1, 0, -1):
        mpre[i - 1] = np.maximum(mpre[i - 1], mpre[i])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1])


def voc_eval_py_style(detections, ground_truths, iou_threshold=0.5, use_07_metric=False):
    """voc_eval.py's matching, written anew for this kata's records: np.argsort(-confidence), +1 pixels,
    ovmax > ovthresh, ignored detections kept in the curve, no checks."""
    class_recs, npos = {}, 0
    for image, g in ground_truths.items():
        bbox = np.asarray(g["boxes"], np.float64).reshape(-1, 4)
        difficult = np.asarray(g["difficult"], bool)
        npos += int(np.sum(~difficult))
        class_recs[image] = {"bbox": bbox, "difficult": difficult, "det": [False] * len(bbox)}
    image_ids = [d[0] for d in detections]
    confidence = np.array([d[1] for d in detections], np.float64)
    bb_all = np.array([d[2:6] for d in detections], np.float64).reshape(-1, 4)
    sorted_ind = np.argsort(-confidence)
    bb_all = bb_all[sorted_ind, :]
    image_ids = [image_ids[x] for x in sorted_ind]
    nd = len(image_ids)
    tp, fp = np.zeros(nd), np.zeros(nd)
    for d in range(nd):
        R = class_recs.get(image_ids[d], {"bbox": np.zeros((0, 4)), "difficult": np.zeros(0, bool), "det": []})
        bb = bb_all[d, :]
        ovmax = -np.inf
        BBGT = R["bbox"]
        if BBGT.size > 0:
            ixmin = np.maximum(BBGT[:, 0], bb[0])
            iymin = np.maximum(BBGT[:, 1], bb[1])
            ixmax = np.minimum(BBGT[:, 2], bb[2])
            iymax = np.minimum(BBGT[:, 3], bb[3])
            iw = np.maximum(ixmax - ixmin + 1.0, 0.0)
            ih = np.maximum(iymax - iymin + 1.0, 0.0)
            inters = iw * ih
            uni = ((bb[2] - bb[0] + 1.0) * (bb[3] - bb[1] + 1.0)
                   + (BBGT[:, 2] - BBGT[:, 0] + 1.0) * (BBGT[:, 3] - BBGT[:, 1] + 1.0) - inters)
            overlaps = inters / uni
            ovmax = np.max(overlaps)
            jmax = np.argmax(overlaps)
        if ovmax > iou_threshold:
            if not R["difficult"][jmax]:
                if not R["det"][jmax]:
                    tp[d] = 1.0
                    R["det"][jmax] = 1
                else:
                    fp[d] = 1.0
        else:
            fp[d] = 1.0
    fp, tp = np.cumsum(fp), np.cumsum(tp)
    rec = tp / float(npos)
    prec = tp / np.maximum(tp + fp, np.finfo(np.float64).eps)
    return rec, prec, voc_eval_py_style_ap(rec, prec, use_07_metric)


def devkit_style_ap(rec, prec, use_07_metric=False):
    """VOCap.m and the devkit's 11-point loop, ported: MATLAB's max ignores NaN (np.fmax here)."""
    rec, prec = np.asarray(rec, np.float64), np.asarray(prec, np.float64)
    if use_07_metric:
        ap = 0.0
        for t in [k * 0.1 for k in range(11)]:  # 0:0.1:1
            sel = prec[rec >= t]
            p = np.fmax.reduce(sel) if sel.size else 0.0
            ap += (0.0 if np.isnan(p) else p) / 11
        return float(ap)
    mrec = np.concatenate([[0.0], rec, [1.0]])
    mpre = np.concatenate([[0.0], prec, [0.0]])
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = np.fmax(mpre[i], mpre[i + 1])
    i = np.flatnonzero(mrec[1:] != mrec[:-1]) + 1
    return float(np.sum((mrec[i] - mrec[i - 1]) * mpre[i]))


def devkit_style(detections, ground_truths, iou_threshold=0.5, use_07_metric=False):
    """VOCevaldet.m, ported: stable sort(-confidence), +1 pixels, ov > ovmax over overlapping boxes,
    ovmax >= minoverlap, difficult detections kept as repeated points (0 / 0 = NaN), no checks."""
    gt = {k: (np.asarray(g["boxes"], np.float64).reshape(-1, 4), np.asarray(g["difficult"], bool))
          for k, g in ground_truths.items()}
    det = {k: np.zeros(len(b), bool) for k, (b, _) in gt.items()}
    npos = sum(int((~d).sum()) for _, d in gt.values())
    conf = np.array([d[1] for d in detections], np.float64)
    si = np.argsort(-conf, kind="stable")  # MATLAB's sort is stable
    tp, fp = np.zeros(len(si)), np.zeros(len(si))
    for d, k in enumerate(si):
        image, bb = detections[k][0], [float(v) for v in detections[k][2:6]]
        boxes, diff = gt.get(image, (np.zeros((0, 4)), np.zeros(0, bool)))
        ovmax, jmax = -np.inf, None
        for j, g in enumerate(boxes):
            iw = min(bb[2], g[2]) - max(bb[0], g[0]) + 1
            ih = min(bb[3], g[3]) - max(bb[1], g[1]) + 1
            if iw > 0 and ih > 0:
                ua = (bb[2] - bb[0] + 1) * (bb[3] - bb[1] + 1) + (g[2] - g[0] + 1) * (g[3] - g[1] + 1) - iw * ih
                ov = iw * ih / ua
                if ov > ovmax:
                    ovmax, jmax = ov, j
        if ovmax >= iou_threshold:
            if not diff[jmax]:
                if not det[image][jmax]:
                    tp[d] = 1
                    det[image][jmax] = True
                else:
                    fp[d] = 1
        else:
            fp[d] = 1
    fp, tp = np.cumsum(fp), np.cumsum(tp)
    with np.errstate(divide="ignore", invalid="ignore"):
        rec, prec = tp / npos, tp / (fp + tp)
    return rec, prec, devkit_style_ap(rec, prec, use_07_metric)


WRONG = {
    "no_envelope": {"voc_ap": _ap(envelope=False)},
    "ten_points": {"voc_ap": _ap(thresholds="ten")},
    "exact_tenths": {"voc_ap": _ap(thresholds="exact")},
    "recall_above_threshold": {"voc_ap": _ap(strict=True)},
    "ap_no_checks": {"voc_ap": _ap(check=False)},
    "gt_matched_twice": {"eval_detections": _eval(once=False)},
    "difficult_as_positive": {"eval_detections": _eval(difficult=False)},
    "first_gt_above_threshold": {"eval_detections": _eval(pick="first")},
    "coco_fallback": {"eval_detections": _eval(pick="unmatched")},
    "strict_threshold": {"eval_detections": _eval(ge=False)},
    "plus_one_pixel": {"eval_detections": _eval(plus_one=1.0)},
    "input_order": {"eval_detections": _eval(order="input")},
    "reversed_ties": {"eval_detections": _eval(order="reversed")},
    "mutates_ground_truths": {"eval_detections": _eval(mutate=True)},
    "ignored_kept_in_curve": {"eval_detections": _eval(keep_ignored=True)},
    "no_record_checks": {"eval_detections": _eval(check_records=False)},
    "no_positive_check": {"eval_detections": _eval(check_positives=False)},
    "no_threshold_check": {"eval_detections": _eval(check_threshold=False)},
    "returns_lists": {"eval_detections": _eval(as_lists=True)},
}
CANONICAL = {
    "voc_eval_py": {"voc_ap": voc_eval_py_style_ap, "eval_detections": voc_eval_py_style},
    "devkit": {"voc_ap": devkit_style_ap, "eval_detections": devkit_style},
}
SLOW = {}
