"""Bilinear resize with the exact semantics of torch.nn.functional.interpolate(mode="bilinear")."""

import numpy as np


def _source(in_size: int, out_size: int, align_corners: bool):
    """For each output index along one axis: the two input indices it blends and the weight of the second."""
    dst = np.arange(out_size, dtype=np.float64)
    if align_corners:
        src = dst * ((in_size - 1) / (out_size - 1) if out_size > 1 else 0.0)  # corner pixel centres meet
    else:
        src = np.maximum((dst + 0.5) * (in_size / out_size) - 0.5, 0.0)  # pixel centres; clamp the left edge
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    i1 = np.minimum(i0 + 1, in_size - 1)  # the right edge repeats the last pixel
    return i0, i1, src - i0


def resize_bilinear(image: np.ndarray, out_h: int, out_w: int, align_corners: bool = False) -> np.ndarray:
    image = np.asarray(image)
    if image.ndim not in (2, 3) or image.shape[0] < 1 or image.shape[1] < 1:
        raise ValueError(f"image must be (H, W) or (H, W, C) with H, W >= 1, got shape {image.shape}")
    if image.dtype.kind != "f":
        raise ValueError(f"image must be float32 or float64, got {image.dtype}")
    if int(out_h) != out_h or int(out_w) != out_w or out_h < 1 or out_w < 1:
        raise ValueError(f"output size must be positive integers, got {out_h} x {out_w}")

    y0, y1, wy = _source(image.shape[0], int(out_h), align_corners)
    x0, x1, wx = _source(image.shape[1], int(out_w), align_corners)
    extra = (1,) * (image.ndim - 2)  # broadcast the weights over channels
    wy = wy.astype(image.dtype).reshape(-1, 1, *extra)
    wx = wx.astype(image.dtype).reshape(1, -1, *extra)
    # Separable: blend rows first (out_h, W, ...), then columns (out_h, out_w, ...).
    rows = image[y0] * (1 - wy) + image[y1] * wy
    return rows[:, x0] * (1 - wx) + rows[:, x1] * wx
