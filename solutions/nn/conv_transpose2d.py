"""Transposed 2-D convolution ("deconvolution") in numpy: every input pixel stamps a scaled copy of the kernel."""

import numpy as np


def _pair(value, name: str, minimum: int) -> tuple[int, int]:
    pair = (value, value) if np.ndim(value) == 0 else tuple(value)
    if len(pair) != 2 or any(int(v) != v or v < minimum for v in pair):
        raise ValueError(f"{name} must be an int >= {minimum} or a pair of them, got {value!r}")
    return int(pair[0]), int(pair[1])


def conv_transpose2d(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, stride=1, padding=0,
                     output_padding=0) -> np.ndarray:
    (sh, sw), (ph, pw) = _pair(stride, "stride", 1), _pair(padding, "padding", 0)
    oph, opw = _pair(output_padding, "output_padding", 0)
    if oph >= sh or opw >= sw:
        raise ValueError(f"output_padding {(oph, opw)} must be smaller than the stride {(sh, sw)}")
    if x.ndim != 4 or w.ndim != 4 or w.shape[0] != x.shape[1]:
        raise ValueError(f"need x (N, C_in, H, W) and w (C_in, C_out, KH, KW), got {x.shape} and {w.shape}")
    n, _, h, wd = x.shape
    _, c_out, kh, kw = w.shape
    if b is not None and np.shape(b) != (c_out,):
        raise ValueError(f"b must be None or have shape ({c_out},), got {np.shape(b)}")
    oh, ow = (h - 1) * sh - 2 * ph + kh + oph, (wd - 1) * sw - 2 * pw + kw + opw
    if oh < 1 or ow < 1:
        raise ValueError(f"padding {(ph, pw)} leaves no output (size {oh}x{ow})")

    stamps = np.tensordot(x, w, axes=([1], [0]))  # (N, H, W, C_out, KH, KW): x[n, :, i, j] @ w
    full = np.zeros((n, c_out, (h - 1) * sh + kh + oph, (wd - 1) * sw + kw + opw), dtype=x.dtype)
    for u in range(kh):
        for v in range(kw):
            # tap (u, v) of the stamp of input pixel (i, j) lands on output pixel (i*sh + u, j*sw + v)
            rows, cols = slice(u, u + (h - 1) * sh + 1, sh), slice(v, v + (wd - 1) * sw + 1, sw)
            full[:, :, rows, cols] += stamps[..., u, v].transpose(0, 3, 1, 2)
    out = full[:, :, ph : ph + oh, pw : pw + ow]  # padding crops the full result
    if b is not None:
        out = out + b.reshape(1, c_out, 1, 1)
    return np.ascontiguousarray(out, dtype=x.dtype)
