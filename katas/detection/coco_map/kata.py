"""COCO mAP@[.5:.95], AP50 and AP75 · COCO 的 mAP 计算（101 点插值、10 个 IoU 阈值）

The number on every detection paper: COCO's box AP, averaged over ten IoU thresholds and over
categories, with 101-point interpolated precision. Reproduce what ``pycocotools``' ``COCOeval``
reports as its first three statistics, from plain lists of records, in numpy.

Run the tests: pytest katas/detection/coco_map
"""

import numpy as np

__all__ = ["coco_map"]

IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)  # exactly COCOeval's values
RECALL_THRESHOLDS = np.linspace(0.0, 1.0, 101)  # exactly COCOeval's values
MAX_DETS = 100


def coco_map(detections: list, ground_truths: list) -> dict:
    """COCO box AP (``COCOeval(iouType="bbox")``, area range "all", maxDets 100), AP50 and AP75.

    Args:
        detections: a list (possibly empty) of dicts ``{"image_id": int, "category_id": int,
            "bbox": [x, y, w, h], "score": float}``.
        ground_truths: a list (possibly empty) of dicts ``{"image_id": int, "category_id": int,
            "bbox": [x, y, w, h]}``. Every ground truth is an ordinary object: no crowd regions,
            no ignore flags. Extra keys in either list are ignored.

    Boxes are ``[x, y, w, h]``: top-left corner, width and height, continuous coordinates, with
    ``w, h >= 0``; the box covers ``[x, x + w] x [y, y + h]`` and has area ``w * h``. IoU =
    intersection / union, 0 when they do not overlap (boxes of zero area included). Areas are
    far below 1e10, so COCO's area ranges play no part.

    What to compute, exactly as ``COCOeval`` does (use the module constants above):
        1. **Per image and category.** Sort the detections of the pair by descending score,
           equal scores in input order (a stable sort), and keep the first ``MAX_DETS`` (100):
           the limit applies to each (image, category) pair separately.
        2. **Greedy matching, for each IoU threshold t** in ``IOU_THRESHOLDS``
           (``np.linspace(0.5, 0.95, 10)``: ten values, 0.95 included, 0.9 being
           0.9000000000000001). Visit the kept detections in that order; each one takes, among the
           pair's ground truths **not yet matched at this threshold**, the one of largest IoU,
           provided that IoU is **>= t**: a true positive (TP). Otherwise it is a false
           positive (FP). Equal IoUs go to the ground truth that comes **later** in
           ``ground_truths`` (COCOeval keeps the last of the best).
        3. **Per category, pool the images.** Concatenate the kept detections of the category
           image by image in increasing ``image_id`` and stable-sort them by descending score: so
           equal scores go lower ``image_id`` first, then in the order of step 1. After the k-th
           detection, ``recall = TP / G`` (G = number of ground truths of the category in all
           images) and ``precision = TP / (TP + FP)``, TP and FP counted over the first k.
           Compute recall exactly so, one float64 division (as COCOeval does): recalls such as
           3/5 lie within rounding of a recall threshold, and float32 or ``TP * (1 / G)`` would
           move some of them to the other side and read a different point in step 5.
        4. **Envelope.** Replace each precision by the maximum precision at its position or any
           later one.
        5. **101-point interpolation.** For each r in ``RECALL_THRESHOLDS``
           (``np.linspace(0, 1, 101)``) take the envelope precision at the first point whose
           recall is >= r (``np.searchsorted(recall, r, side="left")``), or 0 when the recall
           never reaches r. The category's AP at threshold t is the mean of these 101 values.
        6. **Averages.** Only categories with at least one ground truth have an AP; a category
           that appears only among the detections is left out of every mean (COCOeval's -1), a
           category with ground truths but no detection has AP 0. ``ap`` is the mean over those
           categories and the ten thresholds, ``ap50`` the mean over the categories at t = 0.5,
           ``ap75`` at t = 0.75. Images without ground truth still count: their detections are FPs.

    Returns:
        ``{"ap": float, "ap50": float, "ap75": float}`` (Python floats or ``numpy.float64``),
        each in [0, 1]; all three are -1.0 when no category has a ground truth (as COCOeval
        reports an empty evaluation).

    Errors (``ValueError``): a ``bbox`` that is not 4 numbers, or has a negative width or height.

    Inputs must not be modified (COCOeval writes "area", "id" and more into the records it gets;
    you must not). Python loops over images, categories and detections are fine.

    Canonical code: pycocotools' ``COCOeval`` (``evaluate``, ``accumulate``, ``summarize``) is the
    oracle of every test, and this statement pins its choices: the stable
    ``np.argsort(-score, kind="mergesort")`` per image and again over the pooled images, ``>= t``
    (it compares ``iou < min(t, 1 - 1e-10)``), the last of equal IoUs, ``searchsorted(...,
    side="left")``. Those tie and threshold choices each have a convention test; the random
    comparisons use distinct scores. Calling COCOeval yourself needs copies of the records
    (``loadRes`` and ``evaluate`` write into them) and a guard for no detection (``loadRes`` of an
    empty list fails).
    """
    raise NotImplementedError("coco_map")
