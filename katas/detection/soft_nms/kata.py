"""Soft-NMS · 软非极大值抑制 (Soft-NMS)

Greedy NMS throws away every box that overlaps a better one, so in a crowd the second of two
overlapping people disappears. Soft-NMS (Bodla et al., 2017) keeps such boxes but lowers their
scores by how much they overlap the boxes chosen before them. Implement it in numpy.

Run the tests: pytest katas/detection/soft_nms
"""

import numpy as np

__all__ = ["soft_nms"]


def soft_nms(boxes: np.ndarray, scores: np.ndarray, method: str = "linear", iou_threshold: float = 0.3,
             sigma: float = 0.5, score_threshold: float = 0.001):
    """Soft non-maximum suppression: decay the scores of overlapping boxes instead of dropping them.

    Args:
        boxes: float array of shape (N, 4), rows ``x1, y1, x2, y2`` with ``x1 <= x2`` and
            ``y1 <= y2``, in continuous coordinates: a box's area is ``(x2 - x1) * (y2 - y1)``
            (no ``+ 1``). float32 or float64.
        scores: float array of shape (N,), the initial score of each box.
        method: how a remaining box's score ``s`` is decayed by its IoU with the box just selected:
            - ``"linear"``: ``s *= 1 - iou`` only when ``iou > iou_threshold`` (strictly); a box
              whose IoU is at or below the threshold keeps its score.
            - ``"gaussian"``: ``s *= exp(-iou**2 / sigma)`` for every remaining box, whatever
              ``iou_threshold`` (a box that does not overlap is multiplied by 1).
            - ``"hard"``: ``s = 0`` when ``iou > iou_threshold`` (ordinary greedy NMS).
        iou_threshold: used by ``"linear"`` and ``"hard"``, ignored by ``"gaussian"``.
        sigma: the Gaussian's width, > 0; used by ``"gaussian"`` only.
        score_threshold: > 0. A box whose current score is strictly below it is discarded: at the
            start (low initial scores) and after every decay. A score exactly equal to it stays.

    Returns:
        ``(keep, kept_scores)``:
            - ``keep``: int64 array of shape (K,), indices into the **original** ``boxes`` in the
              order the boxes were selected;
            - ``kept_scores``: float64 array of shape (K,), each selected box's score at the moment
              it was selected (its decayed score, not its input score).

    Algorithm:
        Repeat while boxes remain: select the remaining box with the highest **current** score
        (equal scores: the lower original index first), append it and its score to the output,
        remove it, decay the score of every other remaining box by its IoU with the selected box,
        then discard the remaining boxes whose score fell below ``score_threshold``.
        The order can change as scores decay: a box that started second may be selected last.
        Compute the IoUs and the decayed scores in float64, whatever the dtypes of ``boxes`` and
        ``scores`` (a float32 IoU of exactly 0.3 rounds to a value above the threshold 0.3).

    Rules and edge cases:
        - IoU = intersection area / union area; boxes that are apart or only touch have IoU 0, and
          two boxes whose union is 0 (both of zero area) have IoU 0: no NaN, no warning.
        - N = 0 (or every score below ``score_threshold``) gives an empty int64 array and an
          empty float64 array.
        - ``boxes`` and ``scores`` must not be modified.
        - ``ValueError`` for an unknown ``method``, ``sigma <= 0`` with ``"gaussian"``,
          ``score_threshold <= 0``, or bad shapes (boxes not (N, 4), scores not (N,)).

    Canonical code: the authors' ``cpu_soft_nms`` (Bodla et al., github.com/bharatsingh430/soft-nms,
    Cython) is the original. It selects by the same rule and decays the same way (linear only for
    IoU > Nt, Gaussian ``exp(-iou**2 / sigma)``, method 0 = hard NMS), but differs in conventions, each
    decided by one test: ``+ 1`` pixel widths (test_continuous_coordinates_no_plus_one); boxes are
    swapped in place, so equal scores are not taken lower index first
    (test_equal_scores_select_the_lower_index_first); only a box that overlaps the selected one is
    checked against the threshold, so a low initial score is never discarded
    (test_low_initial_scores_are_discarded); it returns positions in the reordered array and
    checks no arguments. It computes in float32 with a float32 threshold too, so an IoU exactly at
    the threshold stays at it; a float32 IoU against a float64 threshold does not
    (test_iou_exactly_at_the_threshold_does_not_decay). mmcv's ``soft_nms`` wraps a port of it.
    """
    raise NotImplementedError("soft_nms")
