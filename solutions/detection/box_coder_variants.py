"""Known-wrong answers to detection/box_coder; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import math

import numpy as np


def _centre_size(b, plus_one, centre_at):
    wh = b[:, 2:] - b[:, :2] + plus_one
    return b[:, :2] + centre_at * wh, wh


def _pair(plus_one=0.0, centre_at=0.5, flip_log=False):
    def encode(anchors, boxes, weights=(1.0, 1.0, 1.0, 1.0)):
        a, g = np.asarray(anchors), np.asarray(boxes)
        if a.ndim != 2 or a.shape[1] != 4 or g.shape != a.shape:
            raise ValueError("bad shapes")
        dtype = np.result_type(a, g)
        a_c, a_wh = _centre_size(a.astype(dtype), plus_one, centre_at)
        g_c, g_wh = _centre_size(g.astype(dtype), plus_one, centre_at)
        if (a[:, 2:] <= a[:, :2]).any() or (g[:, 2:] <= g[:, :2]).any():
            raise ValueError("non-positive size")
        log = np.log(a_wh / g_wh) if flip_log else np.log(g_wh / a_wh)
        return (np.concatenate([(g_c - a_c) / a_wh, log], axis=1) * np.asarray(weights, dtype)).astype(dtype)

    return encode


def _decoder(plus_one=0.0, centre_at=0.5, weights_mul=False, clamp_mode="above", in_place=False,
             clamp_shift=False):
    def decode(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), clamp=math.log(1000.0 / 16)):  # noqa: B008
        a, d = np.asarray(anchors), np.asarray(deltas)
        if a.ndim != 2 or a.shape[1] != 4 or d.shape != a.shape:
            raise ValueError("bad shapes")
        dtype = np.result_type(a, d)
        a_c, a_wh = _centre_size(a.astype(dtype), plus_one, centre_at)
        w = np.asarray(weights, dtype)
        if in_place:  # clamps the caller's array
            np.minimum(d[:, 2:], clamp * w[2:], out=d[:, 2:])
        if clamp_mode == "before_weights":
            d = np.concatenate([d[:, :2], np.minimum(d[:, 2:], clamp)], axis=1)
        d = d * w if weights_mul else d / w
        dwh = d[:, 2:]
        if clamp_shift:  # np.minimum(deltas / weights, clamp) on all four columns
            d = np.concatenate([np.minimum(d[:, :2], clamp), dwh], axis=1)
        if clamp_mode == "above":
            dwh = np.minimum(dwh, clamp)
        elif clamp_mode == "both":
            dwh = np.clip(dwh, -clamp, clamp)
        centre = a_c + d[:, :2] * a_wh
        size = a_wh * np.exp(dwh)
        if centre_at == 0.5:
            lo, hi = centre - 0.5 * size, centre + 0.5 * size
        else:  # the same convention backwards: x1 = centre - w
            lo, hi = centre - size, centre
        return np.concatenate([lo, hi - plus_one], axis=1).astype(dtype)

    return decode


WRONG = {
    "plus_one_pixel": {"encode": _pair(plus_one=1.0), "decode": _decoder(plus_one=1.0)},
    "centre_at_x1_plus_w": {"encode": _pair(centre_at=1.0), "decode": _decoder(centre_at=1.0)},
    "log_ratio_flipped": {"encode": _pair(flip_log=True)},
    "weights_multiplied_in_decode": {"decode": _decoder(weights_mul=True)},
    "no_clamp": {"decode": _decoder(clamp_mode="none")},
    "clamp_from_below_too": {"decode": _decoder(clamp_mode="both")},
    "clamp_before_weights": {"decode": _decoder(clamp_mode="before_weights")},
    "clamps_deltas_in_place": {"decode": _decoder(in_place=True)},
    "clamps_dx_dy_too": {"decode": _decoder(clamp_shift=True)},
}
SLOW = {}
