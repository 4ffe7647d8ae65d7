"""IoU of two convex polygons · 凸多边形 IoU (多边形框的交并比)

Quadrilateral text boxes, rotated boxes and segmentation hulls all end up as convex polygons. Their
intersection is again a convex polygon: the part of one polygon on the inner side of every edge of
the other (a half-plane intersection). Compute it, take areas, and return the IoU.

Run the tests: pytest katas/detection/polygon_iou
"""

import numpy as np

__all__ = ["convex_polygon_iou"]


def convex_polygon_iou(poly1: np.ndarray, poly2: np.ndarray) -> float:
    """Intersection over union of two convex polygons.

    Args:
        poly1: array of shape (K, 2), K >= 3: the vertices ``(x, y)`` of a convex polygon in order
            around it, **clockwise or counter-clockwise** (your function must accept both, and the
            two polygons need not share an orientation). Any starting vertex; the last vertex is not
            repeated. Collinear vertices (a point in the middle of an edge) may occur. float32 or
            float64; work in float64.
        poly2: array of shape (L, 2), L >= 3, the same format.

    Returns:
        A Python ``float`` in [0, 1], also for float32 input: ``area(poly1 & poly2) /
        area(poly1 | poly2)`` with ``area(p1 | p2) = area(p1) + area(p2) - area(p1 & p2)``.
        Polygons that are apart or only touch (along an edge or at a vertex) give 0.0. A degenerate
        polygon (zero area, e.g. all vertices on one line) gives 0.0, never NaN and no warning.

    Method: clip one polygon by the half-planes of the other's edges (Sutherland-Hodgman) or
    intersect all half-planes; then the shoelace formula. Mind the orientation: which side of an
    edge is "inside" depends on it. No shapely or OpenCV in your answer.

    Rules:
        - ``poly1`` and ``poly2`` must not be modified (reverse a copy, not the caller's array).
        - Input that is not an array of shape (K, 2) with K >= 3 raises ``ValueError``.
        - Non-convex or self-intersecting input is outside the contract (any result is accepted).
        - Accuracy: float64 arithmetic, within 1e-9 (absolute) of an exact float64 computation, and
          within a relative 1e-6 for thin slivers (an overlap 1e-6 wide).

    Canonical code: shapely, ``Polygon(p).intersection(Polygon(q)).area /
    Polygon(p).union(Polygon(q)).area`` as text-detection evaluation code writes it, accepts either
    orientation and any first vertex as this kata does, but raises ``ZeroDivisionError`` when both
    polygons have zero area (test_zero_union_gives_zero) and takes a third coordinate as z without
    complaint (test_bad_input_raises_value_error). OpenCV's ``cv2.intersectConvexConvex`` works on
    float32 points (test_float64_accuracy).
    """
    raise NotImplementedError("convex_polygon_iou")
