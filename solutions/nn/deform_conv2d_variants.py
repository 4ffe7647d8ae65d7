"""Known-wrong answers to nn/deform_conv2d and one in the style of torchvision's CPU kernel;
`nox -s verify` proves each ends as kata.toml declares."""

import numpy as np

from solutions.nn import deform_conv2d as ref


def _mutant(*, swap_xy=False, planar=False, outside="zero", use_mask=True, nearest=False, dilate_base=True,
            upcast=False, check=True):
    def deform_conv2d(x, offset, weight, bias=None, stride=1, padding=0, dilation=1, mask=None):
        (sh, sw), (ph, pw), (dh, dw) = ref._pair(stride), ref._pair(padding), ref._pair(dilation)
        N, C, H, W = x.shape
        F, _, KH, KW = weight.shape
        K = KH * KW
        OH, OW = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1, (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
        G = offset.shape[1] // (2 * K)
        bad_mask = mask is not None and mask.shape != (N, G * K, OH, OW)
        if check and (offset.shape != (N, 2 * G * K, OH, OW) or bad_mask):
            raise ValueError("shapes")
        offset = np.broadcast_to(offset, (N, 2 * G * K, OH, OW))
        if planar:  # all dy of a group first, then all dx
            off = offset.reshape(N, G, 2, K, OH, OW).transpose(0, 1, 3, 2, 4, 5)
        else:
            off = offset.reshape(N, G, K, 2, OH, OW)
        off = off[:, :, :, ::-1] if swap_xy else off
        u, v = np.divmod(np.arange(K), KW)
        du, dv = (u * dh, v * dw) if dilate_base else (u, v)
        ys = (np.arange(OH) * sh - ph)[None, :, None] + du[:, None, None] + off[:, :, :, 0]
        xs = (np.arange(OW) * sw - pw)[None, None, :] + dv[:, None, None] + off[:, :, :, 1]
        if outside == "clamp":
            ys, xs = np.clip(ys, 0, H - 1), np.clip(xs, 0, W - 1)
        if nearest:
            ys, xs = np.floor(ys + 0.5), np.floor(xs + 0.5)
        y0, x0 = np.floor(ys), np.floor(xs)
        flat = x.reshape(N, G, 1, C // G, H * W).astype(np.float64)
        cols = 0.0
        for yy, wy in ((y0, 1 - (ys - y0)), (y0 + 1, ys - y0)):
            for xx, wx in ((x0, 1 - (xs - x0)), (x0 + 1, xs - x0)):
                inside = (yy >= 0) & (yy < H) & (xx >= 0) & (xx < W)
                if outside == "strict":  # the whole sample is 0 unless it lies in [0, H-1] x [0, W-1]
                    inside = inside & (ys >= 0) & (ys <= H - 1) & (xs >= 0) & (xs <= W - 1)
                idx = (np.clip(yy, 0, H - 1) * W + np.clip(xx, 0, W - 1)).astype(np.intp)
                vals = np.take_along_axis(flat, idx.reshape(N, G, K, 1, OH * OW), axis=-1)
                cols = cols + vals * (wy * wx * inside).reshape(N, G, K, 1, OH * OW)
        if mask is not None and use_mask:
            cols = cols * np.broadcast_to(mask, (N, G * K, OH, OW)).reshape(N, G, K, 1, OH * OW)
        cols = cols.transpose(0, 1, 3, 2, 4).reshape(N, C * K, OH * OW)
        out = weight.reshape(F, C * K).astype(np.float64) @ cols
        if bias is not None:
            out = out + np.asarray(bias, np.float64)[:, None]
        out = out.reshape(N, F, OH, OW)
        return out if upcast else out.astype(x.dtype)

    return deform_conv2d


# In the style of torchvision's CPU kernel (deform_conv2d_kernel.cpp): bilinear_interpolate per
# sample, deformable_im2col filling columns[c * KH * KW + k, i * OW + j], then one GEMM per batch.

def _bilinear_interpolate(img, h, w):
    """img (C, H, W); h, w arrays of positions. Vectorised over positions, same branches as torchvision."""
    height, width = img.shape[1:]
    h_low, w_low = np.floor(h).astype(int), np.floor(w).astype(int)
    h_high, w_high = h_low + 1, w_low + 1
    lh, lw = h - h_low, w - w_low
    hh, hw = 1 - lh, 1 - lw
    valid = (h > -1) & (w > -1) & (h < height) & (w < width)

    def read(yy, xx):
        ok = valid & (yy >= 0) & (yy <= height - 1) & (xx >= 0) & (xx <= width - 1)
        return img[:, np.clip(yy, 0, height - 1), np.clip(xx, 0, width - 1)] * ok

    return (hh * hw * read(h_low, w_low) + hh * lw * read(h_low, w_high)
            + lh * hw * read(h_high, w_low) + lh * lw * read(h_high, w_high))


def deform_conv2d_torchvision_style(input, offset, weight, bias=None, stride=1, padding=0, dilation=1, mask=None):
    (stride_h, stride_w), (pad_h, pad_w), (dil_h, dil_w) = ref._pair(stride), ref._pair(padding), ref._pair(dilation)
    batch_sz, n_in_channels, in_h, in_w = input.shape
    out_channels, _, weight_h, weight_w = weight.shape
    out_h = (in_h + 2 * pad_h - (dil_h * (weight_h - 1) + 1)) // stride_h + 1
    out_w = (in_w + 2 * pad_w - (dil_w * (weight_w - 1) + 1)) // stride_w + 1
    n_offset_grps = offset.shape[1] // (2 * weight_h * weight_w)
    if offset.shape != (batch_sz, 2 * n_offset_grps * weight_h * weight_w, out_h, out_w) or (
            mask is not None and mask.shape != (batch_sz, n_offset_grps * weight_h * weight_w, out_h, out_w)):
        raise ValueError("invalid offset or mask shape")
    c_per_offset_grp = n_in_channels // n_offset_grps
    oy, ox = np.meshgrid(np.arange(out_h), np.arange(out_w), indexing="ij")
    out = np.empty((batch_sz, out_channels, out_h, out_w))
    for b in range(batch_sz):
        columns = np.empty((n_in_channels, weight_h * weight_w, out_h, out_w))
        for grp in range(n_offset_grps):
            chans = slice(grp * c_per_offset_grp, (grp + 1) * c_per_offset_grp)
            for i in range(weight_h):
                for j in range(weight_w):
                    k = i * weight_w + j
                    offset_h = offset[b, grp * 2 * weight_h * weight_w + 2 * k]
                    offset_w = offset[b, grp * 2 * weight_h * weight_w + 2 * k + 1]
                    y = oy * stride_h - pad_h + i * dil_h + offset_h
                    x = ox * stride_w - pad_w + j * dil_w + offset_w
                    val = _bilinear_interpolate(input[b, chans].astype(np.float64), y, x)
                    if mask is not None:
                        val = val * mask[b, grp * weight_h * weight_w + k]
                    columns[chans, k] = val
        out[b] = (weight.reshape(out_channels, -1) @ columns.reshape(-1, out_h * out_w)).reshape(out_channels,
                                                                                                 out_h, out_w)
        if bias is not None:
            out[b] += np.asarray(bias)[:, None, None]
    return out.astype(input.dtype)


WRONG = {
    "offset_xy_swapped": {"deform_conv2d": _mutant(swap_xy=True)},
    "offset_planar_layout": {"deform_conv2d": _mutant(planar=True)},
    "clamp_to_border": {"deform_conv2d": _mutant(outside="clamp")},
    "zero_outside_strict": {"deform_conv2d": _mutant(outside="strict")},
    "mask_ignored": {"deform_conv2d": _mutant(use_mask=False)},
    "nearest_sampling": {"deform_conv2d": _mutant(nearest=True)},
    "dilation_ignored": {"deform_conv2d": _mutant(dilate_base=False)},
    "upcasts_to_float64": {"deform_conv2d": _mutant(upcast=True)},
    "no_shape_check": {"deform_conv2d": _mutant(check=False)},
}
CANONICAL = {"torchvision_cpu_kernel": {"deform_conv2d": deform_conv2d_torchvision_style}}
SLOW = {}
