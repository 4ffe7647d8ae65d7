"""Known-wrong answers to detection/anchors; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np


def _base(*, w_over_h=False, size_major=False, area_wrong=False, rounded=False):
    def base_anchors(sizes, aspect_ratios):
        sizes = np.asarray(sizes, dtype=np.float64).reshape(-1)
        ratios = np.asarray(aspect_ratios, dtype=np.float64).reshape(-1)
        if sizes.size == 0 or ratios.size == 0 or (sizes <= 0).any() or (ratios <= 0).any():
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
            rows.append([-w / 2, -h / 2, w / 2, h / 2])
        out = np.array(rows, dtype=np.float64)
        return np.round(out) if rounded else out

    return base_anchors


def _grid(*, x_major=False, anchor_major=False, offset_used=True, extra_half=False, swap=False):
    def grid_anchors(base, feature_shape, stride, offset=0.0):
        base = np.asarray(base, dtype=np.float64)
        if base.ndim != 2 or base.shape[1] != 4:
            raise ValueError("bad base")
        if len(feature_shape) != 2 or any(int(v) != v or v < 0 for v in feature_shape):
            raise ValueError("bad feature_shape")
        sy, sx = (stride, stride) if np.ndim(stride) == 0 else tuple(stride)
        if sy <= 0 or sx <= 0:
            raise ValueError("bad stride")
        if swap:
            sy, sx = sx, sy
        off = (offset if offset_used else 0.0) + (0.5 if extra_half else 0.0)
        h, w = (int(v) for v in feature_shape)
        cells = [(y, x) for y in range(h) for x in range(w)]
        if x_major:
            cells = sorted(cells, key=lambda c: (c[1], c[0]))
        shifts = np.array([[(x + off) * sx, (y + off) * sy] * 2 for y, x in cells], dtype=np.float64).reshape(-1, 4)
        if anchor_major:
            return (base[:, None] + shifts[None]).reshape(-1, 4)
        return (shifts[:, None] + base[None]).reshape(-1, 4)

    return grid_anchors


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
}
SLOW = {}
