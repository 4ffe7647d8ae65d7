"""DETR Hungarian matching: the matching cost and the assignment · DETR 匈牙利匹配 (代价矩阵与二分图匹配)

DETR predicts a fixed set of Q boxes and trains them against T ground-truth objects through a
one-to-one matching: every object is paired with the prediction that is cheapest to turn into it,
where the cost mixes how likely the prediction is to be the object's class, how far its box is (L1)
and how badly it overlaps (GIoU). Build the cost matrix for one image and solve the assignment.

Canonical code: DETR's ``HungarianMatcher`` (facebookresearch/detr, models/matcher.py) for one
image: ``-cost_class * softmax(-1)[:, labels] + cost_bbox * cdist(p=1) - cost_giou * GIoU`` on
``cx, cy, w, h`` boxes (GIoU after ``box_cxcywh_to_xyxy``), then ``linear_sum_assignment``, whose
row indices come back sorted, as int64. This kata follows it, except:
  - weights default to DETR's training values 1, 5, 2 (``--set_cost_*``), not ``HungarianMatcher``'s
    constructor defaults 1, 1, 1 (test_default_weights_are_detrs);
  - the cost is float64 computed in float64 whatever the input dtype; DETR computes in the model's
    float32 (test_cost_is_float64_computed_in_float64);
  - bad input raises ValueError; DETR checks nothing but ``x2 >= x1`` (an AssertionError in
    ``generalized_box_iou``) (the three input-check tests).
Deformable DETR (models/matcher.py) replaces the softmax term by a sigmoid focal cost over classes
with no no-object column; boxes given as ``x1, y1, x2, y2`` instead of ``cx, cy, w, h`` change the
L1 term: both are other costs, not this one, so the correctness tests reject them. Pairs in target
order (solving the transpose) fail only test_pairs_sorted_by_prediction.

Run the tests: pytest katas/detection/detr_matcher
"""

import numpy as np

__all__ = ["detr_cost_matrix", "detr_match"]


def detr_cost_matrix(pred_logits: np.ndarray, pred_boxes: np.ndarray, tgt_labels: np.ndarray,
                     tgt_boxes: np.ndarray, cost_class: float = 1.0, cost_bbox: float = 5.0,
                     cost_giou: float = 2.0) -> np.ndarray:
    """The (Q, T) matching cost between Q predictions and T targets of one image, as in DETR.

    Args:
        pred_logits: float array (Q, K): raw class scores of each prediction over K = C + 1
            classes; the **last** column (index C) is "no object". float32 or float64.
        pred_boxes: float array (Q, 4), rows ``cx, cy, w, h`` (centre and size, normalised to
            [0, 1] by the image size, as DETR predicts them), with w > 0 and h > 0.
        tgt_labels: integer array (T,), each a real class in [0, C - 1] (never "no object").
        tgt_boxes: float array (T, 4), ``cx, cy, w, h`` like the predictions, w > 0 and h > 0.
        cost_class, cost_bbox, cost_giou: the weights of the three terms (DETR's defaults).

    Returns:
        float64 array (Q, T), computed in float64 whatever the input dtype::

            C[i, j] = - cost_class * p[i, tgt_labels[j]]
                      + cost_bbox  * sum_k |pred_boxes[i, k] - tgt_boxes[j, k]|      (L1 on cx, cy, w, h)
                      - cost_giou  * GIoU(xyxy(pred_boxes[i]), xyxy(tgt_boxes[j]))

        - ``p = softmax(pred_logits)`` over each prediction's K classes (the row, **including**
          the no-object column), computed stably: logits of 1e4 must give finite costs.
        - The L1 term compares the boxes in ``cx, cy, w, h`` as given; GIoU converts both to
          ``x1, y1, x2, y2 = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2`` first.
        - ``GIoU = IoU - (area(E) - union) / area(E)`` with E the smallest box enclosing both
          (continuous coordinates, no +1). It is in (-1, 1]; the cost uses its negative, so a
          better overlap is cheaper, as a higher class probability is.
        - Q = 0 or T = 0 give an empty (Q, T) array.

    Inputs are not modified. Bad shapes (logits not (Q, K) with K >= 2, boxes not (Q, 4) / (T, 4),
    labels not (T,) integers), a label outside [0, K - 2], or a box with w <= 0 or h <= 0 raise
    ``ValueError``.
    """
    raise NotImplementedError("detr_cost_matrix")


def detr_match(pred_logits: np.ndarray, pred_boxes: np.ndarray, tgt_labels: np.ndarray,
               tgt_boxes: np.ndarray, cost_class: float = 1.0, cost_bbox: float = 5.0,
               cost_giou: float = 2.0):
    """The minimum-cost one-to-one matching of predictions to targets (DETR's HungarianMatcher).

    Arguments as in ``detr_cost_matrix``. Build that cost matrix and solve the linear assignment
    problem on it: you may use ``scipy.optimize.linear_sum_assignment`` (the kata is the cost and
    the conventions, not the Hungarian algorithm itself).

    Returns:
        ``(pred_idx, tgt_idx)``: two int64 arrays of length ``min(Q, T)``; prediction
        ``pred_idx[k]`` is matched to target ``tgt_idx[k]``. Every prediction and every target
        appears at most once, and the total cost ``C[pred_idx, tgt_idx].sum()`` is the minimum
        over all such matchings. Sorted by ``pred_idx`` ascending (as DETR returns them). When
        several matchings tie for the minimum, any of them is accepted. Q = 0 or T = 0 give two
        empty int64 arrays. Unmatched predictions are DETR's "no object" predictions.

    Inputs are not modified; bad input raises ``ValueError`` as in ``detr_cost_matrix``.
    """
    raise NotImplementedError("detr_match")
