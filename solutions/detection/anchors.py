"""Anchor generation: zero-centred base anchors, shifted over a feature-map grid."""

import numpy as np


def base_anchors(sizes, aspect_ratios) -> np.ndarray:
    sizes = np.asarray(sizes, dtype=np.float64).reshape(-1)
    ratios = np.asarray(aspect_ratios, dtype=np.float64).reshape(-1)
    if sizes.size == 0 or ratios.size == 0 or (sizes <= 0).any() or (ratios <= 0).any():
        raise ValueError("sizes and aspect_ratios must be non-empty sequences of positive numbers")
    h_ratio = np.sqrt(ratios)  # h / w = r and w * h = s**2
    ws = (sizes[None, :] / h_ratio[:, None]).reshape(-1)  # (ratio, size) -> ratio-major rows
    hs = (sizes[None, :] * h_ratio[:, None]).reshape(-1)
    return np.stack([-ws, -hs, ws, hs], axis=1) / 2


def grid_anchors(base: np.ndarray, feature_shape, stride, offset: float = 0.0) -> np.ndarray:
    base = np.asarray(base, dtype=np.float64)
    if base.ndim != 2 or base.shape[1] != 4:
        raise ValueError(f"base must have shape (A, 4), got {base.shape}")
    if len(feature_shape) != 2 or any(int(v) != v or v < 0 for v in feature_shape):
        raise ValueError(f"feature_shape must be (H, W) with ints >= 0, got {feature_shape}")
    stride_y, stride_x = np.broadcast_to(np.asarray(stride, dtype=np.float64), (2,))
    if stride_y <= 0 or stride_x <= 0:
        raise ValueError(f"stride must be positive, got {stride}")
    h, w = (int(v) for v in feature_shape)
    cy = (np.arange(h) + offset) * stride_y
    cx = (np.arange(w) + offset) * stride_x
    cy, cx = np.meshgrid(cy, cx, indexing="ij")  # (H, W): y outer, x inner
    shifts = np.stack([cx, cy, cx, cy], axis=-1).reshape(-1, 1, 4)
    return (shifts + base[None]).reshape(-1, 4)  # (H*W, A, 4): all anchors of a cell together
