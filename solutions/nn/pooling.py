"""2-D max and average pooling in numpy (NCHW), forward and backward, torch's semantics."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _pair(v, name):
    pair = (v, v) if np.ndim(v) == 0 else tuple(v)
    if len(pair) != 2:
        raise ValueError(f"{name} must be an int or a pair, got {v!r}")
    return tuple(int(p) for p in pair)


def _geometry(x, kernel_size, stride, padding):
    if x.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W), got shape {x.shape}")
    k = _pair(kernel_size, "kernel_size")
    s = k if stride is None else _pair(stride, "stride")
    p = _pair(padding, "padding")
    if min(k) < 1 or min(s) < 1 or min(p) < 0 or p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ValueError(f"need kernel >= 1, stride >= 1, 0 <= padding <= kernel // 2; got {k}, {s}, {p}")
    out = tuple((x.shape[2 + d] + 2 * p[d] - k[d]) // s[d] + 1 for d in range(2))
    if min(out) < 1:
        raise ValueError(f"output size {out} is too small for input {x.shape} and kernel {k}")
    return k, s, p, out


def _windows(x, k, s, p, fill):
    """(N, C, H_out, W_out, k_h * k_w): the padded window of every output position."""
    xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])), constant_values=fill)
    win = sliding_window_view(xp, k, axis=(2, 3))[:, :, ::s[0], ::s[1]]
    return win.reshape(win.shape[:4] + (k[0] * k[1],))


def _scatter(per_offset, geometry):
    """Add per_offset(offset), shape (N, C, H_out, W_out), at every window offset of a zero padded
    input, then crop the padding."""
    shape, dtype, k, s, p, (oh, ow) = geometry
    dxp = np.zeros(shape[:2] + (shape[2] + 2 * p[0], shape[3] + 2 * p[1]), dtype=dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            # += : with stride < kernel one input position sits in several windows
            dxp[:, :, i:i + s[0] * oh:s[0], j:j + s[1] * ow:s[1]] += per_offset(i * k[1] + j)
    return dxp[:, :, p[0]:p[0] + shape[2], p[1]:p[1] + shape[3]]


def _check_dout(dout, geometry):
    shape, *_, out = geometry
    expected = shape[:2] + out
    if dout.shape != expected:
        raise ValueError(f"dout must have the output's shape {expected}, got {dout.shape}")


def maxpool2d_forward(x: np.ndarray, kernel_size, stride=None, padding=0):
    k, s, p, out = _geometry(x, kernel_size, stride, padding)
    win = _windows(x, k, s, p, -np.inf)
    arg = win.argmax(axis=-1)  # the first maximum in row-major order within the window
    return win.max(axis=-1), ((x.shape, x.dtype, k, s, p, out), arg)


def maxpool2d_backward(dout: np.ndarray, cache) -> np.ndarray:
    geometry, arg = cache
    _check_dout(dout, geometry)
    return _scatter(lambda offset: np.where(arg == offset, dout, 0), geometry)


def avgpool2d_forward(x: np.ndarray, kernel_size, stride=None, padding=0):
    k, s, p, out = _geometry(x, kernel_size, stride, padding)
    y = _windows(x, k, s, p, 0).mean(axis=-1)  # padding zeros count in the mean
    return y.astype(x.dtype, copy=False), (x.shape, x.dtype, k, s, p, out)


def avgpool2d_backward(dout: np.ndarray, cache) -> np.ndarray:
    geometry = cache
    _check_dout(dout, geometry)
    _, _, (kh, kw), *_ = geometry
    share = dout / (kh * kw)  # every offset of a window gets the same share
    return _scatter(lambda offset: share, geometry)
