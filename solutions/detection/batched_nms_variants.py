"""Known-wrong and slow-but-correct answers to detection/batched_nms; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import torch


def _greedy(b, scores, iou_threshold, *, ge=False, flip_ties=False, fast=False, plus_one=0.0):
    """Plain greedy NMS over all of `b` (no notion of categories); indices in descending score order."""
    if flip_ties:
        order = torch.argsort(scores).flip(0)
    else:
        order = torch.sort(scores, descending=True, stable=True).indices
    x1, y1, x2, y2 = b[order].unbind(1)
    areas = (x2 - x1 + plus_one) * (y2 - y1 + plus_one)
    w = (torch.minimum(x2[:, None], x2) - torch.maximum(x1[:, None], x1) + plus_one).clamp(min=0)
    h = (torch.minimum(y2[:, None], y2) - torch.maximum(y1[:, None], y1) + plus_one).clamp(min=0)
    inter = w * h
    union = areas[:, None] + areas - inter
    iou = torch.where(union > 0, inter / union, torch.zeros_like(inter))
    over = (iou >= iou_threshold) if ge else (iou > iou_threshold)
    over = over.triu(1)  # over[i, j]: higher-scored i would suppress j
    if fast:  # Fast-NMS: every higher-scored box suppresses, even one that was itself suppressed
        return order[~over.any(0)]
    removed = torch.zeros(len(order), dtype=torch.bool, device=b.device)
    for i in range(len(order)):
        if not removed[i]:
            removed |= over[i]
    return order[~removed]


def _mutant(*, offset="span", ge=False, flip_ties=False, fast=False, per_class_order=False, in_place=False,
            plus_one=0.0, check=True, as_numpy=False):
    def batched_nms(boxes, scores, idxs, iou_threshold):
        if check and (boxes.ndim != 2 or boxes.shape[1] != 4 or scores.shape != (len(boxes),)
                      or idxs.shape != (len(boxes),)):
            raise ValueError("bad shapes")
        if as_numpy:
            return _mutant()(boxes, scores, idxs, iou_threshold).cpu().numpy()
        if boxes.numel() == 0:
            return torch.empty(0, dtype=torch.int64, device=boxes.device)
        if per_class_order:
            parts = []
            for c in torch.unique(idxs):  # category by category, each in score order
                members = torch.nonzero(idxs == c).squeeze(1)
                parts.append(members[_greedy(boxes[members], scores[members], iou_threshold)])
            return torch.cat(parts)
        cls = idxs.to(boxes.dtype)[:, None]
        if offset == "none":
            shift = torch.zeros_like(cls)
        elif offset == "idx":
            shift = cls
        elif offset == "max_plus_one":  # torchvision's trick: breaks for coordinates below -1
            shift = cls * (boxes.max() + 1)
        else:
            shift = cls * (boxes.max() - boxes.min() + 1)
        if in_place:
            boxes += shift
            b = boxes
        else:
            b = boxes + shift
        return _greedy(b, scores, iou_threshold, ge=ge, flip_ties=flip_ties, fast=fast, plus_one=plus_one)

    return batched_nms


def python_loop(boxes, scores, idxs, iou_threshold):
    """Correct, but pure Python: a loop over categories and over pairs of boxes."""
    if boxes.ndim != 2 or boxes.shape[1] != 4 or scores.shape != (len(boxes),) or idxs.shape != (len(boxes),):
        raise ValueError("bad shapes")
    b, s, c = boxes.tolist(), scores.tolist(), idxs.tolist()
    keep = []
    for cls in sorted(set(c)):
        kept = []
        for i in sorted((i for i in range(len(b)) if c[i] == cls), key=lambda i: (-s[i], i)):
            x1, y1, x2, y2 = b[i]
            for j in kept:
                u1, v1, u2, v2 = b[j]
                inter = max(0.0, min(x2, u2) - max(x1, u1)) * max(0.0, min(y2, v2) - max(y1, v1))
                union = (x2 - x1) * (y2 - y1) + (u2 - u1) * (v2 - v1) - inter
                if union > 0 and inter / union > iou_threshold:
                    break
            else:
                kept.append(i)
        keep += kept
    keep.sort(key=lambda i: (-s[i], i))
    return torch.tensor(keep, dtype=torch.int64, device=boxes.device)


def _tv_nms(boxes, scores, iou_threshold):
    """In the style of torchvision's CPU nms kernel: a stable descending sort, then a suppressed mask."""
    x1, y1, x2, y2 = boxes.unbind(1)
    areas = (x2 - x1) * (y2 - y1)
    order = scores.sort(dim=0, descending=True, stable=True)[1]
    suppressed = torch.zeros(len(boxes), dtype=torch.bool)
    keep = []
    for _i in range(len(order)):
        i = int(order[_i])
        if suppressed[i]:
            continue
        keep.append(i)
        rest = order[_i + 1:]
        w = (torch.minimum(x2[i], x2[rest]) - torch.maximum(x1[i], x1[rest])).clamp(min=0)
        h = (torch.minimum(y2[i], y2[rest]) - torch.maximum(y1[i], y1[rest])).clamp(min=0)
        inter = w * h
        ovr = inter / (areas[i] + areas[rest] - inter)
        suppressed[rest[(ovr > iou_threshold).cpu()]] = True
    return torch.tensor(keep, dtype=torch.int64, device=boxes.device)


def torchvision_style(boxes, scores, idxs, iou_threshold):
    """torchvision.ops.batched_nms on small inputs: _batched_nms_coordinate_trick (offsets by
    idxs * (max + 1)), then nms. No shape checks (torch's own errors where shapes clash)."""
    if boxes.numel() == 0:
        return torch.empty((0,), dtype=torch.int64, device=boxes.device)
    max_coordinate = boxes.max()
    offsets = idxs.to(boxes) * (max_coordinate + torch.tensor(1).to(boxes))
    boxes_for_nms = boxes + offsets[:, None]
    return _tv_nms(boxes_for_nms, scores, iou_threshold)


WRONG = {
    "ignores_classes": {"batched_nms": _mutant(offset="none")},
    "offset_by_idx": {"batched_nms": _mutant(offset="idx")},
    "offset_breaks_on_negative": {"batched_nms": _mutant(offset="max_plus_one")},
    "per_class_order": {"batched_nms": _mutant(per_class_order=True)},
    "ge_threshold": {"batched_nms": _mutant(ge=True)},
    "flipped_argsort": {"batched_nms": _mutant(flip_ties=True)},
    "suppressed_boxes_suppress": {"batched_nms": _mutant(fast=True)},
    "shifts_boxes_in_place": {"batched_nms": _mutant(in_place=True)},
}
WRONG.update({
    "plus_one_pixel": {"batched_nms": _mutant(plus_one=1.0)},
    "no_shape_check": {"batched_nms": _mutant(check=False)},
    "returns_numpy": {"batched_nms": _mutant(as_numpy=True)},
})
CANONICAL = {"torchvision": {"batched_nms": torchvision_style}}
SLOW = {"python_loop": {"batched_nms": python_loop}}
