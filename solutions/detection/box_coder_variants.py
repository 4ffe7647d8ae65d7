"""Known-wrong answers and canonical-style answers to detection/box_coder; `nox -s verify` proves the
tests catch every wrong one and that the canonical ones end as kata.toml says. Never shown to learners."""

import math

import numpy as np

CLIP = math.log(1000.0 / 16)


def _centre_size(b, plus_one, centre_at):
    wh = b[:, 2:] - b[:, :2] + plus_one
    return b[:, :2] + centre_at * wh, wh


def _pair(plus_one=0.0, centre_at=0.5, flip_log=False, check=True, size_check=True, upcast=False, f32=False):
    def encode(anchors, boxes, weights=(1.0, 1.0, 1.0, 1.0)):
        a, g = np.asarray(anchors), np.asarray(boxes)
        if check and (a.ndim != 2 or a.shape[1] != 4 or g.shape != a.shape):
            raise ValueError("bad shapes")
        out_dtype = np.float64 if upcast else np.result_type(a, g)
        dtype = np.float32 if f32 else out_dtype
        a_c, a_wh = _centre_size(a.astype(dtype), plus_one, centre_at)
        g_c, g_wh = _centre_size(g.astype(dtype), plus_one, centre_at)
        if size_check and ((a[:, 2:] <= a[:, :2]).any() or (g[:, 2:] <= g[:, :2]).any()):
            raise ValueError("non-positive size")
        log = np.log(a_wh / g_wh) if flip_log else np.log(g_wh / a_wh)
        deltas = np.concatenate([(g_c - a_c) / a_wh, log], axis=1) * np.asarray(weights, dtype)
        return deltas.astype(out_dtype)

    return encode


def _decoder(plus_one=0.0, minus_one=None, centre_at=0.5, weights_mul=False, clamp_mode="above", in_place=False,
             clamp_shift=False, default_clamp=CLIP, ignore_clamp=False, check=True, upcast=False, f32=False):
    minus_one = plus_one if minus_one is None else minus_one

    def decode(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), clamp=default_clamp):
        a, d = np.asarray(anchors), np.asarray(deltas)
        if check and (a.ndim != 2 or a.shape[1] != 4 or d.shape != a.shape):
            raise ValueError("bad shapes")
        if ignore_clamp:
            clamp = CLIP
        out_dtype = np.float64 if upcast else np.result_type(a, d)
        dtype = np.float32 if f32 else out_dtype
        a_c, a_wh = _centre_size(a.astype(dtype), plus_one, centre_at)
        w = np.asarray(weights, dtype)
        if in_place:  # clamps the caller's array
            np.minimum(d[:, 2:], clamp * w[2:], out=d[:, 2:])
        d = d.astype(dtype)
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
        return np.concatenate([lo, hi - minus_one], axis=1).astype(out_dtype)

    return decode


# Canonical-style answers, written anew in numpy.

def torchvision_encode(anchors, boxes, weights=(1.0, 1.0, 1.0, 1.0)):
    """In the style of torchvision's encode_boxes(reference_boxes=boxes, proposals=anchors, weights)."""
    wx, wy, ww, wh = weights
    ex_widths = anchors[:, 2] - anchors[:, 0]
    ex_heights = anchors[:, 3] - anchors[:, 1]
    ex_ctr_x = anchors[:, 0] + 0.5 * ex_widths
    ex_ctr_y = anchors[:, 1] + 0.5 * ex_heights
    gt_widths = boxes[:, 2] - boxes[:, 0]
    gt_heights = boxes[:, 3] - boxes[:, 1]
    gt_ctr_x = boxes[:, 0] + 0.5 * gt_widths
    gt_ctr_y = boxes[:, 1] + 0.5 * gt_heights
    with np.errstate(divide="ignore", invalid="ignore"):  # torch.log gives -inf / nan quietly
        targets_dx = wx * (gt_ctr_x - ex_ctr_x) / ex_widths
        targets_dy = wy * (gt_ctr_y - ex_ctr_y) / ex_heights
        targets_dw = ww * np.log(gt_widths / ex_widths)
        targets_dh = wh * np.log(gt_heights / ex_heights)
    return np.stack([targets_dx, targets_dy, targets_dw, targets_dh], axis=1)


def torchvision_decode(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), clamp=CLIP):
    """In the style of torchvision's BoxCoder.decode_single(rel_codes=deltas, boxes=anchors)."""
    boxes = anchors.astype(deltas.dtype)  # boxes.to(rel_codes.dtype)
    widths = boxes[:, 2] - boxes[:, 0]
    heights = boxes[:, 3] - boxes[:, 1]
    ctr_x = boxes[:, 0] + 0.5 * widths
    ctr_y = boxes[:, 1] + 0.5 * heights
    wx, wy, ww, wh = weights
    dx = deltas[:, 0::4] / wx
    dy = deltas[:, 1::4] / wy
    dw = np.minimum(deltas[:, 2::4] / ww, clamp)
    dh = np.minimum(deltas[:, 3::4] / wh, clamp)
    pred_ctr_x = dx * widths[:, None] + ctr_x[:, None]
    pred_ctr_y = dy * heights[:, None] + ctr_y[:, None]
    pred_w = np.exp(dw) * widths[:, None]
    pred_h = np.exp(dh) * heights[:, None]
    c_to_c_w, c_to_c_h = 0.5 * pred_w, 0.5 * pred_h
    out = np.stack([pred_ctr_x - c_to_c_w, pred_ctr_y - c_to_c_h, pred_ctr_x + c_to_c_w, pred_ctr_y + c_to_c_h],
                   axis=2)
    return out.reshape(out.shape[0], -1 if out.size else 4 * out.shape[1])  # .flatten(1)


def maskrcnn_benchmark_encode(anchors, boxes, weights=(1.0, 1.0, 1.0, 1.0)):
    """In the style of maskrcnn-benchmark's BoxCoder.encode (TO_REMOVE = 1)."""
    TO_REMOVE = 1  # noqa: N806
    ex_widths = anchors[:, 2] - anchors[:, 0] + TO_REMOVE
    ex_heights = anchors[:, 3] - anchors[:, 1] + TO_REMOVE
    ex_ctr_x = anchors[:, 0] + 0.5 * ex_widths
    ex_ctr_y = anchors[:, 1] + 0.5 * ex_heights
    gt_widths = boxes[:, 2] - boxes[:, 0] + TO_REMOVE
    gt_heights = boxes[:, 3] - boxes[:, 1] + TO_REMOVE
    gt_ctr_x = boxes[:, 0] + 0.5 * gt_widths
    gt_ctr_y = boxes[:, 1] + 0.5 * gt_heights
    wx, wy, ww, wh = weights
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.stack([wx * (gt_ctr_x - ex_ctr_x) / ex_widths, wy * (gt_ctr_y - ex_ctr_y) / ex_heights,
                         ww * np.log(gt_widths / ex_widths), wh * np.log(gt_heights / ex_heights)], axis=1)


def maskrcnn_benchmark_decode(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), clamp=CLIP):
    """In the style of maskrcnn-benchmark's BoxCoder.decode: + 1 widths, and x2 = cx + w / 2 - 1."""
    boxes = anchors.astype(deltas.dtype)
    TO_REMOVE = 1  # noqa: N806
    widths = boxes[:, 2] - boxes[:, 0] + TO_REMOVE
    heights = boxes[:, 3] - boxes[:, 1] + TO_REMOVE
    ctr_x = boxes[:, 0] + 0.5 * widths
    ctr_y = boxes[:, 1] + 0.5 * heights
    wx, wy, ww, wh = weights
    dx, dy = deltas[:, 0::4] / wx, deltas[:, 1::4] / wy
    dw = np.minimum(deltas[:, 2::4] / ww, clamp)
    dh = np.minimum(deltas[:, 3::4] / wh, clamp)
    pred_ctr_x = dx * widths[:, None] + ctr_x[:, None]
    pred_ctr_y = dy * heights[:, None] + ctr_y[:, None]
    pred_w = np.exp(dw) * widths[:, None]
    pred_h = np.exp(dh) * heights[:, None]
    pred_boxes = np.zeros_like(deltas)
    pred_boxes[:, 0::4] = pred_ctr_x - 0.5 * pred_w
    pred_boxes[:, 1::4] = pred_ctr_y - 0.5 * pred_h
    pred_boxes[:, 2::4] = pred_ctr_x + 0.5 * pred_w - 1
    pred_boxes[:, 3::4] = pred_ctr_y + 0.5 * pred_h - 1
    return pred_boxes


def mmdet_encode(anchors, boxes, weights=(1.0, 1.0, 1.0, 1.0)):
    """In the style of mmdetection's bbox2delta(proposals=anchors, gt=boxes, means=0, stds=1 / weights)."""
    assert anchors.shape == boxes.shape
    means, stds = np.zeros(4), 1.0 / np.asarray(weights, np.float64)
    proposals, gt = anchors.astype(np.float32), boxes.astype(np.float32)  # .float()
    px = (proposals[..., 0] + proposals[..., 2]) * 0.5
    py = (proposals[..., 1] + proposals[..., 3]) * 0.5
    pw = proposals[..., 2] - proposals[..., 0]
    ph = proposals[..., 3] - proposals[..., 1]
    gx = (gt[..., 0] + gt[..., 2]) * 0.5
    gy = (gt[..., 1] + gt[..., 3]) * 0.5
    gw = gt[..., 2] - gt[..., 0]
    gh = gt[..., 3] - gt[..., 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        deltas = np.stack([(gx - px) / pw, (gy - py) / ph, np.log(gw / pw), np.log(gh / ph)], axis=-1)
    return (deltas - means.astype(np.float32)) / stds.astype(np.float32)


def mmdet_decode(anchors, deltas, weights=(1.0, 1.0, 1.0, 1.0), clamp=CLIP):
    """In the style of mmdetection's delta2bbox(rois=anchors, deltas, stds=1 / weights,
    wh_ratio_clip=exp(-clamp)): dw, dh clipped to [-max_ratio, max_ratio]."""
    if deltas.shape[0] == 0:
        return deltas
    wh_ratio_clip = math.exp(-clamp)
    stds = (1.0 / np.asarray(weights, np.float64)).astype(deltas.dtype)
    denorm = deltas * stds + np.zeros(4, deltas.dtype)
    dxy, dwh = denorm[:, :2], denorm[:, 2:]
    pxy = (anchors[:, :2] + anchors[:, 2:]) * 0.5
    pwh = anchors[:, 2:] - anchors[:, :2]
    dxy_wh = pwh * dxy
    max_ratio = np.abs(np.log(wh_ratio_clip))
    dwh = np.clip(dwh, -max_ratio, max_ratio)
    gxy = pxy + dxy_wh
    gwh = pwh * np.exp(dwh)
    return np.concatenate([gxy - gwh * 0.5, gxy + gwh * 0.5], axis=-1)


WRONG = {
    "plus_one_pixel": {"encode": _pair(plus_one=1.0), "decode": _decoder(plus_one=1.0)},
    "plus_one_without_minus_one": {"encode": _pair(plus_one=1.0), "decode": _decoder(plus_one=1.0, minus_one=0.0)},
    "centre_at_x1_plus_w": {"encode": _pair(centre_at=1.0), "decode": _decoder(centre_at=1.0)},
    "log_ratio_flipped": {"encode": _pair(flip_log=True)},
    "weights_multiplied_in_decode": {"decode": _decoder(weights_mul=True)},
    "no_clamp": {"decode": _decoder(clamp_mode="none")},
    "ignores_clamp_argument": {"decode": _decoder(ignore_clamp=True)},
    "clamp_default_log_1000": {"decode": _decoder(default_clamp=math.log(1000.0))},
    "clamp_from_below_too": {"decode": _decoder(clamp_mode="both")},
    "clamp_before_weights": {"decode": _decoder(clamp_mode="before_weights")},
    "clamps_deltas_in_place": {"decode": _decoder(in_place=True)},
    "clamps_dx_dy_too": {"decode": _decoder(clamp_shift=True)},
    "float64_output": {"encode": _pair(upcast=True), "decode": _decoder(upcast=True)},
    "float32_arithmetic": {"encode": _pair(f32=True), "decode": _decoder(f32=True)},
    "no_shape_check": {"encode": _pair(check=False), "decode": _decoder(check=False)},
    "no_size_check": {"encode": _pair(size_check=False)},
}
CANONICAL = {
    "torchvision": {"encode": torchvision_encode, "decode": torchvision_decode},
    "maskrcnn_benchmark": {"encode": maskrcnn_benchmark_encode, "decode": maskrcnn_benchmark_decode},
    "mmdet": {"encode": mmdet_encode, "decode": mmdet_decode},
}
SLOW = {}
