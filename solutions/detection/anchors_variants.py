"""Known-wrong answers to detection/anchors; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np


def _base(*, w_over_h=False, size_major=False, area_wrong=False, rounded=False, check=True, no_halving=False,
          float32=False):
    def base_anchors(sizes, aspect_ratios):
        sizes = np.asarray(sizes, dtype=np.float64).reshape(-1)
        ratios = np.asarray(aspect_ratios, dtype=np.float64).reshape(-1)
        if check and (sizes.size == 0 or ratios.size == 0 or (sizes <= 0).any() or (ratios <= 0).any()):
            raise ValueError("bad sizes or ratios")
        rows = []
        pairs = [(r, s) for s in sizes for r in ratios] if size_major else [(r, s) for r in ratios for s in sizes]
        for r, s in pairs:
            if area_wrong:
                w, h = s, s * r
            elif w_over_h:
                w, h = s * np.sqrt(r), s / np.sqrt(r)
            else:
                w, h = s / np.sqrt(r), s * np.sqrt(r)
            rows.append([-w, -h, w, h] if no_halving else [-w / 2, -h / 2, w / 2, h / 2])
        out = np.array(rows, dtype=np.float64).reshape(-1, 4)
        out = np.round(out) if rounded else out
        return out.astype(np.float32) if float32 else out

    return base_anchors


def _grid(*, x_major=False, anchor_major=False, offset_used=True, extra_half=False, swap=False,
          offset_pixels=False, check_base=True, check_shape=True, check_stride=True, keep_dtype=False):
    def grid_anchors(base, feature_shape, stride, offset=0.0):
        dtype = np.asarray(base).dtype if keep_dtype else np.float64
        base = np.asarray(base, dtype=np.float64)
        if check_base and (base.ndim != 2 or base.shape[1] != 4):
            raise ValueError("bad base")
        if check_shape and (len(feature_shape) != 2 or any(int(v) != v or v < 0 for v in feature_shape)):
            raise ValueError("bad feature_shape")
        sy, sx = (stride, stride) if np.ndim(stride) == 0 else tuple(stride)
        if check_stride and (sy <= 0 or sx <= 0):
            raise ValueError("bad stride")
        if swap:
            sy, sx = sx, sy
        off = (offset if offset_used else 0.0) + (0.5 if extra_half else 0.0)
        h, w = feature_shape
        cells = [(y, x) for y in np.arange(h) for x in np.arange(w)]
        if x_major:
            cells = sorted(cells, key=lambda c: (c[1], c[0]))
        if offset_pixels:  # offset added in pixels, not cells
            shifts = np.array([[x * sx + off, y * sy + off] * 2 for y, x in cells], dtype=np.float64)
        else:
            shifts = np.array([[(x + off) * sx, (y + off) * sy] * 2 for y, x in cells], dtype=np.float64)
        shifts = shifts.reshape(-1, 4)
        if anchor_major:
            return (base[:, None] + shifts[None]).reshape(-1, 4).astype(dtype)
        return (shifts[:, None] + base[None]).reshape(-1, 4).astype(dtype)

    return grid_anchors


def torchvision_style_base(sizes, aspect_ratios):
    """In the style of torchvision's AnchorGenerator.generate_anchors: outer products, then .round()."""
    scales = np.asarray(sizes, dtype=np.float64).reshape(-1)
    ratios = np.asarray(aspect_ratios, dtype=np.float64).reshape(-1)
    if scales.size == 0 or ratios.size == 0 or (scales <= 0).any() or (ratios <= 0).any():
        raise ValueError("sizes and aspect_ratios must be non-empty and positive")
    h_ratios = np.sqrt(ratios)
    w_ratios = 1 / h_ratios
    ws = (w_ratios[:, None] * scales[None, :]).reshape(-1)
    hs = (h_ratios[:, None] * scales[None, :]).reshape(-1)
    return np.round(np.stack([-ws, -hs, ws, hs], axis=1) / 2)


def torchvision_style_grid(base, feature_shape, stride, offset=0.0):
    """torchvision's grid_anchors: arange * stride, meshgrid 'ij', (K, 1, 4) + (1, A, 4)."""
    base = np.asarray(base, dtype=np.float64)
    if base.ndim != 2 or base.shape[1] != 4:
        raise ValueError("base must be (A, 4)")
    if len(feature_shape) != 2 or any(int(v) != v or v < 0 for v in feature_shape):
        raise ValueError("feature_shape must be two ints >= 0")
    stride_h, stride_w = (stride, stride) if np.ndim(stride) == 0 else stride
    if stride_h <= 0 or stride_w <= 0:
        raise ValueError("strides must be positive")
    grid_h, grid_w = int(feature_shape[0]), int(feature_shape[1])
    shifts_x = (np.arange(grid_w) + offset) * stride_w
    shifts_y = (np.arange(grid_h) + offset) * stride_h
    shift_y, shift_x = np.meshgrid(shifts_y, shifts_x, indexing="ij")
    shift_x, shift_y = shift_x.reshape(-1), shift_y.reshape(-1)
    shifts = np.stack((shift_x, shift_y, shift_x, shift_y), axis=1)
    return (shifts.reshape(-1, 1, 4) + base.reshape(1, -1, 4)).reshape(-1, 4)


def mmdet_style_base(sizes, aspect_ratios):
    """mmdetection's gen_single_level_base_anchors, scale_major=True, base_size 1, scales = sizes."""
    scales = np.asarray(sizes, dtype=np.float64).reshape(-1)
    ratios = np.asarray(aspect_ratios, dtype=np.float64).reshape(-1)
    if scales.size == 0 or ratios.size == 0 or np.any(scales <= 0) or np.any(ratios <= 0):
        raise ValueError("bad sizes or ratios")
    w = h = 1.0
    x_center = y_center = 0.0
    h_ratios = np.sqrt(ratios)
    w_ratios = 1 / h_ratios
    ws = (w * w_ratios[:, None] * scales[None, :]).reshape(-1)
    hs = (h * h_ratios[:, None] * scales[None, :]).reshape(-1)
    return np.stack([x_center - 0.5 * ws, y_center - 0.5 * hs, x_center + 0.5 * ws, y_center + 0.5 * hs], axis=-1)


def mmdet_style_grid(base, feature_shape, stride, offset=0.0):
    """mmdetection's single_level_grid_priors: strides read (stride_w, stride_h), _meshgrid row-major."""
    base = np.asarray(base, dtype=np.float64)
    if base.ndim != 2 or base.shape[1] != 4:
        raise ValueError("base must be (A, 4)")
    if len(feature_shape) != 2 or any(int(v) != v or v < 0 for v in feature_shape):
        raise ValueError("bad feature_shape")
    stride_w, stride_h = (stride, stride) if np.ndim(stride) == 0 else stride
    if stride_w <= 0 or stride_h <= 0:
        raise ValueError("bad stride")
    feat_h, feat_w = int(feature_shape[0]), int(feature_shape[1])
    shift_x = (np.arange(feat_w) + offset) * stride_w
    shift_y = (np.arange(feat_h) + offset) * stride_h
    shift_xx = np.tile(shift_x, feat_h)
    shift_yy = np.repeat(shift_y, feat_w)
    shifts = np.stack([shift_xx, shift_yy, shift_xx, shift_yy], axis=-1)
    return (base[None, :, :] + shifts[:, None, :]).reshape(-1, 4)


WRONG = {
    "ratio_w_over_h": {"base_anchors": _base(w_over_h=True)},
    "size_major": {"base_anchors": _base(size_major=True)},
    "area_not_size_squared": {"base_anchors": _base(area_wrong=True)},
    "rounded_like_torchvision": {"base_anchors": _base(rounded=True)},
    "x_major_cells": {"grid_anchors": _grid(x_major=True)},
    "anchor_major": {"grid_anchors": _grid(anchor_major=True)},
    "offset_ignored": {"grid_anchors": _grid(offset_used=False)},
    "always_cell_centre": {"grid_anchors": _grid(extra_half=True)},
    "strides_swapped": {"grid_anchors": _grid(swap=True)},
    "offset_in_pixels": {"grid_anchors": _grid(offset_pixels=True)},
    "no_halving": {"base_anchors": _base(no_halving=True)},
    "no_size_check": {"base_anchors": _base(check=False)},
    "no_base_shape_check": {"grid_anchors": _grid(check_base=False)},
    "no_feature_shape_check": {"grid_anchors": _grid(check_shape=False)},
    "no_stride_check": {"grid_anchors": _grid(check_stride=False)},
    "float32_output": {"base_anchors": _base(float32=True), "grid_anchors": _grid(keep_dtype=True)},
}
CANONICAL = {
    "torchvision": {"base_anchors": torchvision_style_base, "grid_anchors": torchvision_style_grid},
    "mmdetection": {"base_anchors": mmdet_style_base, "grid_anchors": mmdet_style_grid},
}
SLOW = {}
