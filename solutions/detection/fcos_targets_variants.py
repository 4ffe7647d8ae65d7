"""Known-wrong answers to detection/fcos_targets; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np

from solutions.detection import fcos_targets as ref


def _loose_inputs(points, gt_boxes, gt_labels, size_ranges, num_points_per_level, radius, strides, skip):
    """ref._inputs with the checks named in `skip` left out (what goes through then is used as it is)."""
    points, gt = np.asarray(points, np.float64), np.asarray(gt_boxes, np.float64)
    labels, ranges = np.asarray(gt_labels), np.asarray(size_ranges, np.float64)
    counts = np.asarray(num_points_per_level)
    if "shapes" not in skip:
        if points.ndim != 2 or points.shape[1] != 2 or gt.ndim != 2 or gt.shape[1] != 4 \
                or labels.shape != (len(gt),) or ranges.ndim != 2 or ranges.shape[1] != 2:
            raise ValueError("bad shapes")
    if "labels" not in skip and labels.size and labels.min() < 0:
        raise ValueError("negative label")
    if "counts" not in skip and (counts.shape != (len(ranges),) or (counts < 0).any() or counts.sum() != len(points)):
        raise ValueError("bad counts")
    if "radius" not in skip and radius is not None and (radius <= 0 or strides is None):
        raise ValueError("bad radius")
    points = np.atleast_2d(points)[:, :2]
    gt = np.atleast_2d(gt)[:, :4]
    ranges = np.atleast_2d(ranges)[:, :2]
    counts = np.clip(counts.astype(np.int64), 0, None)
    if counts.sum() != len(points):  # stretch the last level over the rest
        counts = np.append(counts[:-1], len(points) - counts[:-1].sum()) if len(counts) else counts
    if labels.shape != (len(gt),):
        labels = np.resize(labels, len(gt))
    return points, gt, labels, ranges, counts


def _mutant(*, largest=False, on_min=False, sqrt=True, swap_lr=False, lo_open=False, hi_open=False,
            inside_inclusive=False, clip=True, scale_radius=True, equal_area_high=False, bg_gt0=False,
            out_dtype=np.int64, skip=()):
    def fcos_targets(points, gt_boxes, gt_labels, size_ranges, num_points_per_level,
                     center_sampling_radius=None, strides=None):
        if skip:
            points, gt, gl, ranges, counts = _loose_inputs(points, gt_boxes, gt_labels, size_ranges,
                                                           num_points_per_level, center_sampling_radius, strides,
                                                           skip)
        else:
            points, gt, gl, ranges, counts = ref._inputs(points, gt_boxes, gt_labels, size_ranges,
                                                         num_points_per_level, center_sampling_radius, strides)
        p = len(points)
        labels, ltrb, ctr = np.full(p, -1, out_dtype), np.zeros((p, 4)), np.zeros(p)
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
        elif equal_area_high:
            best = len(gt) - 1 - np.where(ok, area, np.inf)[:, ::-1].argmin(axis=1)
        else:
            best = np.where(ok, area, np.inf).argmin(axis=1)
        pos = ok.any(axis=1)
        labels[pos] = gl[best[pos]]
        ltrb[pos] = d[pos, best[pos]]
        lr, tb = ltrb[pos][:, [0, 2]], ltrb[pos][:, [1, 3]]
        with np.errstate(divide="ignore", invalid="ignore"):
            c = lr.min(1) / lr.max(1) * tb.min(1) / tb.max(1)
        ctr[pos] = np.sqrt(c) if sqrt else c
        if bg_gt0:  # mmdetection leaves the targets of gt 0 at background points
            ltrb[~pos] = d[~pos, 0]
            ctr[~pos] = 0.5
        return labels, ltrb, ctr

    return fcos_targets


def mmdet_style(points, gt_boxes, gt_labels, size_ranges, num_points_per_level, center_sampling_radius=None,
                strides=None):
    """mmdetection's FCOSHead._get_target_single + centerness_target, torch written with numpy."""
    INF = 1e8
    points, gt_bboxes, gt_labels, regress_ranges, num_points_per_lvl = ref._inputs(
        points, gt_boxes, gt_labels, size_ranges, num_points_per_level, center_sampling_radius, strides)
    num_points, num_gts = len(points), len(gt_bboxes)
    if num_gts == 0:
        return np.full(num_points, -1, np.int64), np.zeros((num_points, 4)), np.zeros(num_points)
    level = np.repeat(np.arange(len(num_points_per_lvl)), num_points_per_lvl)
    regress_ranges = np.broadcast_to(regress_ranges[level][:, None, :], (num_points, num_gts, 2))
    areas = (gt_bboxes[:, 2] - gt_bboxes[:, 0]) * (gt_bboxes[:, 3] - gt_bboxes[:, 1])
    areas = np.repeat(areas[None], num_points, axis=0)
    gt_b = np.broadcast_to(gt_bboxes[None], (num_points, num_gts, 4))
    xs = np.broadcast_to(points[:, 0][:, None], (num_points, num_gts))
    ys = np.broadcast_to(points[:, 1][:, None], (num_points, num_gts))
    left, right = xs - gt_b[..., 0], gt_b[..., 2] - xs
    top, bottom = ys - gt_b[..., 1], gt_b[..., 3] - ys
    bbox_targets = np.stack((left, top, right, bottom), -1)
    if center_sampling_radius is not None:
        center_xs = (gt_b[..., 0] + gt_b[..., 2]) / 2
        center_ys = (gt_b[..., 1] + gt_b[..., 3]) / 2
        stride = (np.asarray(strides, np.float64)[level] * center_sampling_radius)[:, None]
        x_mins, y_mins = center_xs - stride, center_ys - stride
        x_maxs, y_maxs = center_xs + stride, center_ys + stride
        center_gts = np.stack([np.where(x_mins > gt_b[..., 0], x_mins, gt_b[..., 0]),
                               np.where(y_mins > gt_b[..., 1], y_mins, gt_b[..., 1]),
                               np.where(x_maxs > gt_b[..., 2], gt_b[..., 2], x_maxs),
                               np.where(y_maxs > gt_b[..., 3], gt_b[..., 3], y_maxs)], -1)
        center_bbox = np.stack((xs - center_gts[..., 0], ys - center_gts[..., 1],
                                center_gts[..., 2] - xs, center_gts[..., 3] - ys), -1)
        inside_gt_bbox_mask = center_bbox.min(-1) > 0
    else:
        inside_gt_bbox_mask = bbox_targets.min(-1) > 0
    max_regress_distance = bbox_targets.max(-1)
    inside_regress_range = (max_regress_distance >= regress_ranges[..., 0]) & \
        (max_regress_distance <= regress_ranges[..., 1])
    areas[~inside_gt_bbox_mask] = INF
    areas[~inside_regress_range] = INF
    min_area, min_area_inds = areas.min(axis=1), areas.argmin(axis=1)
    labels = gt_labels[min_area_inds].astype(np.int64)
    labels[min_area == INF] = -1  # mmdetection: num_classes
    bbox_targets = bbox_targets[np.arange(num_points), min_area_inds]
    pos = labels >= 0
    centerness = np.zeros(num_points)
    lr, tb = bbox_targets[pos][:, [0, 2]], bbox_targets[pos][:, [1, 3]]
    centerness[pos] = np.sqrt((lr.min(-1) / lr.max(-1)) * (tb.min(-1) / tb.max(-1)))
    return labels, bbox_targets, centerness


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
    "equal_area_higher_index": {"fcos_targets": _mutant(equal_area_high=True)},
    "background_keeps_gt0_targets": {"fcos_targets": _mutant(bg_gt0=True)},
    "labels_int32": {"fcos_targets": _mutant(out_dtype=np.int32)},
    "no_shape_check": {"fcos_targets": _mutant(skip=("shapes",))},
    "no_label_check": {"fcos_targets": _mutant(skip=("labels",))},
    "no_count_check": {"fcos_targets": _mutant(skip=("counts",))},
    "no_radius_check": {"fcos_targets": _mutant(skip=("radius",))},
}
CANONICAL = {"mmdetection": {"fcos_targets": mmdet_style}}
SLOW = {}
