"""Class-aware NMS in torch: greedy NMS within each category, on the input's device."""

import torch


def batched_nms(boxes: torch.Tensor, scores: torch.Tensor, idxs: torch.Tensor,
                iou_threshold: float) -> torch.Tensor:
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f"boxes must have shape (N, 4), got {tuple(boxes.shape)}")
    n = boxes.shape[0]
    if scores.shape != (n,) or idxs.shape != (n,):
        raise ValueError(f"scores and idxs must have shape ({n},), got {tuple(scores.shape)} and {tuple(idxs.shape)}")

    # Descending score (a stable sort keeps equal scores in index order), then grouped by category:
    # each category becomes one contiguous run of `order`, best box first.
    by_score = torch.sort(scores, descending=True, stable=True).indices
    order = by_score[torch.sort(idxs[by_score], stable=True).indices]
    sorted_boxes = boxes[order]
    x1, y1, x2, y2 = sorted_boxes.unbind(1)
    areas = (x2 - x1) * (y2 - y1)
    coords = sorted_boxes.tolist()  # the kept box's corners as Python floats: cheaper than 0-d tensors
    run_ends = torch.unique_consecutive(idxs[order], return_counts=True)[1].cumsum(0).tolist()

    removed = torch.zeros(n, dtype=torch.bool, device=boxes.device)
    start = 0
    for end in run_ends:  # one category at a time: other categories are never compared
        for i in range(start, end):
            if removed[i]:
                continue
            a1, b1, a2, b2 = coords[i]
            rest = slice(i + 1, end)  # the lower-scored boxes of the same category: views, no copies
            w = (x2[rest].clamp(max=a2) - x1[rest].clamp(min=a1)).clamp(min=0)
            h = (y2[rest].clamp(max=b2) - y1[rest].clamp(min=b1)).clamp(min=0)
            inter = w * h
            iou = inter / ((a2 - a1) * (b2 - b1) + areas[rest] - inter)
            removed[rest] |= iou > iou_threshold  # a zero union gives 0 / 0 = NaN, and NaN > t is False
        start = end

    keep = torch.zeros(n, dtype=torch.bool, device=boxes.device)
    keep[order[~removed]] = True
    return by_score[keep[by_score]]  # all categories together, in descending score order
