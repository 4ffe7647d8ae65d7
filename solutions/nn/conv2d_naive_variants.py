"""Known-wrong answers to nn/conv2d_naive; `nox -s verify` proves the tests catch every one."""

import math

import numpy as np

from solutions.nn.conv2d_naive import _pair


def _mutant(*, flip=False, size="floor", one_sided=False, bias_last_axis=False):
    def conv2d_naive(x, w, b=None, stride=1, padding=0):
        (sh, sw), (ph, pw) = _pair(stride, "stride", 1), _pair(padding, "padding", 0)
        if x.ndim != 4 or w.ndim != 4 or w.shape[1] != x.shape[1]:
            raise ValueError("bad shapes")
        n, c, h, wd = x.shape
        f, _, kh, kw = w.shape
        if (b is not None and np.shape(b) != (f,)) or h + 2 * ph < kh or wd + 2 * pw < kw:
            raise ValueError("bad shapes")
        if size == "ceil":
            oh, ow = math.ceil((h + 2 * ph - kh) / sh) + 1, math.ceil((wd + 2 * pw - kw) / sw) + 1
        elif size == "no_plus_one":
            oh, ow = max(1, (h + 2 * ph - kh) // sh), max(1, (wd + 2 * pw - kw) // sw)
        else:
            oh, ow = (h + 2 * ph - kh) // sh + 1, (wd + 2 * pw - kw) // sw + 1
        # room for windows that run past the padded input (the ceil mutant reads zeros there)
        xp = np.zeros((n, c, (oh - 1) * sh + kh + 2 * ph + h, (ow - 1) * sw + kw + 2 * pw + wd), x.dtype)
        top, left = (0, 0) if one_sided else (ph, pw)  # one-sided: all padding below and right
        xp[:, :, top : top + h, left : left + wd] = x
        k = w[:, :, ::-1, ::-1] if flip else w
        out = np.zeros((n, f, oh, ow), dtype=x.dtype)
        for i in range(oh):
            for j in range(ow):
                window = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
                out[:, :, i, j] = np.tensordot(window, k, axes=([1, 2, 3], [1, 2, 3]))
        if b is not None:
            out += b if bias_last_axis else b.reshape(1, f, 1, 1)  # `out += b` lines b up with the columns
        return out

    return conv2d_naive


WRONG = {
    "flipped_kernel": {"conv2d_naive": _mutant(flip=True)},
    "output_size_ceil": {"conv2d_naive": _mutant(size="ceil")},
    "output_size_missing_plus_one": {"conv2d_naive": _mutant(size="no_plus_one")},
    "one_sided_padding": {"conv2d_naive": _mutant(one_sided=True)},
    "bias_wrong_axis": {"conv2d_naive": _mutant(bias_last_axis=True)},
}
SLOW = {}
