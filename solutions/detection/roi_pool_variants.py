"""Known-wrong answers to detection/roi_pool; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

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


WRONG = {
    "round_half_to_even": {"roi_pool": _mutant(rounding="half_even")},
    "truncated_coordinates": {"roi_pool": _mutant(rounding="truncate")},
    "no_plus_one": {"roi_pool": _mutant(plus_one=0)},
    "floor_ceil_swapped": {"roi_pool": _mutant(swap=True)},
    "empty_bin_minus_inf": {"roi_pool": _mutant(empty=-np.inf)},
    "average_not_max": {"roi_pool": _mutant(reduce="mean")},
    "unclipped_bins": {"roi_pool": _mutant(clip=False)},
    "bin_end_multiplied_first": {"roi_pool": _mutant(multiply_first=True)},
}
SLOW = {}
