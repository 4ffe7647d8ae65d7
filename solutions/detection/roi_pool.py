"""RoIPool in numpy, with the semantics of torchvision.ops.roi_pool."""

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


def _round_half_away(v):
    """C's round(): halves go away from zero (np.round sends them to the even neighbour)."""
    whole = np.trunc(v)
    return (whole + np.sign(v) * (np.abs(v - whole) >= 0.5)).astype(np.int64)


def _bin_edges(start, end, bins, size):
    """First and one-past-last index of every bin along one axis, clipped to [0, size]."""
    bin_size = max(end - start + 1, 1) / bins  # the quantised box includes both end pixels
    p = np.arange(bins)
    lo = np.floor(p * bin_size).astype(np.int64) + start
    hi = np.ceil((p + 1) * bin_size).astype(np.int64) + start
    return np.clip(lo, 0, size), np.clip(hi, 0, size)


def roi_pool(features: np.ndarray, rois: np.ndarray, output_size, spatial_scale: float = 1.0) -> np.ndarray:
    features, rois = _checked(features, rois)
    out_h, out_w = _pair(output_size)
    _, c, h, w = features.shape
    out = np.zeros((len(rois), c, out_h, out_w), dtype=features.dtype)  # empty bins stay 0
    corners = _round_half_away(rois[:, 1:].astype(np.float64) * spatial_scale)
    for k, (x1, y1, x2, y2) in enumerate(corners.tolist()):
        fmap = features[int(rois[k, 0])]
        hs, he = _bin_edges(y1, y2, out_h, h)
        ws, we = _bin_edges(x1, x2, out_w, w)
        for ph in range(out_h):
            for pw in range(out_w):
                if hs[ph] < he[ph] and ws[pw] < we[pw]:
                    out[k, :, ph, pw] = fmap[:, hs[ph]:he[ph], ws[pw]:we[pw]].max(axis=(1, 2))
    return out
