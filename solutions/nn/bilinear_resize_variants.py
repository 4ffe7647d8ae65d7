"""Known-wrong and slow-but-correct answers to nn/bilinear_resize; `nox -s verify` proves the tests catch
every one."""

import math

import numpy as np


def _check(image, out_h, out_w):
    image = np.asarray(image)
    if image.ndim not in (2, 3) or 0 in image.shape[:2] or image.dtype.kind != "f" or out_h < 1 or out_w < 1:
        raise ValueError("bad input")
    return image


def _mutant(*, swap_align=False, half_pixel=True, clamp_left=True, nearest=False, swap_axes=False):
    def axis(n, m, align_corners, scale_from):
        sn, sm = scale_from  # the sizes the scale is computed from (the other axis's, for swap_axes)
        d = np.arange(m, dtype=np.float64)
        if align_corners != swap_align:
            src = d * ((sn - 1) / (sm - 1) if sm > 1 else 0.0)
        elif half_pixel:
            src = (d + 0.5) * (sn / sm) - 0.5
            src = np.maximum(src, 0.0) if clamp_left else src
        else:
            src = d * (sn / sm)  # no half-pixel offset
        if nearest:
            src = np.clip(np.round(src), 0, n - 1)
        i0 = np.minimum(np.floor(src).astype(np.int64), n - 1)  # i0 = -1 reads image[-1]: the far edge
        return i0, np.minimum(i0 + 1, n - 1), src - i0

    def resize_bilinear(image, out_h, out_w, align_corners=False):
        image = _check(image, out_h, out_w)
        h, w = image.shape[:2]
        by_rows, by_cols = ((w, out_w), (h, out_h)) if swap_axes else ((h, out_h), (w, out_w))
        y0, y1, wy = axis(h, out_h, align_corners, by_rows)
        x0, x1, wx = axis(w, out_w, align_corners, by_cols)
        extra = (1,) * (image.ndim - 2)
        wy, wx = wy.reshape(-1, 1, *extra), wx.reshape(1, -1, *extra)
        rows = image[y0] * (1 - wy) + image[y1] * wy
        return (rows[:, x0] * (1 - wx) + rows[:, x1] * wx).astype(image.dtype)

    return resize_bilinear


def resize_bilinear(image, out_h, out_w, align_corners=False):
    """Correct, but a Python loop over every output pixel."""
    image = _check(image, out_h, out_w)
    h, w = image.shape[:2]
    out = np.empty((out_h, out_w) + image.shape[2:], dtype=image.dtype)

    def source(d, n, m):
        if align_corners:
            return d * (n - 1) / (m - 1) if m > 1 else 0.0
        return max((d + 0.5) * n / m - 0.5, 0.0)

    for i in range(out_h):
        sy = source(i, h, out_h)
        y0 = min(math.floor(sy), h - 1)
        y1, ty = min(y0 + 1, h - 1), sy - y0
        for j in range(out_w):
            sx = source(j, w, out_w)
            x0 = min(math.floor(sx), w - 1)
            x1, tx = min(x0 + 1, w - 1), sx - x0
            top = (1 - tx) * image[y0, x0] + tx * image[y0, x1]
            bottom = (1 - tx) * image[y1, x0] + tx * image[y1, x1]
            out[i, j] = (1 - ty) * top + ty * bottom
    return out


WRONG = {
    "align_corners_swapped": {"resize_bilinear": _mutant(swap_align=True)},
    "no_half_pixel_offset": {"resize_bilinear": _mutant(half_pixel=False)},
    "negative_source_not_clamped": {"resize_bilinear": _mutant(clamp_left=False)},
    "rounds_to_nearest": {"resize_bilinear": _mutant(nearest=True)},
    "axes_scales_swapped": {"resize_bilinear": _mutant(swap_axes=True)},
}
SLOW = {"per_pixel_loop": {"resize_bilinear": resize_bilinear}}
