"""Pairwise IoU of two sets of boxes · 两组框的 IoU 矩阵

Intersection over union is the overlap measure behind anchor matching, NMS and mAP. Compute the IoU
of every box of one set with every box of another, in numpy, without a Python loop over pairs.

Run the tests: pytest katas/detection/box_iou
"""

import numpy as np

__all__ = ["box_iou"]


def box_iou(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    """IoU of every box in ``boxes1`` with every box in ``boxes2``.

    Args:
        boxes1: float array of shape (N, 4), rows ``x1, y1, x2, y2`` with ``x1 <= x2`` and
            ``y1 <= y2`` (not checked), in continuous coordinates: a box's area is
            ``(x2 - x1) * (y2 - y1)`` (no ``+ 1``), so ``[0, 0, 2, 2]`` has area 4.
        boxes2: float array of shape (M, 4), the same convention.

    Returns:
        array of shape (N, M): entry ``[i, j]`` is the IoU of ``boxes1[i]`` and ``boxes2[j]``,
        ``intersection area / union area``, in [0, 1]. Its dtype is the common float dtype of the
        inputs (``np.result_type(boxes1, boxes2)``): float32 when both are float32, float64 when
        either is float64.

    Rules and edge cases:
        - Boxes that are apart, or only touch along an edge or at a corner, intersect in area 0.
        - A pair whose union is 0 (both boxes of zero area) has IoU 0.0: no NaN, no RuntimeWarning.
        - N = 0 or M = 0 gives an empty (N, M) array.
        - The inputs must not be modified.
        - Inputs that are not 2-D with 4 columns raise ``ValueError``.

    Accuracy: within 1e-5 (relative) or 1e-6 (absolute) of the IoU computed in float64 from the
    given coordinates; arithmetic in float32 for float32 input is accurate enough, float64 input is
    computed in float64.

    Canonical code: ``torchvision.ops.box_iou`` (continuous coordinates, every pair by
    broadcasting) follows this statement except at a zero union, where its ``inter / union`` gives
    NaN (test_zero_union_gives_zero_without_warnings), and it checks no shapes. mmdetection's
    ``bbox_overlaps`` divides by ``max(union, eps=1e-6)``: the same IoUs for any union of at least
    1e-6 and 0 for a zero union, so it is accepted; it asserts shapes (AssertionError, not
    ``ValueError``). Older code (py-faster-rcnn, Detectron v1) adds ``+ 1`` to widths and heights
    (test_continuous_coordinates_no_plus_one).

    Speed: vectorise over all N x M pairs with broadcasting (O(N * M) work, no Python loop over
    pairs). 600 x 600 boxes must run within the ratio to the reference that ``kata.toml`` gives
    under [speed].
    """
    raise NotImplementedError("box_iou")
