"""Known-wrong answers to detection/centernet_heatmap; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import math

import numpy as np


def centernet_code_radius(height, width, min_overlap=0.7):
    """The CornerNet / CenterNet release formula: the larger root of cases 1 and 2, and / 2 instead of / 2a."""
    if not (height > 0 and width > 0 and 0 < min_overlap <= 1):
        raise ValueError("bad size or overlap")
    h, w, o = float(height), float(width), float(min_overlap)
    b1, c1 = h + w, w * h * (1 - o) / (1 + o)
    r1 = (b1 + math.sqrt(b1**2 - 4 * c1)) / 2
    b2, c2 = 2 * (h + w), (1 - o) * w * h
    r2 = (b2 + math.sqrt(b2**2 - 16 * c2)) / 2
    a3, b3, c3 = 4 * o, -2 * o * (h + w), (o - 1) * w * h
    r3 = (b3 + math.sqrt(b3**2 - 4 * a3 * c3)) / 2
    return min(r1, r2, r3)


def _drawer(*, combine="max", sigma=None, crop="centred", end_off_by_one=False, swap_xy=False, in_place=False):
    def draw_gaussian(heatmap, center, radius):
        heatmap = np.asarray(heatmap)
        if heatmap.ndim != 2 or heatmap.dtype.kind != "f":
            raise ValueError("heatmap must be a 2-D float array")
        if len(center) != 2 or not all(isinstance(v, (int, np.integer)) for v in center):
            raise ValueError("center must be two integers")
        if not isinstance(radius, (int, np.integer)) or radius < 0:
            raise ValueError("radius must be an integer >= 0")
        H, W = heatmap.shape
        x, y, r = int(center[0]), int(center[1]), int(radius)
        if not (0 <= x < W and 0 <= y < H):
            raise ValueError("center outside")
        if swap_xy:  # treats center as (row, col)
            x, y = y, x
        s = (2 * r + 1) / 6 if sigma is None else sigma(r)
        d = np.arange(-r, r + 1, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.exp(-(d[:, None] ** 2 + d[None, :] ** 2) / (2 * s**2))
        if end_off_by_one:  # window end clipped to the last index, then used as an exclusive end
            x1, x2 = max(x - r, 0), min(x + r, W - 1)
            y1, y2 = max(y - r, 0), min(y + r, H - 1)
            gy, gx = slice(y1 - y + r, y2 - y + r), slice(x1 - x + r, x2 - x + r)
        else:
            left, right = min(x, r), min(W - 1 - x, r)
            top, bottom = min(y, r), min(H - 1 - y, r)
            y1, y2, x1, x2 = y - top, y + bottom + 1, x - left, x + right + 1
            if crop == "corner":  # cut from the gaussian's top-left corner, not around its centre
                gy, gx = slice(0, top + bottom + 1), slice(0, left + right + 1)
            else:
                gy, gx = slice(r - top, r + bottom + 1), slice(r - left, r + right + 1)
        out = heatmap if in_place else heatmap.copy()
        window = out[y1:y2, x1:x2]
        if combine == "sum":
            window += g[gy, gx]
        else:
            np.maximum(window, g[gy, gx], out=window)
        return out

    return draw_gaussian


WRONG = {
    "centernet_code_radius": {"gaussian_radius": centernet_code_radius},
    "sum_not_max": {"draw_gaussian": _drawer(combine="sum")},
    "sigma_is_radius": {"draw_gaussian": _drawer(sigma=lambda r: float(r))},
    "crop_misaligned_at_border": {"draw_gaussian": _drawer(crop="corner")},
    "window_end_off_by_one": {"draw_gaussian": _drawer(end_off_by_one=True)},
    "center_as_row_col": {"draw_gaussian": _drawer(swap_xy=True)},
    "modifies_heatmap": {"draw_gaussian": _drawer(in_place=True)},
}
SLOW = {}
