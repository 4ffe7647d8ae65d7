"""Known-wrong and slow-but-correct answers to detection/roi_align; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import math

import numpy as np

from solutions.detection import roi_align as ref


def _mutant(*, offset="aligned", min_size=True, grid=None, corners=False, zero_outside=True,
            clamp_below=True, zero_padding=False, scale_batch=False, use_scale=True, reduce="mean"):
    def samples(start, bin_size, bins, n, size):
        cell = np.arange(n) if corners else np.arange(n) + 0.5
        pos = (start + np.arange(bins)[:, None] * bin_size + cell * bin_size / n).ravel()
        inside = (pos >= -1) & (pos <= size) if zero_outside else np.ones(pos.shape, bool)
        if zero_padding:  # grid_sample style: corners outside the map read 0, no clamping
            low = np.floor(pos).astype(np.int64)
            high, frac = low + 1, pos - np.floor(pos)
            w_low = (1 - frac) * inside * ((low >= 0) & (low < size))
            w_high = frac * inside * ((high >= 0) & (high < size))
            return np.clip(low, 0, size - 1), np.clip(high, 0, size - 1), w_low, w_high, inside
        pos = np.clip(pos, 0, size - 1) if clamp_below else np.minimum(pos, size - 1)
        low = np.floor(pos).astype(np.int64)  # -1 for pos in (-1, 0) without the clamp: wraps around
        high = np.minimum(low + 1, size - 1)
        frac = pos - low
        return low, high, (1 - frac) * inside, frac * inside, inside

    def roi_align(features, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
        features, rois = ref._checked(features, rois)
        out_h, out_w = ref._pair(output_size)
        _, c, h, w = features.shape
        out = np.zeros((len(rois), c, out_h, out_w), dtype=features.dtype)
        shift = {"aligned": aligned, "never": False, "inverted": not aligned}[offset]
        scale = spatial_scale if use_scale else 1.0
        for k, (b, x1, y1, x2, y2) in enumerate(rois.astype(np.float64).tolist()):
            if scale_batch:
                b *= scale
            x1, y1, x2, y2 = (v * scale - (0.5 if shift else 0.0) for v in (x1, y1, x2, y2))
            roi_w, roi_h = x2 - x1, y2 - y1
            if min_size and not aligned:
                roi_w, roi_h = max(roi_w, 1.0), max(roi_h, 1.0)
            if sampling_ratio > 0:
                gh = gw = sampling_ratio
            elif grid is not None:
                gh = gw = grid
            else:
                gh, gw = math.ceil(roi_h / out_h), math.ceil(roi_w / out_w)
            if gh <= 0 or gw <= 0:
                continue
            yl, yh, wyl, wyh, iny = samples(y1, roi_h / out_h, out_h, gh, h)
            xl, xh, wxl, wxh, inx = samples(x1, roi_w / out_w, out_w, gw, w)
            f = features[int(b)]
            yl, yh, wyl, wyh = yl[:, None], yh[:, None], wyl[:, None], wyh[:, None]
            v = (f[:, yl, xl] * (wyl * wxl) + f[:, yl, xh] * (wyl * wxh)
                 + f[:, yh, xl] * (wyh * wxl) + f[:, yh, xh] * (wyh * wxh))
            v = v.reshape(c, out_h, gh, out_w, gw)
            if reduce == "max":
                out[k] = v.max(axis=(2, 4))
            elif reduce == "valid":
                n = (iny[:, None] & inx).reshape(out_h, gh, out_w, gw).sum(axis=(1, 3))
                out[k] = v.sum(axis=(2, 4)) / np.maximum(n, 1)
            else:
                out[k] = v.mean(axis=(2, 4))
        return out

    return roi_align


def per_sample_loop(features, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    """Correct, but a pure-Python loop over RoIs, channels, bins and sample points."""
    features, rois = ref._checked(features, rois)
    out_h, out_w = ref._pair(output_size)
    _, c, h, w = features.shape
    out = np.zeros((len(rois), c, out_h, out_w), dtype=features.dtype)
    offset = 0.5 if aligned else 0.0
    maps = features.tolist()
    for k, (b, x1, y1, x2, y2) in enumerate(rois.astype(np.float64).tolist()):
        x1, y1, x2, y2 = (v * spatial_scale - offset for v in (x1, y1, x2, y2))
        rw, rh = x2 - x1, y2 - y1
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / out_h, rw / out_w
        gh = sampling_ratio if sampling_ratio > 0 else math.ceil(rh / out_h)
        gw = sampling_ratio if sampling_ratio > 0 else math.ceil(rw / out_w)
        for ch in range(c):
            f = maps[int(b)][ch]
            for ph in range(out_h):
                for pw in range(out_w):
                    total = 0.0
                    for iy in range(gh):
                        y = y1 + ph * bh + (iy + 0.5) * bh / gh
                        for ix in range(gw):
                            x = x1 + pw * bw + (ix + 0.5) * bw / gw
                            if y < -1 or y > h or x < -1 or x > w:
                                continue
                            y, x = max(y, 0.0), max(x, 0.0)
                            y0, x0 = int(y), int(x)
                            if y0 >= h - 1:
                                y0 = y1_ = h - 1
                                y = float(y0)
                            else:
                                y1_ = y0 + 1
                            if x0 >= w - 1:
                                x0 = x1_ = w - 1
                                x = float(x0)
                            else:
                                x1_ = x0 + 1
                            ly, lx = y - y0, x - x0
                            total += ((1 - ly) * (1 - lx) * f[y0][x0] + (1 - ly) * lx * f[y0][x1_]
                                      + ly * (1 - lx) * f[y1_][x0] + ly * lx * f[y1_][x1_])
                    out[k, ch, ph, pw] = total / max(gh * gw, 1)
    return out


def no_batch_index_check(features, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    """int() of the batch index and Python's wrap-around: 0.5 reads image 0, -1 and N the last or first."""
    rois = np.array(rois, dtype=np.float64)
    rois[:, 0] = np.trunc(rois[:, 0]) % len(features)
    return ref.roi_align(features, rois, output_size, spatial_scale, sampling_ratio, aligned)


def float64_output(features, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    return ref.roi_align(features, rois, output_size, spatial_scale, sampling_ratio, aligned).astype(np.float64)


def torchvision_cpu_style(input, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    """Written in the style of torchvision's roi_align_forward_kernel_impl and bilinear_interpolate."""
    input, rois = ref._checked(input, rois)
    pooled_height, pooled_width = ref._pair(output_size)
    _, channels, height, width = input.shape
    output = np.zeros((len(rois), channels, pooled_height, pooled_width), dtype=input.dtype)

    def bilinear_interpolate(offset_input, y, x):
        if y < -1.0 or y > height or x < -1.0 or x > width:
            return 0.0
        y, x = max(y, 0.0), max(x, 0.0)
        y_low, x_low = int(y), int(x)
        if y_low >= height - 1:
            y_high = y_low = height - 1
            y = float(y_low)
        else:
            y_high = y_low + 1
        if x_low >= width - 1:
            x_high = x_low = width - 1
            x = float(x_low)
        else:
            x_high = x_low + 1
        ly, lx = y - y_low, x - x_low
        hy, hx = 1.0 - ly, 1.0 - lx
        return (hy * hx * offset_input[:, y_low, x_low] + hy * lx * offset_input[:, y_low, x_high]
                + ly * hx * offset_input[:, y_high, x_low] + ly * lx * offset_input[:, y_high, x_high])

    for n, offset_rois in enumerate(rois.astype(np.float64)):
        roi_batch_ind = int(offset_rois[0])
        offset = 0.5 if aligned else 0.0
        roi_start_w, roi_start_h = offset_rois[1] * spatial_scale - offset, offset_rois[2] * spatial_scale - offset
        roi_end_w, roi_end_h = offset_rois[3] * spatial_scale - offset, offset_rois[4] * spatial_scale - offset
        roi_width, roi_height = roi_end_w - roi_start_w, roi_end_h - roi_start_h
        if not aligned:
            roi_width, roi_height = max(roi_width, 1.0), max(roi_height, 1.0)
        bin_size_h, bin_size_w = roi_height / pooled_height, roi_width / pooled_width
        roi_bin_grid_h = sampling_ratio if sampling_ratio > 0 else math.ceil(roi_height / pooled_height)
        roi_bin_grid_w = sampling_ratio if sampling_ratio > 0 else math.ceil(roi_width / pooled_width)
        count = max(roi_bin_grid_h * roi_bin_grid_w, 1)
        offset_input = input[roi_batch_ind].astype(np.float64)
        for ph in range(pooled_height):
            for pw in range(pooled_width):
                output_val = np.zeros(channels)
                for iy in range(roi_bin_grid_h):
                    y = roi_start_h + ph * bin_size_h + (iy + 0.5) * bin_size_h / roi_bin_grid_h
                    for ix in range(roi_bin_grid_w):
                        x = roi_start_w + pw * bin_size_w + (ix + 0.5) * bin_size_w / roi_bin_grid_w
                        output_val = output_val + bilinear_interpolate(offset_input, y, x)
                output[n, :, ph, pw] = output_val / count
    return output


WRONG = {
    "no_batch_index_check": {"roi_align": no_batch_index_check},
    "float64_output": {"roi_align": float64_output},
    "no_half_pixel_offset": {"roi_align": _mutant(offset="never")},
    "half_pixel_offset_inverted": {"roi_align": _mutant(offset="inverted")},
    "no_min_roi_size": {"roi_align": _mutant(min_size=False)},
    "fixed_sampling_grid": {"roi_align": _mutant(grid=2)},
    "bin_corner_samples": {"roi_align": _mutant(corners=True)},
    "no_zero_outside": {"roi_align": _mutant(zero_outside=False)},
    "no_clamp_below_zero": {"roi_align": _mutant(clamp_below=False)},
    "border_zero_padding": {"roi_align": _mutant(zero_padding=True)},
    "scaled_batch_index": {"roi_align": _mutant(scale_batch=True)},
    "no_spatial_scale": {"roi_align": _mutant(use_scale=False)},
    "max_not_average": {"roi_align": _mutant(reduce="max")},
    "divides_by_valid_samples": {"roi_align": _mutant(reduce="valid")},
}
CANONICAL = {"torchvision_cpu_kernel": {"roi_align": torchvision_cpu_style}}
SLOW = {"per_sample_loop": {"roi_align": per_sample_loop}}
