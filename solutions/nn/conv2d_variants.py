"""Known-wrong, slow-but-correct and cs231n-style answers to nn/conv2d; `nox -s verify` proves the tests
catch every one as declared in kata.toml."""

import numpy as np

from solutions.nn import conv2d as ref


def _forward(mistake):
    def conv2d_forward(x, w, b, stride=1, padding=0, dilation=1, groups=1):
        if mistake == "flipped_kernel":
            w = w[:, :, ::-1, ::-1]
        elif mistake == "dilation_as_padding":  # a dense kernel and a wider zero border
            (ph, pw), (dh, dw) = ref._pair(padding, "padding", 0), ref._pair(dilation, "dilation", 1)
            padding, dilation = (ph + dh - 1, pw + dw - 1), 1
        elif mistake == "no_bias_check" and b is not None and np.shape(b) == (1,):
            b = np.repeat(b, w.shape[0])  # a (1,) bias broadcast onto every channel, silently
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
        elif mistake == "db_zeros_without_bias" and db is None:
            db = np.zeros(dout.shape[1], dout.dtype)  # cs231n always has a bias
        elif mistake == "float64_gradients":
            dx, dw = dx.astype(np.float64), dw.astype(np.float64)
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


def _im2col_indices(x_shape, kh, kw, ph, pw, sh, sw, dh, dw):
    """cs231n's get_im2col_indices, with dilation and a pair of strides and paddings."""
    n, c, h, wd = x_shape
    out_h = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    out_w = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    i0 = np.tile(np.repeat(np.arange(kh) * dh, kw), c)
    i1 = sh * np.repeat(np.arange(out_h), out_w)
    j0 = np.tile(np.arange(kw) * dw, kh * c)
    j1 = sw * np.tile(np.arange(out_w), out_h)
    i = i0.reshape(-1, 1) + i1.reshape(1, -1)
    j = j0.reshape(-1, 1) + j1.reshape(1, -1)
    k = np.repeat(np.arange(c), kh * kw).reshape(-1, 1)
    return k, i, j, out_h, out_w


def cs231n_forward(x, w, b, stride=1, padding=0, dilation=1, groups=1):
    """In the style of cs231n's conv_forward_im2col (im2col_indices), one matrix product per group."""
    (sh, sw), (ph, pw) = ref._pair(stride, "stride", 1), ref._pair(padding, "padding", 0)
    dh, dw = ref._pair(dilation, "dilation", 1)
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError("x and w must be 4-D")
    N, C, H, W = x.shape
    F, Cg, HH, WW = w.shape
    if groups < 1 or C % groups or F % groups or Cg * groups != C:
        raise ValueError("bad groups")
    if b is not None and np.shape(b) != (F,):
        raise ValueError("bad bias")
    if H + 2 * ph < dh * (HH - 1) + 1 or W + 2 * pw < dw * (WW - 1) + 1:
        raise ValueError("kernel larger than the padded input")
    x_padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant")
    k, i, j, out_h, out_w = _im2col_indices((N, Cg, H, W), HH, WW, ph, pw, sh, sw, dh, dw)
    Fg, out, x_cols = F // groups, [], []
    for g in range(groups):
        cols = x_padded[:, g * Cg : (g + 1) * Cg][:, k, i, j]  # (N, Cg*HH*WW, out_h*out_w)
        cols = cols.transpose(1, 2, 0).reshape(Cg * HH * WW, -1)
        x_cols.append(cols)
        out.append(w[g * Fg : (g + 1) * Fg].reshape(Fg, -1) @ cols)
    out = np.concatenate(out).reshape(F, out_h, out_w, N).transpose(3, 0, 1, 2)
    if b is not None:
        out = out + b.reshape(1, -1, 1, 1)
    return out, (x.shape, w, b, (sh, sw, ph, pw, dh, dw, groups), x_cols)


def cs231n_backward(dout, cache):
    """In the style of cs231n's conv_backward_im2col: dw = dout_rows @ x_cols.T, col2im_indices with np.add.at."""
    (N, C, H, W), w, b, (sh, sw, ph, pw, dh, dw, groups), x_cols = cache
    F, Cg, HH, WW = w.shape
    Fg = F // groups
    db = None if b is None else np.sum(dout, axis=(0, 2, 3))
    dx_padded = np.zeros((N, C, H + 2 * ph, W + 2 * pw), dtype=dout.dtype)
    k, i, j, out_h, out_w = _im2col_indices((N, Cg, H, W), HH, WW, ph, pw, sh, sw, dh, dw)
    dws = []
    for g in range(groups):
        dout_reshaped = dout[:, g * Fg : (g + 1) * Fg].transpose(1, 2, 3, 0).reshape(Fg, -1)
        dws.append((dout_reshaped @ x_cols[g].T).reshape(Fg, Cg, HH, WW))
        dx_cols = w[g * Fg : (g + 1) * Fg].reshape(Fg, -1).T @ dout_reshaped
        dx_cols = dx_cols.reshape(Cg * HH * WW, out_h * out_w, N).transpose(2, 0, 1)
        np.add.at(dx_padded, (slice(None), k + g * Cg, i, j), dx_cols)
    dx = dx_padded[:, :, ph : ph + H, pw : pw + W]
    return dx, np.concatenate(dws), db


WRONG = {m: {"conv2d_forward": _forward(m)}
         for m in ("flipped_kernel", "dilation_as_padding", "interleaved_groups", "no_bias_check")}
WRONG.update({m: {"conv2d_backward": _backward(m)}
              for m in ("dw_missing_batch_sum", "db_wrong_axes", "dx_without_stride_scatter", "db_zeros_without_bias",
                        "float64_gradients")})
CANONICAL = {"cs231n_im2col": {"conv2d_forward": cs231n_forward, "conv2d_backward": cs231n_backward}}
SLOW = {"six_loops": {"conv2d_forward": conv2d_forward, "conv2d_backward": conv2d_backward}}
