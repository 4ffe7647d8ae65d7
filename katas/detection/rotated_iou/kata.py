"""IoU of rotated boxes · 旋转框 IoU (与坐标轴不平行的框)

Oriented detectors (aerial images, text, 3-D bird's-eye view) predict boxes with an angle, and their
NMS, matching and metrics all need the IoU of two rotated rectangles. The overlap of two convex
quadrilaterals is a convex polygon: clip one box by the other and take its area. Implement the
pairwise IoU matrix in numpy.

Run the tests: pytest katas/detection/rotated_iou
"""

import numpy as np

__all__ = ["rotated_box_iou"]


def rotated_box_iou(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    """Pairwise IoU of two sets of rotated rectangles.

    Args:
        boxes1: float array of shape (N, 5), rows ``cx, cy, w, h, angle``: centre, width (along the
            box's own x axis before rotation), height, and the rotation angle in **degrees** (any
            real value; 370 is the same as 10). float32 or float64. ``w`` and ``h`` must be >= 0.
        boxes2: float array of shape (M, 5), the same format.

    Convention (it decides which way a box turns):
        The four corners of a box are ``(cx, cy) + R(angle) @ (+-w/2, +-h/2)`` with
        ``R(t) = [[cos t, -sin t], [sin t, cos t]]``, applied in the given x, y axes. With the usual
        maths axes (y up) a positive angle turns the box counter-clockwise; in image coordinates
        (y down) the same numbers turn it clockwise on screen. A ``w x h`` box at 90 degrees covers
        exactly what an ``h x w`` box at 0 degrees covers. This is what
        ``shapely.affinity.rotate(rectangle, angle, origin="centroid")`` does (degrees).

    Returns:
        float64 array of shape (N, M), float32 input too: ``out[i, j] = area(b1_i & b2_j) / area(b1_i | b2_j)``, in
        continuous coordinates (a box's area is ``w * h``). Boxes that are apart or only touch
        (along an edge or at a corner) have IoU 0. A pair whose union is 0 (both boxes of zero
        area) has IoU 0.0, never NaN and no warning. N = 0 or M = 0 gives an empty (N, M) array.

    Method: build each box's corners, clip one convex quadrilateral by the other
    (Sutherland-Hodgman: cut the polygon by each edge of the other box in turn) and take the area of
    what is left with the shoelace formula. No shapely or OpenCV in your answer.

    Rules:
        - ``boxes1`` and ``boxes2`` must not be modified.
        - Wrong shapes (not (N, 5) / (M, 5)) or a negative width or height raise ``ValueError``.
        - Accuracy: float64 arithmetic, within 1e-9 (absolute) of an exact float64 computation, also
          for boxes far from the origin (shift a pair towards the origin, or take the shoelace sum
          relative to one vertex, if you need to).
        - No speed test; a Python loop over pairs is acceptable, though skipping pairs that cannot
          meet (centres further apart than the sum of the half-diagonals) is good practice.

    Canonical code: mmcv's ``box_iou_rotated`` (mmrotate uses it) with its default
    ``clockwise=True`` rotates the same way (R(angle) with y down) but takes the angle in
    **radians** (test_angle_in_degrees). detectron2's ``pairwise_iou_rotated`` takes degrees but
    turns the other way, counter-clockwise on screen: its corners are R(-angle) in these axes
    (test_direction_of_rotation). Both run a float32 kernel (edge crossings plus contained corners,
    a Graham scan, the shoelace area) and return float32 (test_result_is_float64,
    test_float64_accuracy), and check no input (the two ``ValueError`` tests).
    """
    raise NotImplementedError("rotated_box_iou")
