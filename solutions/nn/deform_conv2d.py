"""Deformable convolution v1/v2 forward in numpy: bilinear sampling with zero padding, then one GEMM."""

import numpy as np


def _pair(v):
    return (v, v) if np.isscalar(v) else tuple(v)


def deform_conv2d(x: np.ndarray, offset: np.ndarray, weight: np.ndarray, bias=None, stride=1, padding=0,
                  dilation=1, mask=None) -> np.ndarray:
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    N, C, H, W = x.shape
    F, Cw, KH, KW = weight.shape
    K = KH * KW
    OH, OW = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1, (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
    G = offset.shape[1] // (2 * K)
    if Cw != C or G < 1 or offset.shape[1] != 2 * K * G or C % G:
        raise ValueError(f"offset must have 2*G*KH*KW channels with G dividing C = {C}; weight (F, {C}, KH, KW)")
    if offset.shape != (N, 2 * G * K, OH, OW) or (mask is not None and mask.shape != (N, G * K, OH, OW)):
        raise ValueError(f"offset must be {(N, 2 * G * K, OH, OW)} and mask {(N, G * K, OH, OW)}")
    off = offset.reshape(N, G, K, 2, OH, OW).astype(np.float64)
    u, v = np.divmod(np.arange(K), KW)
    ys = (np.arange(OH) * sh - ph)[None, :, None] + (u * dh)[:, None, None] + off[:, :, :, 0]  # (N, G, K, OH, OW)
    xs = (np.arange(OW) * sw - pw)[None, None, :] + (v * dw)[:, None, None] + off[:, :, :, 1]
    y0, x0 = np.floor(ys), np.floor(xs)
    flat = x.reshape(N, G, 1, C // G, H * W).astype(np.float64)
    cols = 0.0
    for yy, wy in ((y0, 1 - (ys - y0)), (y0 + 1, ys - y0)):  # the four neighbours, zero outside
        for xx, wx in ((x0, 1 - (xs - x0)), (x0 + 1, xs - x0)):
            inside = (yy >= 0) & (yy < H) & (xx >= 0) & (xx < W)
            idx = (np.clip(yy, 0, H - 1) * W + np.clip(xx, 0, W - 1)).astype(np.intp)
            vals = np.take_along_axis(flat, idx.reshape(N, G, K, 1, OH * OW), axis=-1)  # (N, G, K, C/G, OH*OW)
            cols = cols + vals * (wy * wx * inside).reshape(N, G, K, 1, OH * OW)
    if mask is not None:
        cols = cols * mask.reshape(N, G, K, 1, OH * OW)
    cols = cols.transpose(0, 1, 3, 2, 4).reshape(N, C * K, OH * OW)  # channel-major, tap-minor rows
    out = weight.reshape(F, C * K).astype(np.float64) @ cols
    if bias is not None:
        out = out + np.asarray(bias, np.float64)[:, None]
    return out.reshape(N, F, OH, OW).astype(x.dtype)
