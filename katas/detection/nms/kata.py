"""Non-maximum suppression (NMS) · 非极大值抑制

A detector scores thousands of overlapping candidate boxes; NMS keeps the best box of each cluster
and drops the boxes that overlap a better one too much. Implement greedy NMS in numpy.

Run the tests: pytest katas/detection/nms
"""

import numpy as np

__all__ = ["nms"]


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Greedy non-maximum suppression.

    Args:
        boxes: float array of shape (N, 4), rows ``x1, y1, x2, y2`` with ``x1 <= x2`` and
            ``y1 <= y2``, in continuous coordinates: a box's area is ``(x2 - x1) * (y2 - y1)``
            (no ``+ 1``), so ``[0, 0, 2, 2]`` has area 4. float32 or float64.
        scores: float array of shape (N,), one score per box.
        iou_threshold: a box is dropped when its IoU with a box already kept is **strictly
            greater** than this value; an IoU exactly equal to it does not drop the box.

    Returns:
        int64 array of shape (K,): indices into ``boxes`` of the kept boxes, in the order they were
        kept, which is descending score. Equal scores are visited lower index first.

    Rules and edge cases:
        - Visit the boxes from the highest score down; keep a box unless it overlaps a box kept
          before it with IoU > ``iou_threshold``.
        - IoU = intersection area / union area. Boxes that are apart or only touch intersect in
          area 0. Two boxes whose union is 0 (both of zero area) have IoU 0: no NaN, no warning.
        - N = 0 gives an empty int64 array.
        - ``boxes`` and ``scores`` must not be modified.
        - Bad shapes (boxes not (N, 4), scores not (N,)) raise ``ValueError``.

    Canonical code: ``torchvision.ops.nms`` follows this statement (continuous coordinates, drop at
    IoU > threshold, kept indices by descending score), but leaves the order of equal scores
    unspecified. py-faster-rcnn's ``py_cpu_nms`` differs in three conventions, each a test of its
    own: ``+ 1`` pixel widths, ``argsort()[::-1]`` (equal scores higher index first), and a Python
    list returned instead of an int64 array; it also checks no shapes.

    Speed: vectorise the overlap computation over the remaining boxes (O(N * K) work for K kept
    boxes, no Python loop over pairs). 5000 boxes must run within the ratio to the reference that
    ``kata.toml`` gives under [speed].
    """
    raise NotImplementedError("nms")
