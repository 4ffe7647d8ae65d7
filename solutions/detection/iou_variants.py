"""GIoU, DIoU and CIoU of aligned box pairs in torch (values; the losses are 1 - value)."""

import math

import torch


def _terms(boxes1, boxes2, eps):
    """IoU, union, enclosing-box sides, centre distance squared, and the boxes' sizes."""
    if boxes1.ndim != 2 or boxes1.shape[-1] != 4 or boxes1.shape != boxes2.shape:
        raise ValueError(f"boxes1 and boxes2 must both be (N, 4), got {tuple(boxes1.shape)} and {tuple(boxes2.shape)}")
    x1, y1, x2, y2 = boxes1.unbind(-1)
    X1, Y1, X2, Y2 = boxes2.unbind(-1)
    w1, h1, w2, h2 = x2 - x1, y2 - y1, X2 - X1, Y2 - Y1
    inter = (torch.minimum(x2, X2) - torch.maximum(x1, X1)).clamp(min=0) * \
            (torch.minimum(y2, Y2) - torch.maximum(y1, Y1)).clamp(min=0)
    union = w1 * h1 + w2 * h2 - inter
    iou = inter / (union + eps)
    cw = torch.maximum(x2, X2) - torch.minimum(x1, X1)
    ch = torch.maximum(y2, Y2) - torch.minimum(y1, Y1)
    rho2 = ((x1 + x2 - X1 - X2) / 2) ** 2 + ((y1 + y2 - Y1 - Y2) / 2) ** 2
    return iou, union, cw, ch, rho2, (w1, h1, w2, h2)


def giou(boxes1: torch.Tensor, boxes2: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    iou, union, cw, ch, _, _ = _terms(boxes1, boxes2, eps)
    area_c = cw * ch
    return iou - (area_c - union) / (area_c + eps)


def diou(boxes1: torch.Tensor, boxes2: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    iou, _, cw, ch, rho2, _ = _terms(boxes1, boxes2, eps)
    return iou - rho2 / (cw**2 + ch**2 + eps)


def ciou(boxes1: torch.Tensor, boxes2: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    iou, _, cw, ch, rho2, (w1, h1, w2, h2) = _terms(boxes1, boxes2, eps)
    v = 4 / math.pi**2 * (torch.atan(w2 / (h2 + eps)) - torch.atan(w1 / (h1 + eps))) ** 2
    with torch.no_grad():  # alpha is a weight, not something to optimise
        alpha = v / (1 - iou + v + eps)
    return iou - rho2 / (cw**2 + ch**2 + eps) - alpha * v
