"""2-D convolution (cross-correlation) in numpy, forward and backward, by im2col and one matrix product.

Stride, zero padding, dilation and groups, NCHW, like ``torch.nn.functional.conv2d``."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _pair(value, name: str, minimum: int) -> tuple[int, int]:
    pair = (value, value) if np.ndim(value) == 0 else tuple(value)
    if len(pair) != 2 or any(int(v) != v or v < minimum for v in pair):
        raise ValueError(f"{name} must be an int >= {minimum} or a pair of them, got {value!r}")
    return int(pair[0]), int(pair[1])


def _taps(size: int, kernel: int, pad: int, step: int, dil: int) -> tuple[int, int]:
    """Output length, and the padded length, along one spatial axis."""
    span = dil * (kernel - 1) + 1  # what a dilated kernel covers
    if size + 2 * pad < span:
        raise ValueError(f"the kernel spans {span} pixels, more than the padded input's {size + 2 * pad}")
    return (size + 2 * pad - span) // step + 1, size + 2 * pad


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, stride=1, padding=0, dilation=1, groups=1):
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(padding, "padding", 0)
    dil_h, dil_w = _pair(dilation, "dilation", 1)
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(f"need x (N, C, H, W) and w (F, C // groups, KH, KW), got {x.shape} and {w.shape}")
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    if int(groups) != groups or groups < 1 or c % groups or f % groups or cg * groups != c:
        raise ValueError(f"groups={groups} must divide C={c} and F={f}, and w.shape[1] must be C // groups")
    if b is not None and np.shape(b) != (f,):
        raise ValueError(f"b must be None or have shape ({f},), got {np.shape(b)}")
    (oh, hp), (ow, wp) = _taps(h, kh, ph, sh, dil_h), _taps(wd, kw, pw, sw, dil_w)
    g, fg = groups, f // groups

    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    # Every receptive field as a view (N, C, OH, OW, KH, KW): a window of the dilated span, then
    # every `stride`-th window and every `dilation`-th tap inside it. No copy yet.
    span = (dil_h * (kh - 1) + 1, dil_w * (kw - 1) + 1)
    win = sliding_window_view(xp, span, axis=(2, 3))[:, :, ::sh, ::sw, ::dil_h, ::dil_w]
    # im2col: one row per (n, i, j), one column per (c, u, v), a block of rows per group (this copies).
    cols = win.reshape(n, g, cg, oh, ow, kh, kw).transpose(1, 0, 3, 4, 2, 5, 6).reshape(g, n * oh * ow, cg * kh * kw)
    wmat = w.reshape(g, fg, cg * kh * kw)
    out = cols @ wmat.transpose(0, 2, 1)  # (G, N*OH*OW, F/G): one batched matrix product
    out = out.reshape(g, n, oh, ow, fg).transpose(1, 0, 4, 2, 3).reshape(n, f, oh, ow)
    if b is not None:
        out = out + b.reshape(1, f, 1, 1)
    b_dtype = None if b is None else b.dtype
    cache = (cols, wmat, x.shape, (hp, wp), (sh, sw), (ph, pw), (dil_h, dil_w), (kh, kw), b_dtype)
    return out.astype(x.dtype, copy=False), cache


def conv2d_backward(dout: np.ndarray, cache):
    cols, wmat, (n, c, h, wd), (hp, wp), (sh, sw), (ph, pw), (dil_h, dil_w), (kh, kw), b_dtype = cache
    g, fg, _ = wmat.shape
    cg, oh, ow = c // g, dout.shape[2], dout.shape[3]
    dmat = dout.reshape(n, g, fg, oh, ow).transpose(1, 0, 3, 4, 2).reshape(g, n * oh * ow, fg)

    dw = (dmat.transpose(0, 2, 1) @ cols).reshape(g * fg, cg, kh, kw)  # sums over the batch and positions
    db = None if b_dtype is None else dout.sum(axis=(0, 2, 3)).astype(b_dtype, copy=False)

    # col2im: every tap (u, v) of every window sends its gradient back to the input pixel it read.
    dcols = (dmat @ wmat).reshape(g, n, oh, ow, cg, kh, kw).transpose(1, 0, 4, 5, 6, 2, 3)
    dxp = np.zeros((n, g, cg, hp, wp), dtype=dcols.dtype)
    for u in range(kh):
        for v in range(kw):
            rows = slice(u * dil_h, u * dil_h + sh * (oh - 1) + 1, sh)  # the pixels tap (u, v) read
            columns = slice(v * dil_w, v * dil_w + sw * (ow - 1) + 1, sw)
            dxp[:, :, :, rows, columns] += dcols[:, :, :, u, v]
    dx = dxp[:, :, :, ph : ph + h, pw : pw + wd].reshape(n, c, h, wd)
    return dx.astype(cols.dtype, copy=False), dw.astype(wmat.dtype, copy=False), db
