"""Known-wrong answers to nn/pooling and a cs231n-style one; `nox -s verify` proves the tests catch
every wrong one and that the cs231n-style one ends as kata.toml declares."""

import numpy as np

from solutions.nn import pooling as ref


def _geometry(x, kernel_size, stride, padding, off_by_one, ceil=False):
    k, s, p, out = ref._geometry(x, kernel_size, stride, padding)
    if off_by_one:
        out = (out[0] - 1, out[1] - 1)  # (H + 2p - k) // s, the "+ 1" forgotten
    if ceil:  # ceil_mode=True: a last, partial window where the stride leaves a remainder
        out = tuple(-(-(x.shape[2 + d] + 2 * p[d] - k[d]) // s[d]) + 1 for d in range(2))
    return k, s, p, out


def _windows(x, k, s, p, out, fill):
    need = [(out[d] - 1) * s[d] + k[d] - x.shape[2 + d] - 2 * p[d] for d in range(2)]  # > 0 only under ceil
    if max(need) > 0:
        x = np.pad(x, ((0, 0), (0, 0), (0, max(need[0], 0)), (0, max(need[1], 0))), constant_values=fill)
    return ref._windows(x, k, s, p, fill)[:, :, :out[0], :out[1]]


def _scatter(per_offset, geometry, accumulate):
    shape, dtype, k, s, p, (oh, ow) = geometry
    extra = [max((o - 1) * st + kk - n - 2 * pp, 0) for o, st, kk, n, pp in zip((oh, ow), s, k, shape[2:], p)]
    if accumulate and not any(extra):
        return ref._scatter(per_offset, geometry)
    dxp = np.zeros(shape[:2] + (shape[2] + 2 * p[0] + extra[0], shape[3] + 2 * p[1] + extra[1]), dtype=dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            if accumulate:
                dxp[:, :, i:i + s[0] * oh:s[0], j:j + s[1] * ow:s[1]] += per_offset(i * k[1] + j)
            else:
                dxp[:, :, i:i + s[0] * oh:s[0], j:j + s[1] * ow:s[1]] = per_offset(i * k[1] + j)  # = instead of +=
    return dxp[:, :, p[0]:p[0] + shape[2], p[1]:p[1] + shape[3]]


def _maxpool(*, ties="first", accumulate=True, off_by_one=False, ceil=False, check=True):
    def maxpool2d_forward(x, kernel_size, stride=None, padding=0):
        k, s, p, out = _geometry(x, kernel_size, stride, padding, off_by_one, ceil)
        win = _windows(x, k, s, p, out, -np.inf)
        y = win.max(axis=-1)
        arg = win.shape[-1] - 1 - win[..., ::-1].argmax(axis=-1) if ties == "last" else win.argmax(axis=-1)
        return y, ((x.shape, x.dtype, k, s, p, out), arg, win, y)

    def maxpool2d_backward(dout, cache):
        geometry, arg, win, y = cache
        if check:
            ref._check_dout(dout, geometry)
        if ties == "all":
            return _scatter(lambda o: np.where(win[..., o] == y, dout, 0), geometry, accumulate)
        return _scatter(lambda o: np.where(arg == o, dout, 0), geometry, accumulate)

    return {"maxpool2d_forward": maxpool2d_forward, "maxpool2d_backward": maxpool2d_backward}


def _avgpool(*, include_pad=True, accumulate=True, off_by_one=False, ceil=False, check=True):
    def avgpool2d_forward(x, kernel_size, stride=None, padding=0):
        k, s, p, out = _geometry(x, kernel_size, stride, padding, off_by_one, ceil)
        count = k[0] * k[1] if include_pad else _windows(np.ones_like(x), k, s, p, out, 0).sum(axis=-1)
        y = _windows(x, k, s, p, out, 0).sum(axis=-1) / count
        return y.astype(x.dtype), ((x.shape, x.dtype, k, s, p, out), count)

    def avgpool2d_backward(dout, cache):
        geometry, count = cache
        if check:
            ref._check_dout(dout, geometry)
        share = dout / count
        return _scatter(lambda o: share, geometry, accumulate)

    return {"avgpool2d_forward": avgpool2d_forward, "avgpool2d_backward": avgpool2d_backward}


def _float64(fn):
    def wrapper(*args, **kwargs):
        out = fn(*args, **kwargs)
        return (out[0].astype(np.float64), out[1]) if isinstance(out, tuple) else out.astype(np.float64)

    wrapper.__name__ = fn.__name__
    return wrapper


def _unchecked_forward(kind):
    """The reference forward without its argument checks: too much padding passes silently."""
    def forward(x, kernel_size, stride=None, padding=0):
        k = ref._pair(kernel_size, "kernel_size")
        s = k if stride is None else ref._pair(stride, "stride")
        p = ref._pair(padding, "padding")
        out = tuple((x.shape[2 + d] + 2 * p[d] - k[d]) // s[d] + 1 for d in range(2))
        geometry = (x.shape, x.dtype, k, s, p, out)
        win = ref._windows(x, k, s, p, -np.inf if kind == "max" else 0)
        if kind == "max":
            return win.max(axis=-1), (geometry, win.argmax(axis=-1))
        return win.mean(axis=-1).astype(x.dtype, copy=False), geometry

    return forward


# In the style of cs231n's max_pool_forward_naive / max_pool_backward_naive: loops over the output,
# a mask of the window's maximum in the backward (every tied maximum gets the gradient), no checks;
# padding added with np.pad, which cs231n's version does not take. Average pooling in the same style.

def _cs231n_params(kernel_size, stride, padding):
    pool_height, pool_width = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size
    stride = (pool_height, pool_width) if stride is None else stride
    stride_h, stride_w = (stride, stride) if np.ndim(stride) == 0 else stride
    pad_h, pad_w = (padding, padding) if np.ndim(padding) == 0 else padding
    return pool_height, pool_width, stride_h, stride_w, pad_h, pad_w


def _pool_forward_naive(x, kernel_size, stride, padding, kind):
    pool_height, pool_width, stride_h, stride_w, pad_h, pad_w = _cs231n_params(kernel_size, stride, padding)
    N, C, H, W = x.shape
    fill = -np.inf if kind == "max" else 0
    xp = np.pad(x, ((0, 0), (0, 0), (pad_h, pad_h), (pad_w, pad_w)), mode="constant", constant_values=fill)
    H_out = 1 + (H + 2 * pad_h - pool_height) // stride_h
    W_out = 1 + (W + 2 * pad_w - pool_width) // stride_w
    out = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            window = xp[:, :, i * stride_h:i * stride_h + pool_height, j * stride_w:j * stride_w + pool_width]
            out[:, :, i, j] = np.max(window, axis=(2, 3)) if kind == "max" else np.mean(window, axis=(2, 3))
    cache = (x, xp, (pool_height, pool_width, stride_h, stride_w, pad_h, pad_w))
    return out, cache


def _pool_backward_naive(dout, cache, kind):
    x, xp, (pool_height, pool_width, stride_h, stride_w, pad_h, pad_w) = cache
    N, C, H_out, W_out = dout.shape
    dxp = np.zeros_like(xp)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride_h, j * stride_w
                    window = xp[n, c, hs:hs + pool_height, ws:ws + pool_width]
                    if kind == "max":
                        mask = window == np.max(window)
                        dxp[n, c, hs:hs + pool_height, ws:ws + pool_width] += mask * dout[n, c, i, j]
                    else:
                        dxp[n, c, hs:hs + pool_height, ws:ws + pool_width] += dout[n, c, i, j] / window.size
    H, W = x.shape[2:]
    return dxp[:, :, pad_h:pad_h + H, pad_w:pad_w + W]


def max_pool_forward_naive(x, kernel_size, stride=None, padding=0):
    return _pool_forward_naive(x, kernel_size, stride, padding, "max")


def max_pool_backward_naive(dout, cache):
    return _pool_backward_naive(dout, cache, "max")


def avg_pool_forward_naive(x, kernel_size, stride=None, padding=0):
    return _pool_forward_naive(x, kernel_size, stride, padding, "avg")


def avg_pool_backward_naive(dout, cache):
    return _pool_backward_naive(dout, cache, "avg")


def _crop_from_corner(fn):
    def backward(dout, cache):
        geometry = cache[0] if isinstance(cache, tuple) and len(cache) == 2 and isinstance(cache[0], tuple) else cache
        shape, dtype, k, s, p, out = geometry
        padded = (shape[0], shape[1], shape[2] + 2 * p[0], shape[3] + 2 * p[1])
        full = fn(dout, _with_geometry(cache, (padded, dtype, k, s, (0, 0), out)))
        return full[:, :, :shape[2], :shape[3]]  # crops the top-left corner instead of removing the padding

    backward.__name__ = fn.__name__
    return backward


def _with_geometry(cache, geometry):
    if isinstance(cache, tuple) and len(cache) == 2 and isinstance(cache[0], tuple):
        return (geometry, cache[1])
    return geometry


def avg_backward_without_divisor(dout, cache):
    ref._check_dout(dout, cache)
    return ref._scatter(lambda offset: dout, cache)  # forgets the 1 / (kh * kw)


WRONG = {
    "max_grad_to_all_ties": _maxpool(ties="all"),
    "max_grad_to_last_tie": _maxpool(ties="last"),
    "overlap_assigns_instead_of_adding": {**_maxpool(accumulate=False), **_avgpool(accumulate=False)},
    "avg_excludes_padding": _avgpool(include_pad=False),
    "output_size_off_by_one": {**_maxpool(off_by_one=True), **_avgpool(off_by_one=True)},
    "crop_from_corner": {"maxpool2d_backward": _crop_from_corner(ref.maxpool2d_backward),
                         "avgpool2d_backward": _crop_from_corner(ref.avgpool2d_backward)},
    "avg_backward_without_divisor": {"avgpool2d_backward": avg_backward_without_divisor},
    "ceil_mode": {**_maxpool(ceil=True), **_avgpool(ceil=True)},
    "returns_float64": {"maxpool2d_forward": _float64(ref.maxpool2d_forward),
                        "avgpool2d_backward": _float64(ref.avgpool2d_backward)},
    "no_argument_checks": {"maxpool2d_forward": _unchecked_forward("max"),
                           "avgpool2d_forward": _unchecked_forward("avg")},
    "no_dout_check": {**_maxpool(check=False), **_avgpool(check=False)},
}
CANONICAL = {"cs231n_naive": {
    "maxpool2d_forward": max_pool_forward_naive, "maxpool2d_backward": max_pool_backward_naive,
    "avgpool2d_forward": avg_pool_forward_naive, "avgpool2d_backward": avg_pool_backward_naive,
}}
SLOW = {}
