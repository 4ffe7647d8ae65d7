"""PASCAL VOC average precision · VOC 的 AP 计算（11 点与全点插值）

A detector's AP for one class: rank its detections by score, mark each one a true or false
positive by matching it to a ground-truth box, trace the precision-recall curve, and take the
area under its upper envelope. Write the two pieces of the PASCAL VOC devkit: ``voc_ap`` (the
VOC2010+ all-point area and the VOC2007 11-point metric) and ``eval_detections`` (the matching).

Run the tests: pytest katas/detection/voc_ap
"""

import numpy as np

__all__ = ["voc_ap", "eval_detections"]


def voc_ap(recall: np.ndarray, precision: np.ndarray, use_07_metric: bool = False) -> float:
    """Average precision of one precision-recall curve, PASCAL VOC style.

    Args:
        recall: float array-like of shape (n,), n >= 0: the recall after each ranked detection,
            so **non-decreasing**, values in [0, 1].
        precision: float array-like of shape (n,): the precision at the same points, in [0, 1].
            Work in float64 whatever the input dtype.
        use_07_metric: which definition (both interpolate the precision, neither is the plain
            step-wise sum of scikit-learn):

            - ``False`` (VOC2010 and later, all points): append sentinels, recall
              ``[0, *recall, 1]`` and precision ``[0, *precision, 0]``; replace every precision
              by the maximum precision at its position or any later one (the envelope, which never
              increases from left to right); then ``AP = sum_i (r[i+1] - r[i]) * p[i+1]`` over
              the extended arrays (only the places where recall changes contribute).
            - ``True`` (VOC2007, 11 points): ``AP = mean over the 11 thresholds t`` of the
              largest precision among the points with ``recall >= t`` (0 when no point reaches
              t). The thresholds are the devkit's, exactly ``np.arange(0., 1.1, 0.1)`` as
              ``voc_eval.py`` writes it: 0, 0.1, 0.2, **0.30000000000000004**, 0.4, 0.5,
              0.6000000000000001, 0.7000000000000001, 0.8, 0.9, 1.0 (MATLAB's ``0:0.1:1`` in
              ``VOCevaldet.m`` has the same fourth threshold), so a recall of exactly 0.3 does
              not reach t = 0.3; a recall equal to t reaches it.

    Returns:
        A Python float (``float`` or ``numpy.float64``) in [0, 1]. n = 0 gives 0.0.

    Errors (``ValueError``): recall or precision not 1-D, lengths that differ, recall that
    decreases somewhere. Inputs must not be modified.

    Canonical code: ``voc_ap(rec, prec, use_07_metric)`` of py-faster-rcnn's ``voc_eval.py``
    (and ``VOCap`` / the 11-point loop of the VOC devkit) computes exactly this; it checks no input
    (test ``test_ap_bad_input_raises``) and computes in the input's dtype, float32 for float32
    (test ``test_output_types``). Exact tenths (``np.arange(11) / 10``) or ``recall > t`` differ
    from the devkit only at a recall exactly on a threshold
    (test ``test_eleven_point_thresholds_as_the_devkit``).
    """
    raise NotImplementedError("voc_ap")


def eval_detections(detections: list, ground_truths: dict, iou_threshold: float = 0.5, use_07_metric: bool = False):
    """Precision-recall curve and AP of ONE class over a set of images, with PASCAL VOC's rules.

    Args:
        detections: a list (possibly empty) of tuples ``(image_id, score, x1, y1, x2, y2)``:
            ``image_id`` any hashable (str or int) naming the image, ``score`` a float (higher
            means more confident), then the box.
        ground_truths: a dict ``image_id -> {"boxes": (G, 4) float array-like of x1, y1, x2, y2,
            "difficult": (G,) bool array-like}``, G >= 0 (empty lists are fine for G = 0). An
            image missing from the dict has no ground truth of this class.
        iou_threshold: float in (0, 1].
        use_07_metric: passed on to ``voc_ap``.

    Boxes are ``x1, y1, x2, y2`` in **continuous coordinates**: area ``(x2 - x1) * (y2 - y1)``,
    no ``+ 1`` (the official VOC devkit and ``voc_eval.py`` add 1 to widths and heights; this kata
    does not). IoU = intersection / union, 0 when the boxes do not overlap or the union is 0.

    Matching, as the VOC devkit (``VOCevaldet.m``) does it:
        1. Visit the detections from the highest score down; **equal scores keep their order in
           ``detections``** (a stable sort).
        2. For a detection, find the ground-truth box of its image with the largest IoU among
           **all** of that image's boxes (matched or not, difficult or not); on equal IoUs the
           box that comes first. Call it the best box.
        3. If there is no box, or the best IoU is below ``iou_threshold``: a false positive (FP).
           An IoU **equal** to the threshold matches (``>=``, as the devkit; ``voc_eval.py``
           uses ``>``).
        4. Otherwise, if the best box is difficult: the detection is **ignored** (neither TP nor
           FP) and left out of the curve, even when another box also overlaps enough. (The
           devkit keeps it as a point repeating the counts before it, precision 0 / 0 when it
           comes first; that changes no AP, and the correctness tests accept that form too.)
        5. Otherwise, if the best box was matched by an earlier detection: FP (a duplicate; VOC
           does not fall back to the next-best box). Else a true positive (TP), and the box is
           now matched.

    Returns:
        ``(recall, precision, ap)``:
        - ``recall``, ``precision``: float64 arrays of shape (K,), one entry per detection that
          was not ignored, in the visiting order: after the k-th of them,
          ``recall = TP / P`` and ``precision = TP / (TP + FP)``, with TP and FP counted over
          the first k and P the number of **non-difficult** ground-truth boxes in all images.
        - ``ap``: ``voc_ap(recall, precision, use_07_metric)``, a float.
        With no counted detection, K = 0 and ``ap`` = 0.0.

    Errors (``ValueError``): a detection that does not have 6 entries; ``boxes`` not
    of shape (G, 4) or ``difficult`` not of shape (G,); no non-difficult ground truth at all
    (P = 0: recall is undefined); ``iou_threshold`` outside (0, 1].

    Inputs must not be modified (keep your "already matched" flags in your own arrays). A Python
    loop over the detections is fine.

    Canonical code: the VOC devkit's ``VOCevaldet.m`` (stable ``sort(-confidence)``, best box by
    ``ov > ovmax``, ``ovmax >= minoverlap``) and py-faster-rcnn's ``voc_eval.py``
    (``np.argsort(-confidence)``, ``ovmax > ovthresh``, ``R['det']`` flags in its own records).
    Where they differ from this statement, each a test: both use ``+ 1`` pixel widths and areas
    (``test_continuous_coordinates_no_plus_one``); both keep the detections on a difficult box in
    the curve (``test_difficult_matches_leave_the_curve``); ``voc_eval.py`` matches at IoU ``>``
    the threshold (``test_iou_exactly_at_threshold_matches``) and leaves the order of equal
    scores to numpy's unstable quicksort (``test_equal_scores_keep_input_order``). Neither checks
    its input (the ``contract`` tests).
    """
    raise NotImplementedError("eval_detections")
