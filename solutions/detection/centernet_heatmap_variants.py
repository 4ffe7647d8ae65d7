"""Known-wrong answers to detection/centernet_heatmap, and one written in the style of CenterNet's own
code; `nox -s verify` proves the tests catch every wrong one. Never shown to learners."""

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


def _radius(*, pick=min, rounded=False, check=True, as_array=False):
    def gaussian_radius(height, width, min_overlap=0.7):
        if check and not (height > 0 and width > 0 and 0 < min_overlap <= 1):
            raise ValueError("bad size or overlap")
        h, w, o = float(height), float(width), float(min_overlap)
        r1 = ((h + w) - math.sqrt((h + w) ** 2 - 4 * h * w * (1 - o) / (1 + o))) / 2
        r2 = (2 * (h + w) - math.sqrt(max(0.0, 4 * (h + w) ** 2 - 16 * (1 - o) * h * w))) / 8
        r3 = (-2 * o * (h + w) + math.sqrt(max(0.0, 4 * o * o * (h + w) ** 2 + 16 * o * (1 - o) * h * w))) / (8 * o)
        r = pick(r1, r2, r3)
        if rounded:  # the caller's max(0, int(r)) folded in
            return max(0, int(r))
        return np.array(r) if as_array else r

    return gaussian_radius


def _drawer(*, combine="max", sigma=None, crop="centred", end_off_by_one=False, swap_xy=False, in_place=False,
            disc=False, dtype_out=None, check_heat=True, check_center=True, check_radius=True):
    def draw_gaussian(heatmap, center, radius):
        heatmap = np.asarray(heatmap)
        if check_heat and (heatmap.ndim != 2 or heatmap.dtype.kind != "f"):
            raise ValueError("heatmap must be a 2-D float array")
        if check_center and (len(center) != 2 or not all(isinstance(v, (int, np.integer)) for v in center)):
            raise ValueError("center must be two integers")
        if check_radius and (not isinstance(radius, (int, np.integer)) or radius < 0):
            raise ValueError("radius must be an integer >= 0")
        H, W = heatmap.shape[:2]
        x, y, r = int(center[0]), int(center[1]), int(radius)
        if check_center and not (0 <= x < W and 0 <= y < H):
            raise ValueError("center outside")
        if swap_xy:  # treats center as (row, col)
            x, y = y, x
        s = (2 * r + 1) / 6 if sigma is None else sigma(r)
        d = np.arange(-r, r + 1, dtype=np.float64)
        if r == 0 and sigma is not None:
            g = np.ones((1, 1))
        else:
            g = np.exp(-(d[:, None] ** 2 + d[None, :] ** 2) / (2 * s**2))
        if disc:  # a round window instead of the square
            g[d[:, None] ** 2 + d[None, :] ** 2 > r * r] = 0
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
        out = heatmap if in_place else heatmap.astype(dtype_out or heatmap.dtype, copy=True)
        window = out[y1:y2, x1:x2]
        if combine == "sum":
            window += g[gy, gx]
        elif combine == "overwrite":
            window[...] = g[gy, gx]
        else:
            np.maximum(window, g[gy, gx], out=window)
        return out

    return draw_gaussian


# --- Written anew in the style of xingyizhou/CenterNet src/lib/utils/image.py (gaussian_radius,
# gaussian2D, draw_umich_gaussian), adapted to this kata's signatures: the release radius formula, no
# input checks, drawing in place into the caller's heatmap.

def cn_gaussian_radius(height, width, min_overlap=0.7):
    a1 = 1
    b1 = height + width
    c1 = width * height * (1 - min_overlap) / (1 + min_overlap)
    sq1 = np.sqrt(b1 ** 2 - 4 * a1 * c1)
    r1 = (b1 + sq1) / 2
    a2 = 4
    b2 = 2 * (height + width)
    c2 = (1 - min_overlap) * width * height
    sq2 = np.sqrt(b2 ** 2 - 4 * a2 * c2)
    r2 = (b2 + sq2) / 2
    a3 = 4 * min_overlap
    b3 = -2 * min_overlap * (height + width)
    c3 = (min_overlap - 1) * width * height
    sq3 = np.sqrt(b3 ** 2 - 4 * a3 * c3)
    r3 = (b3 + sq3) / 2
    return min(r1, r2, r3)


def cn_gaussian2D(shape, sigma=1):
    m, n = [(ss - 1.) / 2. for ss in shape]
    y, x = np.ogrid[-m:m + 1, -n:n + 1]
    h = np.exp(-(x * x + y * y) / (2 * sigma * sigma))
    h[h < np.finfo(h.dtype).eps * h.max()] = 0
    return h


def cn_draw_umich_gaussian(heatmap, center, radius, k=1):
    diameter = 2 * radius + 1
    gaussian = cn_gaussian2D((diameter, diameter), sigma=diameter / 6)
    x, y = int(center[0]), int(center[1])
    height, width = heatmap.shape[0:2]
    left, right = min(x, radius), min(width - x, radius + 1)
    top, bottom = min(y, radius), min(height - y, radius + 1)
    masked_heatmap = heatmap[y - top:y + bottom, x - left:x + right]
    masked_gaussian = gaussian[radius - top:radius + bottom, radius - left:radius + right]
    if min(masked_gaussian.shape) > 0 and min(masked_heatmap.shape) > 0:
        np.maximum(masked_heatmap, masked_gaussian * k, out=masked_heatmap)
    return heatmap


WRONG = {
    "centernet_code_radius": {"gaussian_radius": centernet_code_radius},
    "max_of_the_three_radii": {"gaussian_radius": _radius(pick=max)},
    "radius_rounded": {"gaussian_radius": _radius(rounded=True)},
    "radius_as_array": {"gaussian_radius": _radius(as_array=True)},
    "no_radius_check": {"gaussian_radius": _radius(check=False)},
    "sum_not_max": {"draw_gaussian": _drawer(combine="sum")},
    "overwrites_window": {"draw_gaussian": _drawer(combine="overwrite")},
    "sigma_is_radius": {"draw_gaussian": _drawer(sigma=lambda r: float(r))},
    "crop_misaligned_at_border": {"draw_gaussian": _drawer(crop="corner")},
    "window_end_off_by_one": {"draw_gaussian": _drawer(end_off_by_one=True)},
    "center_as_row_col": {"draw_gaussian": _drawer(swap_xy=True)},
    "disc_window": {"draw_gaussian": _drawer(disc=True)},
    "modifies_heatmap": {"draw_gaussian": _drawer(in_place=True)},
    "float64_result": {"draw_gaussian": _drawer(dtype_out=np.float64)},
    "no_heatmap_check": {"draw_gaussian": _drawer(check_heat=False)},
    "no_center_check": {"draw_gaussian": _drawer(check_center=False)},
    "no_draw_radius_check": {"draw_gaussian": _drawer(check_radius=False)},
}
CANONICAL = {"centernet": {"gaussian_radius": cn_gaussian_radius, "draw_gaussian": cn_draw_umich_gaussian}}
SLOW = {}
