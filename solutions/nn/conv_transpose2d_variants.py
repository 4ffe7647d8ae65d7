"""Known-wrong answers to nn/conv_transpose2d; `nox -s verify` proves the tests catch every one.

They take the other classic route, a correlation of the zero-dilated, padded input, so each
mistake is one switch away from a correct implementation of that route."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from solutions.nn.conv_transpose2d import _pair


def _mutant(*, out_in_layout=False, flip=True, crop=True, use_output_padding=True):
    def conv_transpose2d(x, w, b=None, stride=1, padding=0, output_padding=0):
        (sh, sw), (ph, pw) = _pair(stride, "stride", 1), _pair(padding, "padding", 0)
        oph, opw = _pair(output_padding, "output_padding", 0)
        if oph >= sh or opw >= sw:
            raise ValueError("output_padding must be smaller than the stride")
        if out_in_layout:
            w = w.transpose(1, 0, 2, 3)  # reads w as (C_out, C_in, KH, KW), like a Conv2d weight
        if x.ndim != 4 or w.ndim != 4 or w.shape[0] != x.shape[1]:
            raise ValueError("bad shapes")
        if not use_output_padding:
            oph = opw = 0
        n, c_in, h, wd = x.shape
        _, c_out, kh, kw = w.shape
        if b is not None and np.shape(b) != (c_out,):
            raise ValueError("bad bias")
        oh, ow = (h - 1) * sh - 2 * ph + kh + oph, (wd - 1) * sw - 2 * pw + kw + opw
        if oh < 1 or ow < 1:
            raise ValueError("no output")
        xd = np.zeros((n, c_in, (h - 1) * sh + 1, (wd - 1) * sw + 1), dtype=x.dtype)
        xd[:, :, ::sh, ::sw] = x
        xd = np.pad(xd, ((0, 0), (0, 0), (kh - 1, kh - 1 + oph), (kw - 1, kw - 1 + opw)))
        k = w[:, :, ::-1, ::-1] if flip else w
        win = sliding_window_view(xd, (kh, kw), axis=(2, 3))  # (N, C_in, FH, FW, KH, KW)
        full = np.tensordot(win, k, axes=([1, 4, 5], [0, 2, 3])).transpose(0, 3, 1, 2)
        if crop:
            out = full[:, :, ph : ph + oh, pw : pw + ow]
        else:
            out = np.pad(full, ((0, 0), (0, 0), (ph, ph), (pw, pw)))  # pads like a Conv2d would
        if b is not None:
            out = out + b.reshape(1, -1, 1, 1)
        return np.ascontiguousarray(out, dtype=x.dtype)

    return conv_transpose2d


WRONG = {
    "weight_layout_out_in": {"conv_transpose2d": _mutant(out_in_layout=True)},
    "kernel_not_flipped": {"conv_transpose2d": _mutant(flip=False)},
    "padding_added_not_cropped": {"conv_transpose2d": _mutant(crop=False)},
    "output_padding_ignored": {"conv_transpose2d": _mutant(use_output_padding=False)},
}
SLOW = {}
