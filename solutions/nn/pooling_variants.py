"""Known-wrong answers to nn/pooling; `nox -s verify` proves the tests catch every one."""

import numpy as np

from solutions.nn import pooling as ref


def _geometry(x, kernel_size, stride, padding, off_by_one):
    k, s, p, out = ref._geometry(x, kernel_size, stride, padding)
    if off_by_one:
        out = (out[0] - 1, out[1] - 1)  # (H + 2p - k) // s, the "+ 1" forgotten
    return k, s, p, out


def _windows(x, k, s, p, out, fill):
    return ref._windows(x, k, s, p, fill)[:, :, :out[0], :out[1]]


def _scatter(per_offset, geometry, accumulate):
    if accumulate:
        return ref._scatter(per_offset, geometry)
    shape, dtype, k, s, p, (oh, ow) = geometry
    dxp = np.zeros(shape[:2] + (shape[2] + 2 * p[0], shape[3] + 2 * p[1]), dtype=dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            dxp[:, :, i:i + s[0] * oh:s[0], j:j + s[1] * ow:s[1]] = per_offset(i * k[1] + j)  # = instead of +=
    return dxp[:, :, p[0]:p[0] + shape[2], p[1]:p[1] + shape[3]]


def _maxpool(*, ties="first", accumulate=True, off_by_one=False):
    def maxpool2d_forward(x, kernel_size, stride=None, padding=0):
        k, s, p, out = _geometry(x, kernel_size, stride, padding, off_by_one)
        win = _windows(x, k, s, p, out, -np.inf)
        y = win.max(axis=-1)
        arg = win.shape[-1] - 1 - win[..., ::-1].argmax(axis=-1) if ties == "last" else win.argmax(axis=-1)
        return y, ((x.shape, x.dtype, k, s, p, out), arg, win, y)

    def maxpool2d_backward(dout, cache):
        geometry, arg, win, y = cache
        if ties == "all":
            return _scatter(lambda o: np.where(win[..., o] == y, dout, 0), geometry, accumulate)
        return _scatter(lambda o: np.where(arg == o, dout, 0), geometry, accumulate)

    return {"maxpool2d_forward": maxpool2d_forward, "maxpool2d_backward": maxpool2d_backward}


def _avgpool(*, include_pad=True, accumulate=True, off_by_one=False):
    def avgpool2d_forward(x, kernel_size, stride=None, padding=0):
        k, s, p, out = _geometry(x, kernel_size, stride, padding, off_by_one)
        count = k[0] * k[1] if include_pad else _windows(np.ones_like(x), k, s, p, out, 0).sum(axis=-1)
        y = _windows(x, k, s, p, out, 0).sum(axis=-1) / count
        return y.astype(x.dtype), ((x.shape, x.dtype, k, s, p, out), count)

    def avgpool2d_backward(dout, cache):
        geometry, count = cache
        share = dout / count
        return _scatter(lambda o: share, geometry, accumulate)

    return {"avgpool2d_forward": avgpool2d_forward, "avgpool2d_backward": avgpool2d_backward}


WRONG = {
    "max_grad_to_all_ties": _maxpool(ties="all"),
    "max_grad_to_last_tie": _maxpool(ties="last"),
    "overlap_assigns_instead_of_adding": {**_maxpool(accumulate=False), **_avgpool(accumulate=False)},
    "avg_excludes_padding": _avgpool(include_pad=False),
    "output_size_off_by_one": {**_maxpool(off_by_one=True), **_avgpool(off_by_one=True)},
}
SLOW = {}
