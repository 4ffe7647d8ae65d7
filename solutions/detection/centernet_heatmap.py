"""CenterNet heatmap targets: the (corrected) gaussian radius and max-splatting of a gaussian."""

import math
from numbers import Integral

import numpy as np


def gaussian_radius(height: float, width: float, min_overlap: float = 0.7) -> float:
    if not (height > 0 and width > 0 and 0 < min_overlap <= 1):
        raise ValueError(f"need height > 0, width > 0 and 0 < min_overlap <= 1; got {height}, {width}, {min_overlap}")
    h, w, o = float(height), float(width), float(min_overlap)
    # 1. shifted box:  r^2 - (h + w) r + hw (1 - o) / (1 + o) = 0, smaller root
    b1, c1 = h + w, h * w * (1 - o) / (1 + o)
    r1 = (b1 - math.sqrt(b1 * b1 - 4 * c1)) / 2
    # 2. shrunk box:   4 r^2 - 2 (h + w) r + (1 - o) hw = 0, smaller root
    b2, c2 = 2 * (h + w), (1 - o) * h * w
    r2 = (b2 - math.sqrt(b2 * b2 - 16 * c2)) / 8
    # 3. grown box:    4 o r^2 + 2 o (h + w) r - (1 - o) hw = 0, positive root
    a3, b3, c3 = 4 * o, 2 * o * (h + w), (o - 1) * h * w
    r3 = (-b3 + math.sqrt(b3 * b3 - 4 * a3 * c3)) / (2 * a3)
    return min(r1, r2, r3)


def draw_gaussian(heatmap: np.ndarray, center, radius: int) -> np.ndarray:
    heatmap = np.asarray(heatmap)
    if heatmap.ndim != 2 or heatmap.dtype.kind != "f":
        raise ValueError(f"heatmap must be a 2-D float array, got {heatmap.dtype} {heatmap.shape}")
    if len(center) != 2 or not all(isinstance(v, Integral) for v in center):
        raise ValueError(f"center must be two integers (x, y), got {center!r}")
    if not isinstance(radius, Integral) or radius < 0:
        raise ValueError(f"radius must be an integer >= 0, got {radius!r}")
    H, W = heatmap.shape
    x, y, r = int(center[0]), int(center[1]), int(radius)
    if not (0 <= x < W and 0 <= y < H):
        raise ValueError(f"center (x={x}, y={y}) lies outside the {H} x {W} heatmap")

    d = np.arange(-r, r + 1, dtype=np.float64)
    sigma = (2 * r + 1) / 6
    g = np.exp(-(d[:, None] ** 2 + d[None, :] ** 2) / (2 * sigma**2))
    # how far the window reaches on each side before the border cuts it
    left, right = min(x, r), min(W - 1 - x, r)
    top, bottom = min(y, r), min(H - 1 - y, r)
    out = heatmap.copy()
    window = out[y - top:y + bottom + 1, x - left:x + right + 1]
    np.maximum(window, g[r - top:r + bottom + 1, r - left:r + right + 1], out=window)
    return out
