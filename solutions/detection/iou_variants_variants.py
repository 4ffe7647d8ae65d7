"""Known-wrong answers to detection/iou_variants; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import math

import torch


def _mutant(*, giou_over_union=False, rho_squared=True, diag_squared=True, detach_alpha=True, v_mode="ratio",
            use_eps=True, cpu_buffer=False):
    def terms(b1, b2, eps):
        if b1.ndim != 2 or b1.shape[-1] != 4 or b1.shape != b2.shape:
            raise ValueError("bad shapes")
        eps = eps if use_eps else 0.0
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


WRONG = {
    "giou_union_denominator": {"giou": _mutant(giou_over_union=True)["giou"]},
    "diou_distance_not_squared": {k: v for k, v in _mutant(rho_squared=False).items() if k != "giou"},
    "diou_diagonal_not_squared": {k: v for k, v in _mutant(diag_squared=False).items() if k != "giou"},
    "ciou_alpha_gradient": {"ciou": _mutant(detach_alpha=False)["ciou"]},
    "v_in_degrees": {"ciou": _mutant(v_mode="degrees")["ciou"]},
    "v_atan_of_difference": {"ciou": _mutant(v_mode="difference")["ciou"]},
    "no_eps": _mutant(use_eps=False),
    "cpu_float32_buffer": _mutant(cpu_buffer=True),
}
SLOW = {}
