"""Known-wrong answers to detection/fcos_targets; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np

from solutions.detection import fcos_targets as ref


def _mutant(*, largest=False, on_min=False, sqrt=True, swap_lr=False, lo_open=False, hi_open=False,
            inside_inclusive=False, clip=True, scale_radius=True):
    def fcos_targets(points, gt_boxes, gt_labels, size_ranges, num_points_per_level,
                     center_sampling_radius=None, strides=None):
        points, gt, gl, ranges, counts = ref._inputs(points, gt_boxes, gt_labels, size_ranges,
                                                     num_points_per_level, center_sampling_radius, strides)
        p = len(points)
        labels, ltrb, ctr = np.full(p, -1, np.int64), np.zeros((p, 4)), np.zeros(p)
        if p == 0 or len(gt) == 0:
            return labels, ltrb, ctr
        level = np.repeat(np.arange(len(counts)), counts)
        x, y = points[:, :1], points[:, 1:]
        left, right = (gt[:, 2] - x, x - gt[:, 0]) if swap_lr else (x - gt[:, 0], gt[:, 2] - x)
        d = np.stack([left, y - gt[:, 1], right, gt[:, 3] - y], axis=-1)
        if center_sampling_radius is None:
            inside = d.min(axis=-1) >= 0 if inside_inclusive else d.min(axis=-1) > 0
        else:
            s = np.asarray(strides, np.float64)[level][:, None] if scale_radius else 1.0
            rad = center_sampling_radius * s * np.ones((p, 1))
            cx, cy = (gt[:, 0] + gt[:, 2]) / 2, (gt[:, 1] + gt[:, 3]) / 2
            x1, y1, x2, y2 = cx - rad, cy - rad, cx + rad, cy + rad
            if clip:
                x1, y1 = np.maximum(x1, gt[:, 0]), np.maximum(y1, gt[:, 1])
                x2, y2 = np.minimum(x2, gt[:, 2]), np.minimum(y2, gt[:, 3])
            dist = np.minimum(np.minimum(x - x1, y - y1), np.minimum(x2 - x, y2 - y))
            inside = dist >= 0 if inside_inclusive else dist > 0
        m = d.min(axis=-1) if on_min else d.max(axis=-1)
        lo, hi = ranges[level, :1], ranges[level, 1:]
        ok = inside & ((m > lo) if lo_open else (m >= lo)) & ((m < hi) if hi_open else (m <= hi))
        area = (gt[:, 2] - gt[:, 0]) * (gt[:, 3] - gt[:, 1])
        if largest:
            best = np.where(ok, area, -np.inf).argmax(axis=1)
        else:
            best = np.where(ok, area, np.inf).argmin(axis=1)
        pos = ok.any(axis=1)
        labels[pos] = gl[best[pos]]
        ltrb[pos] = d[pos, best[pos]]
        lr, tb = ltrb[pos][:, [0, 2]], ltrb[pos][:, [1, 3]]
        with np.errstate(divide="ignore", invalid="ignore"):
            c = lr.min(1) / lr.max(1) * tb.min(1) / tb.max(1)
        ctr[pos] = np.sqrt(c) if sqrt else c
        return labels, ltrb, ctr

    return fcos_targets


WRONG = {
    "largest_area_wins": {"fcos_targets": _mutant(largest=True)},
    "size_range_on_min": {"fcos_targets": _mutant(on_min=True)},
    "centerness_without_sqrt": {"fcos_targets": _mutant(sqrt=False)},
    "l_and_r_swapped": {"fcos_targets": _mutant(swap_lr=True)},
    "upper_end_exclusive": {"fcos_targets": _mutant(hi_open=True)},
    "lower_end_exclusive": {"fcos_targets": _mutant(lo_open=True)},
    "border_counts_as_inside": {"fcos_targets": _mutant(inside_inclusive=True)},
    "centre_box_not_clipped": {"fcos_targets": _mutant(clip=False)},
    "radius_not_scaled_by_stride": {"fcos_targets": _mutant(scale_radius=False)},
}
SLOW = {}
