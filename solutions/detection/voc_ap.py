"""PASCAL VOC average precision (all-point and 11-point) and the devkit's detection matching."""

import numpy as np


def voc_ap(recall: np.ndarray, precision: np.ndarray, use_07_metric: bool = False) -> float:
    r = np.asarray(recall, dtype=np.float64)
    p = np.asarray(precision, dtype=np.float64)
    if r.ndim != 1 or r.shape != p.shape:
        raise ValueError(f"recall and precision must be 1-D of the same length, got {r.shape} and {p.shape}")
    if np.any(np.diff(r) < 0):
        raise ValueError("recall must be non-decreasing")
    if use_07_metric:
        t = np.arange(0.0, 1.1, 0.1)  # the devkit's thresholds: t[3] is 0.30000000000000004
        # Largest precision among the points with recall >= t; 0 where none reaches t.
        best = np.where(r[None, :] >= t[:, None], p[None, :], 0.0).max(axis=1, initial=0.0)
        return float(best.mean())
    mrec = np.concatenate([[0.0], r, [1.0]])
    mpre = np.concatenate([[0.0], p, [0.0]])
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]  # the envelope: max precision to the right
    return float(np.sum(np.diff(mrec) * mpre[1:]))


def _ground_truths(ground_truths):
    out, positives = {}, 0
    for image, g in ground_truths.items():
        boxes = np.asarray(g["boxes"], dtype=np.float64)
        boxes = boxes.reshape(0, 4) if boxes.size == 0 else boxes  # [] for an image without boxes
        difficult = np.asarray(g["difficult"], dtype=bool)
        if boxes.ndim != 2 or boxes.shape[1] != 4 or difficult.shape != (len(boxes),):
            raise ValueError(f"image {image!r}: boxes must be (G, 4) and difficult (G,), "
                             f"got {boxes.shape} and {np.shape(g['difficult'])}")
        out[image] = (boxes, difficult)
        positives += int((~difficult).sum())
    return out, positives


def eval_detections(detections: list, ground_truths: dict, iou_threshold: float = 0.5, use_07_metric: bool = False):
    if not 0 < iou_threshold <= 1:
        raise ValueError(f"iou_threshold must lie in (0, 1], got {iou_threshold}")
    gts, positives = _ground_truths(ground_truths)
    if positives == 0:
        raise ValueError("no non-difficult ground truth: recall is undefined")
    if any(len(d) != 6 for d in detections):
        raise ValueError("every detection must be (image_id, score, x1, y1, x2, y2)")
    scores = np.array([d[1] for d in detections], dtype=np.float64)
    matched = {image: np.zeros(len(b), dtype=bool) for image, (b, _) in gts.items()}
    outcome = []  # +1 TP, 0 FP, ignored detections are skipped
    for i in np.argsort(-scores, kind="stable"):  # descending; equal scores keep input order
        image, _, *box = detections[i]
        boxes, difficult = gts.get(image, (np.zeros((0, 4)), None))
        if len(boxes) == 0:
            outcome.append(0)
            continue
        x1, y1, x2, y2 = (float(v) for v in box)
        w = np.clip(np.minimum(x2, boxes[:, 2]) - np.maximum(x1, boxes[:, 0]), 0, None)
        h = np.clip(np.minimum(y2, boxes[:, 3]) - np.maximum(y1, boxes[:, 1]), 0, None)
        inter = w * h
        union = (x2 - x1) * (y2 - y1) + (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]) - inter
        iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        j = int(np.argmax(iou))  # first box on equal IoUs
        if iou[j] < iou_threshold:
            outcome.append(0)
        elif difficult[j]:
            continue  # neither TP nor FP
        elif matched[image][j]:
            outcome.append(0)  # duplicate detection
        else:
            matched[image][j] = True
            outcome.append(1)
    tp = np.cumsum(np.array(outcome, dtype=np.float64))
    recall = tp / positives
    precision = tp / np.arange(1, len(tp) + 1)
    return recall, precision, voc_ap(recall, precision, use_07_metric)
