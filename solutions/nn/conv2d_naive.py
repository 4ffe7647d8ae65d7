"""2-D convolution (cross-correlation) with a loop over output positions: the whiteboard version."""

import numpy as np


def _pair(value, name: str, minimum: int) -> tuple[int, int]:
    pair = (value, value) if np.ndim(value) == 0 else tuple(value)
    if len(pair) != 2 or any(int(v) != v or v < minimum for v in pair):
        raise ValueError(f"{name} must be an int >= {minimum} or a pair of them, got {value!r}")
    return int(pair[0]), int(pair[1])


def conv2d_naive(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, stride=1, padding=0) -> np.ndarray:
    (sh, sw), (ph, pw) = _pair(stride, "stride", 1), _pair(padding, "padding", 0)
    if x.ndim != 4 or w.ndim != 4 or w.shape[1] != x.shape[1]:
        raise ValueError(f"need x (N, C, H, W) and w (F, C, KH, KW), got {x.shape} and {w.shape}")
    n, _, h, wd = x.shape
    f, _, kh, kw = w.shape
    if b is not None and np.shape(b) != (f,):
        raise ValueError(f"b must have shape ({f},), got {np.shape(b)}")
    if h + 2 * ph < kh or wd + 2 * pw < kw:
        raise ValueError(f"kernel {kh}x{kw} is larger than the padded input {h + 2 * ph}x{wd + 2 * pw}")

    oh, ow = (h + 2 * ph - kh) // sh + 1, (wd + 2 * pw - kw) // sw + 1
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))  # zeros on both sides
    out = np.zeros((n, f, oh, ow), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            window = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]  # (N, C, KH, KW)
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3]))  # (N, F)
    if b is not None:
        out += b.reshape(1, f, 1, 1)  # one bias per output channel
    return out
