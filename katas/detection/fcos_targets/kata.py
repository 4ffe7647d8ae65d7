"""FCOS regression targets and centerness · FCOS 的 l, t, r, b 回归目标与 centerness

FCOS (Tian et al., ICCV 2019) is anchor-free: every feature-map location regresses its distances
l, t, r, b to the four sides of the object it lies in. A location is positive for an object that
contains it and whose size suits the location's pyramid level; among several, the smallest object
wins. Centerness down-weights locations far from the object's centre. Implement the targets as
mmdetection's ``FCOSHead._get_target_single`` and ``centerness_target`` compute them, with the
optional centre sampling of FCOS v2 (``center_sampling=True, center_sample_radius=1.5``).

Run the tests: pytest katas/detection/fcos_targets
"""

import numpy as np

__all__ = ["fcos_targets"]


def fcos_targets(points: np.ndarray, gt_boxes: np.ndarray, gt_labels: np.ndarray, size_ranges,
                 num_points_per_level, center_sampling_radius: float | None = None, strides=None):
    """Classification labels, l, t, r, b regression targets and centerness for every location.

    Args:
        points: float array of shape (P, 2), the locations ``x, y`` in image coordinates (FCOS uses
            ``(i * stride + stride // 2, j * stride + stride // 2)``), float32 or float64. The
            points of level 0 come first, then level 1, and so on.
        gt_boxes: float array of shape (G, 4), rows ``x1, y1, x2, y2``, continuous coordinates;
            area ``(x2 - x1) * (y2 - y1)``.
        gt_labels: integer array of shape (G,), class indices ``>= 0``.
        size_ranges: (L, 2) array or nested sequence of ``[lo, hi]`` per level (FCOS: ``(-1, 64),
            (64, 128), (128, 256), (256, 512), (512, inf)``); ``hi`` may be ``inf``.
        num_points_per_level: L non-negative integers summing to P (contiguous blocks of points).
        center_sampling_radius: None (no centre sampling) or a radius ``r > 0`` in strides.
        strides: L positive strides; required when ``center_sampling_radius`` is given, else unused.

    For location (x, y) and gt g = (x1, y1, x2, y2), with ``l = x - x1, t = y - y1, r = x2 - x,
    b = y2 - y``:
        1. Inside. Without centre sampling: ``min(l, t, r, b) > 0`` (strictly: a point on the border
           is outside). With centre sampling at radius r on a level of stride s: the point must lie
           strictly inside the **centre box** ``(cx - r*s, cy - r*s, cx + r*s, cy + r*s)`` (cx, cy
           the gt centre) **clipped to the gt box**; the targets stay l, t, r, b to the gt box.
        2. Size. ``m = max(l, t, r, b)`` must satisfy ``lo <= m <= hi`` for the point's level, both
           ends **inclusive** (as mmdetection and the original FCOS code).
        3. A point with several gts passing 1 and 2 takes the one of **smallest area**; equal areas:
           the lower gt index. A point with none is background.

    Returns:
        ``(labels, ltrb, centerness)``:
            - ``labels``: int64 (P,), the chosen gt's label, or **-1** for background.
            - ``ltrb``: float64 (P, 4), ``l, t, r, b`` to the chosen gt; all 0 for background.
            - ``centerness``: float64 (P,), ``sqrt(min(l, r) / max(l, r) * min(t, b) / max(t, b))``
              for a positive point (in (0, 1], 1 at the gt centre), 0 for background.
        No gts or no points: every point is background (empty arrays for P = 0).

    Inputs are not modified. Raises ``ValueError`` for wrong shapes (points not (P, 2), gt_boxes
    not (G, 4), gt_labels not (G,), size_ranges not (L, 2)), counts that are not L non-negative
    integers summing to P, a negative gt label, a radius without strides or with ``r <= 0``.

    Canonical code: mmdetection's ``FCOSHead._get_target_single`` and ``centerness_target`` (the
    original FCOS code, tianzhi0549/FCOS ``prepare_targets`` / ``get_sample_region``, has the same
    rules): ``bbox_targets.min(-1) > 0`` (or the clipped centre box), ``lo <= max <= hi``, areas set
    to INF where a test fails and ``areas.min(dim=1)`` (first minimum: equal areas go to the lower
    gt). It differs in its outputs for background points: label ``num_classes`` instead of -1 (this
    kata has no class count), and the l, t, r, b of gt 0 left in place instead of zeros, with the
    centerness computed for positives only (``test_background_targets_are_zero``). The random tests
    use continuous gt boxes, so no point lies on a border or a range end and no two areas are equal.
    """
    raise NotImplementedError("fcos_targets")
