"""SimOTA dynamic-k label assignment (YOLOX) · YOLOX 的 SimOTA 动态 k 标签分配

YOLOX (Ge et al., 2021) assigns ground-truth boxes to predictions with SimOTA, a cheap stand-in for
OTA's optimal transport: every gt estimates how many predictions it deserves (dynamic k) from the
IoUs of its best predictions, takes that many of the cheapest ones, and a prediction claimed by
several gts is settled by cost. Implement the matching step, ``dynamic_k_matching`` of YOLOX's
``yolo_head.py``, given the cost and IoU matrices.

Run the tests: pytest katas/detection/simota
"""

import numpy as np

__all__ = ["simota_assign"]


def simota_assign(cost: np.ndarray, ious: np.ndarray, candidate_mask: np.ndarray | None = None,
                  n_candidate_k: int = 10):
    """Match gts to anchors (predictions) by SimOTA's dynamic-k rule.

    Args:
        cost: float array of shape (G, A), the cost of assigning anchor a to gt g (lower is better).
            YOLOX builds it as ``cls_cost + 3 * (-log(iou + 1e-8)) + 1e5 * (not in the gt's box and
            centre prior)``; here the caller has done that, and you use it as given.
        ious: float array of shape (G, A), values in [0, 1]: the IoU of anchor a's predicted box with
            gt g.
        candidate_mask: bool array of shape (A,), or None for all True. Only candidate anchors take
            part (YOLOX's ``fg_mask``: inside some gt box or centre region); the others are ignored
            everywhere below and always come back as background.
        n_candidate_k: an integer ``>= 1``, YOLOX's 10.

    The rule (C = the number of candidate anchors):
        1. Dynamic k. For every gt g: ``n = min(n_candidate_k, C)``; ``k_g = max(1, int(s))`` where
           ``s`` is the sum of the ``n`` largest IoUs of g over the candidates. ``int`` truncates
           (2.9 gives 2), and every gt gets at least one anchor.
        2. Each gt claims its ``k_g`` candidates of lowest cost; equal costs: the lower anchor index
           first.
        3. A candidate claimed by exactly one gt goes to it. A candidate claimed by two or more gts
           goes to the gt with the lowest cost in that anchor's column over **all** G gts (as YOLOX's
           ``torch.min(cost[:, multiple], dim=0)`` does: usually one of the claimants, but not
           necessarily); equal costs: the lower gt index.
        4. Every other anchor is background.
    Comparisons are exact on the values given (no tolerance); dtypes float32 or float64.

    Returns:
        ``(assigned_gt, assigned_iou)``:
            - ``assigned_gt``: int64 array of shape (A,), the gt index of a matched anchor, -1 for
              background.
            - ``assigned_iou``: float64 array of shape (A,), ``ious[assigned_gt[a], a]`` for a
              matched anchor (YOLOX's ``pred_ious_this_matching``), 0.0 for background.
        No gts (G = 0), no anchors (A = 0) or no candidates: every anchor is background.

    Inputs are not modified. Raises ``ValueError`` when cost or ious is not 2-D, their shapes
    differ, candidate_mask is not a bool array of shape (A,), or ``n_candidate_k < 1``.

    Canonical code: YOLOX's ``YOLOXHead.simota_matching`` (``dynamic_k_matching`` in older
    releases) in ``yolox/models/yolo_head.py``, on the ``fg_mask`` columns that
    ``get_assignments`` passes it: ``torch.topk(ious, min(10, C))``, ``clamp(sum.int(), min=1)``,
    ``torch.topk(cost[g], k, largest=False)`` per gt, and ``torch.min(cost[:, multiple], dim=0)``
    for conflicts. This kata follows it; two of its edges are pinned here and tested as
    conventions: torch.topk does not promise an order for equal costs (here the lower anchor index,
    ``test_cost_ties_take_the_lower_anchor_index``), and the conflict minimum over the whole column
    rather than over the claimants (``test_conflict_uses_the_whole_cost_column``). The random tests
    use distinct costs and IoUs in multiples of 1/64, so neither edge nor float32 sums decide them.
    """
    raise NotImplementedError("simota_assign")
