"""Known-wrong answers to nn/conv_transpose2d and a cs231n-style one; `nox -s verify` proves the tests
catch every wrong one and that the cs231n-style one ends as kata.toml declares.

The mutants take the other classic route, a correlation of the zero-dilated, padded input, so each
mistake is one switch away from a correct implementation of that route."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from solutions.nn.conv_transpose2d import _pair
from solutions.nn.conv_transpose2d import conv_transpose2d as _reference


def _mutant(*, out_in_layout=False, flip=True, crop=True, use_output_padding=True, top_left=False):
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
        if top_left:  # the extra output_padding rows/columns go on the top/left instead
            xd = np.pad(xd, ((0, 0), (0, 0), (kh - 1 + oph, kh - 1), (kw - 1 + opw, kw - 1)))
        else:
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


def returns_float64(x, w, b=None, stride=1, padding=0, output_padding=0):
    return _reference(x, w, b, stride, padding, output_padding).astype(np.float64)


def _unchecked_pair(v):
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def conv_backward_naive_dx(x, w, b=None, stride=1, padding=0, output_padding=0):
    """In the style of the dx of cs231n's conv_backward_naive, with x in the role of dout: every input
    pixel adds w[c] * x[n, c, i, j] to its window of a padded canvas; then the padding is cropped.
    No argument checks."""
    N, F, H_in, W_in = x.shape
    _, C, HH, WW = w.shape
    (stride_h, stride_w), (pad_h, pad_w) = _unchecked_pair(stride), _unchecked_pair(padding)
    oph, opw = _unchecked_pair(output_padding)
    H_pad, W_pad = (H_in - 1) * stride_h + HH + oph, (W_in - 1) * stride_w + WW + opw
    dx_pad = np.zeros((N, C, H_pad, W_pad), dtype=x.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(H_in):
                for j in range(W_in):
                    hs, ws = i * stride_h, j * stride_w
                    dx_pad[n, :, hs:hs + HH, ws:ws + WW] += w[f] * x[n, f, i, j]
    H_out, W_out = H_pad - 2 * pad_h, W_pad - 2 * pad_w
    out = dx_pad[:, :, pad_h:pad_h + H_out, pad_w:pad_w + W_out]  # not pad:-pad, which is empty for pad = 0
    if b is not None:
        out = out + b[None, :, None, None]
    return out


WRONG = {
    "weight_layout_out_in": {"conv_transpose2d": _mutant(out_in_layout=True)},
    "kernel_not_flipped": {"conv_transpose2d": _mutant(flip=False)},
    "padding_added_not_cropped": {"conv_transpose2d": _mutant(crop=False)},
    "output_padding_ignored": {"conv_transpose2d": _mutant(use_output_padding=False)},
    "output_padding_top_left": {"conv_transpose2d": _mutant(top_left=True)},
    "returns_float64": {"conv_transpose2d": returns_float64},
    "no_argument_checks": {"conv_transpose2d": conv_backward_naive_dx},
}
CANONICAL = {"cs231n_conv_backward_dx": {"conv_transpose2d": conv_backward_naive_dx}}
SLOW = {}
