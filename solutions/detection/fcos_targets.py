"""FCOS targets as mmdetection's FCOSHead._get_target_single + centerness_target, with optional
centre sampling (FCOS v2): inside test, inclusive size range on max(l, t, r, b), smallest area wins."""

import numpy as np


def _inputs(points, gt_boxes, gt_labels, size_ranges, num_points_per_level, center_sampling_radius, strides):
    points, gt = np.asarray(points, np.float64), np.asarray(gt_boxes, np.float64)
    labels, ranges = np.asarray(gt_labels), np.asarray(size_ranges, np.float64)
    counts = np.asarray(num_points_per_level)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (P, 2); got {points.shape}")
    if gt.ndim != 2 or gt.shape[1] != 4 or labels.shape != (len(gt),):
        raise ValueError(f"gt_boxes must be (G, 4) and gt_labels (G,); got {gt.shape} and {labels.shape}")
    if labels.size and (labels.dtype.kind not in "iu" or labels.min() < 0):
        raise ValueError("gt_labels must be integers >= 0 (-1 is the background)")
    if ranges.ndim != 2 or ranges.shape[1] != 2:
        raise ValueError(f"size_ranges must have shape (L, 2); got {ranges.shape}")
    if counts.shape != (len(ranges),) or (counts.size and counts.dtype.kind not in "iu") or (counts < 0).any() \
            or counts.sum() != len(points):
        raise ValueError(f"num_points_per_level must be {len(ranges)} non-negative integers summing to {len(points)}")
    if center_sampling_radius is not None:
        if center_sampling_radius <= 0 or strides is None or np.shape(strides) != (len(ranges),):
            raise ValueError("centre sampling needs a radius > 0 and one stride per level")
    return points, gt, labels, ranges, counts.astype(np.int64)


def fcos_targets(points: np.ndarray, gt_boxes: np.ndarray, gt_labels: np.ndarray, size_ranges,
                 num_points_per_level, center_sampling_radius: float | None = None, strides=None):
    points, gt, gt_labels, ranges, counts = _inputs(points, gt_boxes, gt_labels, size_ranges,
                                                    num_points_per_level, center_sampling_radius, strides)
    p = len(points)
    labels, ltrb, centerness = np.full(p, -1, np.int64), np.zeros((p, 4)), np.zeros(p)
    if p == 0 or len(gt) == 0:
        return labels, ltrb, centerness

    level = np.repeat(np.arange(len(counts)), counts)                        # (P,)
    x, y = points[:, :1], points[:, 1:]                                      # (P, 1)
    d = np.stack([x - gt[:, 0], y - gt[:, 1], gt[:, 2] - x, gt[:, 3] - y], axis=-1)  # (P, G, 4)

    if center_sampling_radius is None:
        inside = d.min(axis=-1) > 0
    else:
        rad = center_sampling_radius * np.asarray(strides, np.float64)[level][:, None]  # (P, 1)
        cx, cy = (gt[:, 0] + gt[:, 2]) / 2, (gt[:, 1] + gt[:, 3]) / 2
        x1, y1 = np.maximum(cx - rad, gt[:, 0]), np.maximum(cy - rad, gt[:, 1])  # centre box clipped to the gt
        x2, y2 = np.minimum(cx + rad, gt[:, 2]), np.minimum(cy + rad, gt[:, 3])
        inside = np.minimum(np.minimum(x - x1, y - y1), np.minimum(x2 - x, y2 - y)) > 0

    m = d.max(axis=-1)
    ok = inside & (m >= ranges[level, :1]) & (m <= ranges[level, 1:])
    area = np.where(ok, (gt[:, 2] - gt[:, 0]) * (gt[:, 3] - gt[:, 1]), np.inf)
    best = area.argmin(axis=1)                                               # first minimum: lower gt index
    pos = ok.any(axis=1)

    labels[pos] = gt_labels[best[pos]]
    ltrb[pos] = d[pos, best[pos]]
    lr, tb = ltrb[pos][:, [0, 2]], ltrb[pos][:, [1, 3]]
    centerness[pos] = np.sqrt(lr.min(1) / lr.max(1) * tb.min(1) / tb.max(1))
    return labels, ltrb, centerness
