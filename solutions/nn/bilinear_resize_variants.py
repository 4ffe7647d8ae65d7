"""Known-wrong, slow-but-correct and torch-kernel-style answers to nn/bilinear_resize; `nox -s verify`
proves the tests catch every one as declared in kata.toml."""

import math

import numpy as np


def _check(image, out_h, out_w, dtype_check=True, size_check=True):
    image = np.asarray(image)
    if image.ndim not in (2, 3) or 0 in image.shape[:2]:
        raise ValueError("bad shape")
    if dtype_check and image.dtype.kind != "f":
        raise ValueError("bad dtype")
    if size_check and (out_h < 1 or out_w < 1):
        raise ValueError("bad size")
    return image


def _mutant(*, swap_align=False, half_pixel=True, clamp_left=True, nearest=False, swap_axes=False,
            dtype_check=True, size_check=True, keep_dtype=True, same_size_shortcut=False):
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
        image = _check(image, out_h, out_w, dtype_check, size_check)
        h, w = image.shape[:2]
        if same_size_shortcut and (h, w) == (out_h, out_w):
            return image  # "nothing to do": but the caller now holds its own image twice
        by_rows, by_cols = ((w, out_w), (h, out_h)) if swap_axes else ((h, out_h), (w, out_w))
        y0, y1, wy = axis(h, out_h, align_corners, by_rows)
        x0, x1, wx = axis(w, out_w, align_corners, by_cols)
        extra = (1,) * (image.ndim - 2)
        wy, wx = wy.reshape(-1, 1, *extra), wx.reshape(1, -1, *extra)
        rows = image[y0] * (1 - wy) + image[y1] * wy
        out = rows[:, x0] * (1 - wx) + rows[:, x1] * wx
        return out.astype(image.dtype) if keep_dtype and image.dtype.kind == "f" else out

    return resize_bilinear


def torch_cpu_style(input, out_h, out_w, align_corners=False):
    """Written in the style of torch's upsample_bilinear2d CPU kernel: area_pixel_compute_source_index,
    h1 = int(h1r), h1p = 1 if h1 < input_height - 1 else 0, lambdas, four taps."""
    input = np.asarray(input)
    if input.ndim not in (2, 3) or input.shape[0] < 1 or input.shape[1] < 1:
        raise ValueError("input must be (H, W) or (H, W, C)")
    if input.dtype.kind != "f":
        raise ValueError("input must be a float array")
    if out_h < 1 or out_w < 1:
        raise ValueError("output size must be >= 1")
    input_height, input_width = input.shape[:2]

    def area_pixel_compute_scale(in_size, out_size):
        if align_corners:
            return (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
        return in_size / out_size

    def area_pixel_compute_source_index(scale, dst_index):
        if align_corners:
            return scale * dst_index
        src = scale * (dst_index + 0.5) - 0.5
        return np.where(src < 0, 0.0, src)

    h1r = area_pixel_compute_source_index(area_pixel_compute_scale(input_height, out_h), np.arange(out_h))
    h1 = h1r.astype(np.int64)
    h1p = np.where(h1 < input_height - 1, 1, 0)
    h1lambda = h1r - h1
    h0lambda = 1.0 - h1lambda
    w1r = area_pixel_compute_source_index(area_pixel_compute_scale(input_width, out_w), np.arange(out_w))
    w1 = w1r.astype(np.int64)
    w1p = np.where(w1 < input_width - 1, 1, 0)
    w1lambda = w1r - w1
    w0lambda = 1.0 - w1lambda
    c = (1,) * (input.ndim - 2)
    h0l, h1l = h0lambda.reshape(-1, 1, *c), h1lambda.reshape(-1, 1, *c)
    w0l, w1l = w0lambda.reshape(1, -1, *c), w1lambda.reshape(1, -1, *c)
    H, H1, W, W1 = h1[:, None], (h1 + h1p)[:, None], w1[None, :], (w1 + w1p)[None, :]
    out = h0l * (w0l * input[H, W] + w1l * input[H, W1]) + h1l * (w0l * input[H1, W] + w1l * input[H1, W1])
    return out.astype(input.dtype)


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
    "float64_output": {"resize_bilinear": _mutant(keep_dtype=False)},
    "same_size_returns_input": {"resize_bilinear": _mutant(same_size_shortcut=True)},
    "accepts_integer_images": {"resize_bilinear": _mutant(dtype_check=False)},
    "no_output_size_check": {"resize_bilinear": _mutant(size_check=False)},
}
CANONICAL = {"torch_upsample_bilinear2d": {"resize_bilinear": torch_cpu_style}}
SLOW = {"per_pixel_loop": {"resize_bilinear": resize_bilinear}}
