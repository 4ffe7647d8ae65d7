"""Known-wrong answers to detection/iou_variants; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import math

import torch


def _mutant(*, giou_over_union=False, rho_squared=True, diag_squared=True, detach_alpha=True, v_mode="ratio",
            use_eps=True, cpu_buffer=False, check=True, fixed_eps=False):
    def terms(b1, b2, eps):
        if check and (b1.ndim != 2 or b1.shape[-1] != 4 or b1.shape != b2.shape):
            raise ValueError("bad shapes")
        eps = (1e-7 if fixed_eps else eps) if use_eps else 0.0
        x1, y1, x2, y2 = b1.unbind(-1)
        X1, Y1, X2, Y2 = b2.unbind(-1)
        iw = torch.minimum(x2, X2) - torch.maximum(x1, X1)
        ih = torch.minimum(y2, Y2) - torch.maximum(y1, Y1)
        if cpu_buffer:  # torch.zeros(N): float32 on the CPU, whatever the inputs are
            inter = torch.zeros(len(b1))
            mask = (iw > 0) & (ih > 0)
            inter[mask] = (iw * ih)[mask]
        else:
            inter = iw.clamp(min=0) * ih.clamp(min=0)
        union = (x2 - x1) * (y2 - y1) + (X2 - X1) * (Y2 - Y1) - inter
        iou = inter / (union + eps)
        cw = torch.maximum(x2, X2) - torch.minimum(x1, X1)
        ch = torch.maximum(y2, Y2) - torch.minimum(y1, Y1)
        rho2 = ((x1 + x2 - X1 - X2) / 2) ** 2 + ((y1 + y2 - Y1 - Y2) / 2) ** 2
        rho = rho2 if rho_squared else rho2.sqrt()
        diag = cw**2 + ch**2 if diag_squared else (cw**2 + ch**2).sqrt()
        d = iou - rho / (diag + eps)
        return eps, iou, union, cw * ch, d, (x2 - x1, y2 - y1, X2 - X1, Y2 - Y1)

    def giou(boxes1, boxes2, eps=1e-7):
        eps, iou, union, area_c, _, _ = terms(boxes1, boxes2, eps)
        return iou - (area_c - union) / ((union if giou_over_union else area_c) + eps)

    def diou(boxes1, boxes2, eps=1e-7):
        return terms(boxes1, boxes2, eps)[4]

    def ciou(boxes1, boxes2, eps=1e-7):
        eps, iou, _, _, d, (w1, h1, w2, h2) = terms(boxes1, boxes2, eps)
        if v_mode == "difference":  # atan of the difference of the ratios
            angle = torch.atan(w2 / (h2 + eps) - w1 / (h1 + eps))
        else:
            angle = torch.atan(w2 / (h2 + eps)) - torch.atan(w1 / (h1 + eps))
            if v_mode == "degrees":
                angle = torch.rad2deg(angle)
        v = 4 / math.pi**2 * angle**2
        alpha = v / (1 - iou + v + eps)
        if detach_alpha:
            alpha = alpha.detach()
        return d - alpha * v

    return {"giou": giou, "diou": diou, "ciou": ciou}


def _check(b1, b2):
    if b1.ndim != 2 or b1.shape[-1] != 4 or b1.shape != b2.shape:
        raise ValueError("boxes1 and boxes2 must both be (N, 4)")


def _tv_inter_union(boxes1, boxes2):
    """torchvision's _loss_inter_union: the intersection written into a zeros_like buffer by a mask."""
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    xkis1, ykis1 = torch.max(x1, x1g), torch.max(y1, y1g)
    xkis2, ykis2 = torch.min(x2, x2g), torch.min(y2, y2g)
    intsct = torch.zeros_like(x1)
    mask = (ykis2 > ykis1) & (xkis2 > xkis1)
    intsct[mask] = (xkis2[mask] - xkis1[mask]) * (ykis2[mask] - ykis1[mask])
    union = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - intsct
    return intsct, union


def tv_giou(boxes1, boxes2, eps=1e-7):
    """1 - torchvision.ops.generalized_box_iou_loss(boxes1, boxes2, eps=eps)."""
    _check(boxes1, boxes2)
    intsct, union = _tv_inter_union(boxes1, boxes2)
    iou = intsct / (union + eps)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    area_c = (torch.max(x2, x2g) - torch.min(x1, x1g)) * (torch.max(y2, y2g) - torch.min(y1, y1g))
    return iou - (area_c - union) / (area_c + eps)


def _tv_diou_iou(boxes1, boxes2, eps):
    intsct, union = _tv_inter_union(boxes1, boxes2)
    iou = intsct / (union + eps)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    diag = (torch.max(x2, x2g) - torch.min(x1, x1g)) ** 2 + (torch.max(y2, y2g) - torch.min(y1, y1g)) ** 2 + eps
    dist = ((x1 + x2) / 2 - (x1g + x2g) / 2) ** 2 + ((y1 + y2) / 2 - (y1g + y2g) / 2) ** 2
    return iou - dist / diag, iou


def tv_diou(boxes1, boxes2, eps=1e-7):
    """1 - torchvision.ops.distance_box_iou_loss(boxes1, boxes2, eps=eps)."""
    _check(boxes1, boxes2)
    return _tv_diou_iou(boxes1, boxes2, eps)[0]


def tv_ciou(boxes1, boxes2, eps=1e-7):
    """1 - torchvision.ops.complete_box_iou_loss: v = atan(w / h) with no eps."""
    _check(boxes1, boxes2)
    d, iou = _tv_diou_iou(boxes1, boxes2, eps)
    w_pred, h_pred = boxes1[:, 2] - boxes1[:, 0], boxes1[:, 3] - boxes1[:, 1]
    w_gt, h_gt = boxes2[:, 2] - boxes2[:, 0], boxes2[:, 3] - boxes2[:, 1]
    v = (4 / (math.pi**2)) * torch.pow(torch.atan(w_gt / h_gt) - torch.atan(w_pred / h_pred), 2)
    with torch.no_grad():
        alpha = v / (1 - iou + v + eps)
    return d - alpha * v


def _yolov5(kind):
    """yolov5 utils/metrics.py bbox_iou(box1, box2, xywh=False, GIoU/DIoU/CIoU=True): heights clamped at
    eps, eps added to the union, the enclosing area and the squared diagonal; squeezed to (N,)."""
    def fn(boxes1, boxes2, eps=1e-7):
        _check(boxes1, boxes2)
        b1_x1, b1_y1, b1_x2, b1_y2 = boxes1.chunk(4, -1)
        b2_x1, b2_y1, b2_x2, b2_y2 = boxes2.chunk(4, -1)
        w1, h1 = b1_x2 - b1_x1, (b1_y2 - b1_y1).clamp(eps)
        w2, h2 = b2_x2 - b2_x1, (b2_y2 - b2_y1).clamp(eps)
        inter = (b1_x2.minimum(b2_x2) - b1_x1.maximum(b2_x1)).clamp(0) * \
                (b1_y2.minimum(b2_y2) - b1_y1.maximum(b2_y1)).clamp(0)
        union = w1 * h1 + w2 * h2 - inter + eps
        iou = inter / union
        cw = b1_x2.maximum(b2_x2) - b1_x1.minimum(b2_x1)
        ch = b1_y2.maximum(b2_y2) - b1_y1.minimum(b2_y1)
        if kind == "giou":
            c_area = cw * ch + eps
            out = iou - (c_area - union) / c_area
        else:
            c2 = cw**2 + ch**2 + eps
            rho2 = ((b2_x1 + b2_x2 - b1_x1 - b1_x2) ** 2 + (b2_y1 + b2_y2 - b1_y1 - b1_y2) ** 2) / 4
            if kind == "diou":
                out = iou - rho2 / c2
            else:
                v = (4 / math.pi**2) * (torch.atan(w2 / h2) - torch.atan(w1 / h1)).pow(2)
                with torch.no_grad():
                    alpha = v / (v - iou + (1 + eps))
                out = iou - (rho2 / c2 + v * alpha)
        return out.squeeze(-1)

    fn.__name__ = kind
    return fn


WRONG = {
    "giou_union_denominator": {"giou": _mutant(giou_over_union=True)["giou"]},
    "diou_distance_not_squared": {k: v for k, v in _mutant(rho_squared=False).items() if k != "giou"},
    "diou_diagonal_not_squared": {k: v for k, v in _mutant(diag_squared=False).items() if k != "giou"},
    "ciou_alpha_gradient": {"ciou": _mutant(detach_alpha=False)["ciou"]},
    "v_in_degrees": {"ciou": _mutant(v_mode="degrees")["ciou"]},
    "v_atan_of_difference": {"ciou": _mutant(v_mode="difference")["ciou"]},
    "no_eps": _mutant(use_eps=False),
    "cpu_float32_buffer": _mutant(cpu_buffer=True),
    "ignores_eps_argument": _mutant(fixed_eps=True),
    "no_shape_check": _mutant(check=False),
}
CANONICAL = {
    "torchvision": {"giou": tv_giou, "diou": tv_diou, "ciou": tv_ciou},
    "yolov5": {k: _yolov5(k) for k in ("giou", "diou", "ciou")},
}
SLOW = {}
