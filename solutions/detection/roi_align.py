"""RoIAlign in numpy, with the semantics of torchvision.ops.roi_align."""

import math

import numpy as np


def _pair(output_size):
    out_h, out_w = (output_size, output_size) if np.ndim(output_size) == 0 else output_size
    if int(out_h) != out_h or int(out_w) != out_w or out_h < 1 or out_w < 1:
        raise ValueError(f"output_size must be a positive int or (h, w), got {output_size!r}")
    return int(out_h), int(out_w)


def _checked(features, rois):
    features, rois = np.asarray(features), np.asarray(rois)
    if features.ndim != 4 or features.shape[2] == 0 or features.shape[3] == 0:
        raise ValueError(f"features must have shape (N, C, H, W) with H, W >= 1, got {features.shape}")
    if rois.ndim != 2 or rois.shape[1] != 5:
        raise ValueError(f"rois must have shape (K, 5), got {rois.shape}")
    batch = rois[:, 0]
    if not np.all((batch == np.floor(batch)) & (batch >= 0) & (batch < len(features))):
        raise ValueError(f"batch indices must be whole numbers in [0, {len(features)})")
    return features, rois


def _samples_1d(start, bin_size, bins, grid, size):
    """Sample positions of every bin along one axis, as (low, high, w_low, w_high), bin-major."""
    pos = start + np.arange(bins)[:, None] * bin_size + (np.arange(grid) + 0.5) * bin_size / grid
    pos = pos.ravel()
    inside = (pos >= -1) & (pos <= size)  # farther out, a sample contributes 0
    pos = np.clip(pos, 0, size - 1)  # (-1, 0) reads index 0; (size - 1, size] reads index size - 1
    low = pos.astype(np.int64)
    high = np.minimum(low + 1, size - 1)
    frac = pos - low
    return low, high, (1 - frac) * inside, frac * inside


def roi_align(features: np.ndarray, rois: np.ndarray, output_size, spatial_scale: float = 1.0,
              sampling_ratio: int = -1, aligned: bool = False) -> np.ndarray:
    features, rois = _checked(features, rois)
    out_h, out_w = _pair(output_size)
    _, c, h, w = features.shape
    out = np.zeros((len(rois), c, out_h, out_w), dtype=features.dtype)
    offset = 0.5 if aligned else 0.0
    for k, (b, x1, y1, x2, y2) in enumerate(rois.astype(np.float64).tolist()):
        x1, y1, x2, y2 = (v * spatial_scale - offset for v in (x1, y1, x2, y2))
        roi_w, roi_h = x2 - x1, y2 - y1
        if not aligned:  # legacy: force tiny or malformed RoIs to 1 x 1
            roi_w, roi_h = max(roi_w, 1.0), max(roi_h, 1.0)
        grid_h = sampling_ratio if sampling_ratio > 0 else math.ceil(roi_h / out_h)
        grid_w = sampling_ratio if sampling_ratio > 0 else math.ceil(roi_w / out_w)
        if grid_h <= 0 or grid_w <= 0:
            continue  # no samples: the bins stay 0
        yl, yh, wyl, wyh = _samples_1d(y1, roi_h / out_h, out_h, grid_h, h)
        xl, xh, wxl, wxh = _samples_1d(x1, roi_w / out_w, out_w, grid_w, w)
        f = features[int(b)]
        yl, yh, wyl, wyh = yl[:, None], yh[:, None], wyl[:, None], wyh[:, None]
        # bilinear interpolation is separable: the 2-D weights are outer products of the 1-D ones
        v = (f[:, yl, xl] * (wyl * wxl) + f[:, yl, xh] * (wyl * wxh)
             + f[:, yh, xl] * (wyh * wxl) + f[:, yh, xh] * (wyh * wxh))
        out[k] = v.reshape(c, out_h, grid_h, out_w, grid_w).mean(axis=(2, 4))
    return out
