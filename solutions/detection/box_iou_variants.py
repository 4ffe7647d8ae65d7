"""Known-wrong and slow-but-correct answers to detection/box_iou; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import numpy as np


def _mutant(*, plus_one=0.0, clamp=True, guard=True, layout="pairs", upcast=False, check=True, f32=False,
            clamp_product=False, no_subtract=False):
    def box_iou(boxes1, boxes2):
        a, b = np.asarray(boxes1), np.asarray(boxes2)
        if check and (a.ndim != 2 or a.shape[1] != 4 or b.ndim != 2 or b.shape[1] != 4):
            raise ValueError("bad shapes")
        out_dtype = np.float64 if upcast else np.result_type(a, b)
        dtype = np.float32 if f32 else out_dtype
        a, b = a.astype(dtype), b.astype(dtype)
        if layout == "transposed":
            a, b = b, a
        area1 = (a[:, 2] - a[:, 0] + plus_one) * (a[:, 3] - a[:, 1] + plus_one)
        area2 = (b[:, 2] - b[:, 0] + plus_one) * (b[:, 3] - b[:, 1] + plus_one)
        if layout == "aligned":  # row i with row i only, the elementwise formula of a loss
            lo, hi, a1 = np.maximum(a[:, :2], b[:, :2]), np.minimum(a[:, 2:], b[:, 2:]), area1
        else:
            lo, hi, a1 = np.maximum(a[:, None, :2], b[:, :2]), np.minimum(a[:, None, 2:], b[:, 2:]), area1[:, None]
        wh = hi - lo + plus_one
        if clamp and not clamp_product:
            wh = np.clip(wh, 0, None)
        inter = wh[..., 0] * wh[..., 1]
        if clamp_product:
            inter = np.clip(inter, 0, None)
        union = a1 + area2 - (0 if no_subtract else inter)
        if guard:
            out = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        else:
            out = inter / union
        return out.astype(out_dtype)

    return box_iou


def pair_loop(boxes1, boxes2):
    """Correct, but a Python loop over every pair of boxes."""
    a, b = np.asarray(boxes1), np.asarray(boxes2)
    if a.ndim != 2 or a.shape[1] != 4 or b.ndim != 2 or b.shape[1] != 4:
        raise ValueError("bad shapes")
    out = np.zeros((len(a), len(b)), dtype=np.result_type(a, b))
    for i, (x1, y1, x2, y2) in enumerate(a.tolist()):
        for j, (u1, v1, u2, v2) in enumerate(b.tolist()):
            inter = max(0.0, min(x2, u2) - max(x1, u1)) * max(0.0, min(y2, v2) - max(y1, v1))
            union = (x2 - x1) * (y2 - y1) + (u2 - u1) * (v2 - v1) - inter
            out[i, j] = inter / union if union > 0 else 0.0
    return out


def torchvision_style(boxes1, boxes2):
    """In the style of torchvision.ops.box_iou (_box_inter_union): lt/rb by broadcasting, wh clamped,
    inter / union unguarded, no shape check."""
    area1 = (boxes1[:, 2] - boxes1[:, 0]) * (boxes1[:, 3] - boxes1[:, 1])
    area2 = (boxes2[:, 2] - boxes2[:, 0]) * (boxes2[:, 3] - boxes2[:, 1])
    lt = np.maximum(boxes1[:, None, :2], boxes2[:, :2])
    rb = np.minimum(boxes1[:, None, 2:], boxes2[:, 2:])
    wh = np.clip(rb - lt, 0, None)
    inter = wh[:, :, 0] * wh[:, :, 1]
    union = area1[:, None] + area2 - inter
    return inter / union


def mmdet_style(boxes1, boxes2, eps=1e-6):
    """In the style of mmdetection's bbox_overlaps(mode='iou'): union clamped at eps, shapes asserted."""
    assert boxes1.shape[-1] == 4 or boxes1.shape[0] == 0
    assert boxes2.shape[-1] == 4 or boxes2.shape[0] == 0
    area1 = (boxes1[..., 2] - boxes1[..., 0]) * (boxes1[..., 3] - boxes1[..., 1])
    area2 = (boxes2[..., 2] - boxes2[..., 0]) * (boxes2[..., 3] - boxes2[..., 1])
    lt = np.maximum(boxes1[..., :, None, :2], boxes2[..., None, :, :2])
    rb = np.minimum(boxes1[..., :, None, 2:], boxes2[..., None, :, 2:])
    wh = np.clip(rb - lt, 0, None)
    overlap = wh[..., 0] * wh[..., 1]
    union = area1[..., None] + area2[..., None, :] - overlap
    union = np.maximum(union, np.asarray(eps, union.dtype))
    return overlap / union


WRONG = {
    "plus_one_pixel": {"box_iou": _mutant(plus_one=1.0)},
    "unclamped_intersection": {"box_iou": _mutant(clamp=False)},
    "unguarded_union": {"box_iou": _mutant(guard=False)},
    "transposed": {"box_iou": _mutant(layout="transposed")},
    "aligned_pairs": {"box_iou": _mutant(layout="aligned")},
    "float64_output": {"box_iou": _mutant(upcast=True)},
    "no_shape_check": {"box_iou": _mutant(check=False)},
    "float32_arithmetic": {"box_iou": _mutant(f32=True)},
    "clamp_product": {"box_iou": _mutant(clamp_product=True)},
    "union_without_subtraction": {"box_iou": _mutant(no_subtract=True)},
}
CANONICAL = {"torchvision": {"box_iou": torchvision_style}, "mmdet": {"box_iou": mmdet_style}}
SLOW = {"pair_loop": {"box_iou": pair_loop}}
