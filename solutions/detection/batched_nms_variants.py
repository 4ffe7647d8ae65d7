"""Known-wrong and slow-but-correct answers to detection/batched_nms; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import torch


def _greedy(b, scores, iou_threshold, *, ge=False, flip_ties=False, fast=False):
    """Plain greedy NMS over all of `b` (no notion of categories); indices in descending score order."""
    if flip_ties:
        order = torch.argsort(scores).flip(0)
    else:
        order = torch.sort(scores, descending=True, stable=True).indices
    x1, y1, x2, y2 = b[order].unbind(1)
    areas = (x2 - x1) * (y2 - y1)
    w = (torch.minimum(x2[:, None], x2) - torch.maximum(x1[:, None], x1)).clamp(min=0)
    h = (torch.minimum(y2[:, None], y2) - torch.maximum(y1[:, None], y1)).clamp(min=0)
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


def _mutant(*, offset="span", ge=False, flip_ties=False, fast=False, per_class_order=False, in_place=False):
    def batched_nms(boxes, scores, idxs, iou_threshold):
        if boxes.ndim != 2 or boxes.shape[1] != 4 or scores.shape != (len(boxes),) or idxs.shape != (len(boxes),):
            raise ValueError("bad shapes")
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
        return _greedy(b, scores, iou_threshold, ge=ge, flip_ties=flip_ties, fast=fast)

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
SLOW = {"python_loop": {"batched_nms": python_loop}}
