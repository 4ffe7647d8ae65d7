"""Known-wrong and slow-but-correct answers to nn/conv2d; `nox -s verify` proves the tests catch every one."""

import numpy as np

from solutions.nn import conv2d as ref


def _forward(mistake):
    def conv2d_forward(x, w, b, stride=1, padding=0, dilation=1, groups=1):
        if mistake == "flipped_kernel":
            w = w[:, :, ::-1, ::-1]
        elif mistake == "dilation_as_padding":  # a dense kernel and a wider zero border
            (ph, pw), (dh, dw) = ref._pair(padding, "padding", 0), ref._pair(dilation, "dilation", 1)
            padding, dilation = (ph + dh - 1, pw + dw - 1), 1
        elif mistake == "interleaved_groups" and x.ndim == 4 and x.shape[1] % groups == 0:
            # group g takes channels g, g + G, g + 2G, ... instead of the block g*C/G ... (g+1)*C/G - 1
            x = x[:, np.arange(x.shape[1]).reshape(-1, groups).T.ravel()]
        return ref.conv2d_forward(x, w, b, stride, padding, dilation, groups)

    return conv2d_forward


def _backward(mistake):
    def conv2d_backward(dout, cache):
        dx, dw, db = ref.conv2d_backward(dout, cache)
        if mistake == "dw_missing_batch_sum":
            last = np.zeros_like(dout)
            last[-1:] = dout[-1:]  # `dw = ...` inside a loop over the batch instead of `dw += ...`
            dw = ref.conv2d_backward(last, cache)[1]
        elif mistake == "db_wrong_axes" and db is not None:
            db = dout.sum(axis=(0, 1, 2))  # the NHWC habit
        elif mistake == "dx_without_stride_scatter":
            dx = _dx_without_stride(dout, cache)
        return dx, dw, db

    return conv2d_backward


def _dx_without_stride(dout, cache):
    cols, wmat, (n, c, h, wd), (hp, wp), _, (ph, pw), _, (kh, kw), _ = cache
    g, fg, _ = wmat.shape
    oh, ow = dout.shape[2:]
    dmat = dout.reshape(n, g, fg, oh, ow).transpose(1, 0, 3, 4, 2).reshape(g, n * oh * ow, fg)
    dcols = (dmat @ wmat).reshape(g, n, oh, ow, c // g, kh, kw).transpose(1, 0, 4, 5, 6, 2, 3)
    dxp = np.zeros((n, g, c // g, hp, wp), dtype=dcols.dtype)
    for u in range(kh):
        for v in range(kw):
            dxp[:, :, :, u : u + oh, v : v + ow] += dcols[:, :, :, u, v]  # as if stride and dilation were 1
    return dxp[:, :, :, ph : ph + h, pw : pw + wd].reshape(n, c, h, wd).astype(cols.dtype)


def conv2d_forward(x, w, b, stride=1, padding=0, dilation=1, groups=1):
    """Correct, but six nested Python loops (sample, filter, row, column, kernel row, kernel column)."""
    (sh, sw), (ph, pw) = ref._pair(stride, "stride", 1), ref._pair(padding, "padding", 0)
    dh, dw = ref._pair(dilation, "dilation", 1)
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError("bad shapes")
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    if int(groups) != groups or groups < 1 or c % groups or f % groups or cg * groups != c:
        raise ValueError("bad groups")
    if b is not None and np.shape(b) != (f,):
        raise ValueError("bad bias")
    (oh, _), (ow, _) = ref._taps(h, kh, ph, sh, dh), ref._taps(wd, kw, pw, sw, dw)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((n, f, oh, ow), dtype=x.dtype)
    for i_n in range(n):
        for i_f in range(f):
            chans = slice(i_f // (f // groups) * cg, (i_f // (f // groups) + 1) * cg)
            for i in range(oh):
                for j in range(ow):
                    acc = 0.0 if b is None else b[i_f]
                    for u in range(kh):
                        for v in range(kw):
                            acc += xp[i_n, chans, i * sh + u * dh, j * sw + v * dw] @ w[i_f, :, u, v]
                    out[i_n, i_f, i, j] = acc
    return out, (xp, w, b, (sh, sw), (ph, pw), (dh, dw), groups, x.shape)


def conv2d_backward(dout, cache):
    xp, w, b, (sh, sw), (ph, pw), (dh, dw), groups, (n, c, h, wd) = cache
    f, cg, kh, kw = w.shape
    dxp, dweight = np.zeros_like(xp), np.zeros_like(w)
    for i_n in range(n):
        for i_f in range(f):
            chans = slice(i_f // (f // groups) * cg, (i_f // (f // groups) + 1) * cg)
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    for u in range(kh):
                        for v in range(kw):
                            r, s = i * sh + u * dh, j * sw + v * dw
                            dxp[i_n, chans, r, s] += dout[i_n, i_f, i, j] * w[i_f, :, u, v]
                            dweight[i_f, :, u, v] += dout[i_n, i_f, i, j] * xp[i_n, chans, r, s]
    db = None if b is None else dout.sum(axis=(0, 2, 3)).astype(b.dtype)
    return dxp[:, :, ph : ph + h, pw : pw + wd].copy(), dweight, db


WRONG = {m: {"conv2d_forward": _forward(m)} for m in ("flipped_kernel", "dilation_as_padding", "interleaved_groups")}
WRONG.update({m: {"conv2d_backward": _backward(m)}
              for m in ("dw_missing_batch_sum", "db_wrong_axes", "dx_without_stride_scatter")})
SLOW = {"six_loops": {"conv2d_forward": conv2d_forward, "conv2d_backward": conv2d_backward}}
