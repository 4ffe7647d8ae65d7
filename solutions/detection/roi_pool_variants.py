"""Known-wrong answers to detection/roi_pool; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import math

import numpy as np

from solutions.detection import roi_pool as ref


def _mutant(*, rounding="half_away", plus_one=1, swap=False, empty=0.0, reduce="max", clip=True,
            multiply_first=False):
    quantise = {"half_away": ref._round_half_away, "half_even": lambda v: np.round(v).astype(np.int64),
                "truncate": lambda v: v.astype(np.int64)}[rounding]

    def edges(start, end, bins, size):
        roi = max(end - start + plus_one, 1)
        p = np.arange(bins)
        if multiply_first:
            lo, hi = np.floor(p * roi / bins), np.ceil((p + 1) * roi / bins)
        else:
            lo, hi = np.floor(p * (roi / bins)), np.ceil((p + 1) * (roi / bins))
        if swap:
            lo, hi = np.ceil(p * (roi / bins)), np.floor((p + 1) * (roi / bins))
        lo, hi = lo.astype(np.int64) + start, hi.astype(np.int64) + start
        return (np.clip(lo, 0, size), np.clip(hi, 0, size)) if clip else (lo, hi)

    def roi_pool(features, rois, output_size, spatial_scale=1.0):
        features, rois = ref._checked(features, rois)
        out_h, out_w = ref._pair(output_size)
        _, c, h, w = features.shape
        out = np.full((len(rois), c, out_h, out_w), empty, dtype=features.dtype)
        corners = quantise(rois[:, 1:].astype(np.float64) * spatial_scale)
        for k, (x1, y1, x2, y2) in enumerate(corners.tolist()):
            fmap = features[int(rois[k, 0])]
            hs, he = edges(y1, y2, out_h, h)
            ws, we = edges(x1, x2, out_w, w)
            for ph in range(out_h):
                for pw in range(out_w):
                    if hs[ph] < he[ph] and ws[pw] < we[pw]:
                        region = fmap[:, hs[ph]:he[ph], ws[pw]:we[pw]]
                        out[k, :, ph, pw] = region.max(axis=(1, 2)) if reduce == "max" else region.mean(axis=(1, 2))
        return out

    return roi_pool


def no_batch_index_check(features, rois, output_size, spatial_scale=1.0):
    """int() of the batch index and Python's wrap-around: 0.5 reads image 0, -1 and N the last or first."""
    rois = np.array(rois, dtype=np.float64)
    rois[:, 0] = np.trunc(rois[:, 0]) % len(features)
    return ref.roi_pool(features, rois, output_size, spatial_scale)


def float64_output(features, rois, output_size, spatial_scale=1.0):
    return ref.roi_pool(features, rois, output_size, spatial_scale).astype(np.float64)


def torchvision_cpu_style(input, rois, output_size, spatial_scale=1.0):
    """Written in the style of torchvision's roi_pool_forward_kernel_impl, loop for loop."""
    input, rois = ref._checked(input, rois)
    pooled_height, pooled_width = ref._pair(output_size)
    _, channels, height, width = input.shape
    output = np.zeros((len(rois), channels, pooled_height, pooled_width), dtype=input.dtype)

    def c_round(v):  # std::round: halves away from zero
        return int(math.floor(abs(v) + 0.5) * (1 if v >= 0 else -1))

    for n, offset_rois in enumerate(rois.astype(np.float64)):
        roi_batch_ind = int(offset_rois[0])
        roi_start_w, roi_start_h = c_round(offset_rois[1] * spatial_scale), c_round(offset_rois[2] * spatial_scale)
        roi_end_w, roi_end_h = c_round(offset_rois[3] * spatial_scale), c_round(offset_rois[4] * spatial_scale)
        roi_width, roi_height = max(roi_end_w - roi_start_w + 1, 1), max(roi_end_h - roi_start_h + 1, 1)
        bin_size_h, bin_size_w = roi_height / pooled_height, roi_width / pooled_width
        for ph in range(pooled_height):
            for pw in range(pooled_width):
                hstart = min(max(math.floor(ph * bin_size_h) + roi_start_h, 0), height)
                hend = min(max(math.ceil((ph + 1) * bin_size_h) + roi_start_h, 0), height)
                wstart = min(max(math.floor(pw * bin_size_w) + roi_start_w, 0), width)
                wend = min(max(math.ceil((pw + 1) * bin_size_w) + roi_start_w, 0), width)
                if hend <= hstart or wend <= wstart:
                    continue  # is_empty: 0
                output[n, :, ph, pw] = input[roi_batch_ind, :, hstart:hend, wstart:wend].max(axis=(1, 2))
    return output


WRONG = {
    "no_batch_index_check": {"roi_pool": no_batch_index_check},
    "float64_output": {"roi_pool": float64_output},
    "round_half_to_even": {"roi_pool": _mutant(rounding="half_even")},
    "truncated_coordinates": {"roi_pool": _mutant(rounding="truncate")},
    "no_plus_one": {"roi_pool": _mutant(plus_one=0)},
    "floor_ceil_swapped": {"roi_pool": _mutant(swap=True)},
    "empty_bin_minus_inf": {"roi_pool": _mutant(empty=-np.inf)},
    "average_not_max": {"roi_pool": _mutant(reduce="mean")},
    "unclipped_bins": {"roi_pool": _mutant(clip=False)},
    "bin_end_multiplied_first": {"roi_pool": _mutant(multiply_first=True)},
}
CANONICAL = {"torchvision_cpu_kernel": {"roi_pool": torchvision_cpu_style}}
SLOW = {}
