"""Known-wrong answers to nn/conv2d_naive and an answer in the style of cs231n's conv_forward_naive;
`nox -s verify` proves the tests catch every one as declared in kata.toml."""

import math

import numpy as np

from solutions.nn.conv2d_naive import _pair


def _mutant(*, flip=False, size="floor", one_sided=False, bias_last_axis=False, shape_check=True,
            bias_check=True, size_check=True, out_dtype=None):
    def conv2d_naive(x, w, b=None, stride=1, padding=0):
        (sh, sw), (ph, pw) = _pair(stride, "stride", 1), _pair(padding, "padding", 0)
        if shape_check and (x.ndim != 4 or w.ndim != 4 or w.shape[1] != x.shape[1]):
            raise ValueError("bad shapes")
        n, c, h, wd = x.shape
        f, _, kh, kw = w.shape
        if bias_check and b is not None and np.shape(b) != (f,):
            raise ValueError("bad bias")
        if size_check and (h + 2 * ph < kh or wd + 2 * pw < kw):
            raise ValueError("kernel too large")
        if size == "ceil":
            oh, ow = math.ceil((h + 2 * ph - kh) / sh) + 1, math.ceil((wd + 2 * pw - kw) / sw) + 1
        elif size == "no_plus_one":
            oh, ow = max(1, (h + 2 * ph - kh) // sh), max(1, (wd + 2 * pw - kw) // sw)
        else:
            oh, ow = max(0, (h + 2 * ph - kh) // sh + 1), max(0, (wd + 2 * pw - kw) // sw + 1)
        # room for windows that run past the padded input (the ceil mutant reads zeros there)
        xp = np.zeros((n, c, (oh - 1) * sh + kh + 2 * ph + h, (ow - 1) * sw + kw + 2 * pw + wd), x.dtype)
        top, left = (0, 0) if one_sided else (ph, pw)  # one-sided: all padding below and right
        xp[:, :, top : top + h, left : left + wd] = x
        k = w[:, :, ::-1, ::-1] if flip else w
        out = np.zeros((n, f, oh, ow), dtype=out_dtype or x.dtype)
        for i in range(oh):
            for j in range(ow):
                window = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
                # broadcasting (N, 1, C, KH, KW) * (F, C', KH, KW): a 1-channel w broadcasts silently
                out[:, :, i, j] = (window[:, None] * k[None]).sum(axis=(2, 3, 4))
        if b is not None:
            out += b if bias_last_axis else np.reshape(b, (1, -1, 1, 1))  # `out += b` lines b up with the columns
        return out

    return conv2d_naive


def cs231n_style(x, w, b=None, stride=1, padding=0):
    """Written in the style of cs231n's conv_forward_naive: loops over n, f, i, j, float64 output, no checks."""
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    ph, pw = (padding, padding) if np.isscalar(padding) else padding
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * ph - HH) // sh
    W_out = 1 + (W + 2 * pw - WW) // sw
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant")
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * sh : i * sh + HH, j * sw : j * sw + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + (0.0 if b is None else b[f])
    return out


WRONG = {
    "flipped_kernel": {"conv2d_naive": _mutant(flip=True)},
    "output_size_ceil": {"conv2d_naive": _mutant(size="ceil")},
    "output_size_missing_plus_one": {"conv2d_naive": _mutant(size="no_plus_one")},
    "one_sided_padding": {"conv2d_naive": _mutant(one_sided=True)},
    "bias_wrong_axis": {"conv2d_naive": _mutant(bias_last_axis=True)},
    "float64_output": {"conv2d_naive": _mutant(out_dtype=np.float64)},
    "no_channel_check": {"conv2d_naive": _mutant(shape_check=False)},
    "no_bias_check": {"conv2d_naive": _mutant(bias_check=False)},
    "no_kernel_size_check": {"conv2d_naive": _mutant(size_check=False)},
}
CANONICAL = {"cs231n_conv_forward_naive": {"conv2d_naive": cs231n_style}}
SLOW = {}
