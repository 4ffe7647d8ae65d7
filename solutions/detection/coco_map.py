"""COCO box AP@[.5:.95], AP50 and AP75 in numpy, matching pycocotools' COCOeval."""

from collections import defaultdict

import numpy as np

IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)
RECALL_THRESHOLDS = np.linspace(0.0, 1.0, 101)
MAX_DETS = 100


def _group(records, with_score):
    """(category_id, image_id) -> (boxes (n, 4), scores (n,)), records in input order."""
    groups = defaultdict(list)
    for r in records:
        box = np.asarray(r["bbox"], dtype=np.float64)
        if box.shape != (4,) or box[2] < 0 or box[3] < 0:
            raise ValueError(f"bbox must be [x, y, w, h] with w, h >= 0, got {r['bbox']!r}")
        groups[r["category_id"], r["image_id"]].append((box, r["score"] if with_score else 0.0))
    return {key: (np.array([b for b, _ in v]), np.array([s for _, s in v], dtype=np.float64))
            for key, v in groups.items()}


def _iou(d, g):
    """(D, G) IoU of [x, y, w, h] boxes."""
    w = np.minimum(d[:, None, 0] + d[:, None, 2], g[:, 0] + g[:, 2]) - np.maximum(d[:, None, 0], g[:, 0])
    h = np.minimum(d[:, None, 1] + d[:, None, 3], g[:, 1] + g[:, 3]) - np.maximum(d[:, None, 1], g[:, 1])
    inter = np.clip(w, 0, None) * np.clip(h, 0, None)
    union = (d[:, 2] * d[:, 3])[:, None] + g[:, 2] * g[:, 3] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def _match(dets, gts):
    """(T, D) TP flags of score-sorted detections, greedy per threshold, all thresholds at once."""
    T, D, G = len(IOU_THRESHOLDS), len(dets), len(gts)
    tp = np.zeros((T, D), dtype=bool)
    if G == 0:
        return tp
    iou, taken, rows = _iou(dets, gts), np.zeros((T, G), dtype=bool), np.arange(T)
    for i in range(D):
        cand = np.where(taken, -1.0, iou[i])  # (T, G): matched boxes are out of the race
        j = G - 1 - np.argmax(cand[:, ::-1], axis=1)  # the last of the best, as COCOeval
        ok = cand[rows, j] >= IOU_THRESHOLDS
        tp[ok, i] = True
        taken[rows[ok], j[ok]] = True
    return tp


def _average_precision(scores, tp, n_gt):
    """(T,) 101-point AP of one category from its pooled detections."""
    if tp.shape[1] == 0:
        return np.zeros(len(IOU_THRESHOLDS))
    tp = tp[:, np.argsort(-scores, kind="stable")]
    tp_sum = np.cumsum(tp, axis=1)
    recall = tp_sum / n_gt
    precision = tp_sum / np.arange(1, tp.shape[1] + 1)
    precision = np.maximum.accumulate(precision[:, ::-1], axis=1)[:, ::-1]  # the envelope
    ap = np.empty(len(IOU_THRESHOLDS))
    for t in range(len(ap)):
        k = np.searchsorted(recall[t], RECALL_THRESHOLDS, side="left")
        ap[t] = np.where(k < len(scores), precision[t, np.minimum(k, len(scores) - 1)], 0.0).mean()
    return ap


def coco_map(detections: list, ground_truths: list) -> dict:
    gts, dts = _group(ground_truths, False), _group(detections, True)
    categories = sorted({c for c, _ in gts})
    if not categories:
        return {"ap": -1.0, "ap50": -1.0, "ap75": -1.0}
    ap = np.zeros((len(categories), len(IOU_THRESHOLDS)))
    for k, c in enumerate(categories):
        images = sorted({i for cc, i in gts if cc == c} | {i for cc, i in dts if cc == c})
        scores, tps, n_gt = [np.zeros(0)], [np.zeros((len(IOU_THRESHOLDS), 0), bool)], 0
        for image in images:
            g = gts.get((c, image), (np.zeros((0, 4)), None))[0]
            n_gt += len(g)
            if (c, image) in dts:
                boxes, s = dts[c, image]
                keep = np.argsort(-s, kind="stable")[:MAX_DETS]
                tps.append(_match(boxes[keep], g))
                scores.append(s[keep])
        ap[k] = _average_precision(np.concatenate(scores), np.concatenate(tps, axis=1), n_gt)
    return {"ap": float(ap.mean()), "ap50": float(ap[:, 0].mean()), "ap75": float(ap[:, 5].mean())}
