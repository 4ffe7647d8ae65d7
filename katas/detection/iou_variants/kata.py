"""GIoU, DIoU and CIoU in torch · GIoU / DIoU / CIoU 的 PyTorch 实现

Plain IoU is flat (zero gradient) for boxes that do not overlap. GIoU, DIoU and CIoU add penalties
that keep pulling a predicted box towards its target: the empty part of the enclosing box, the
distance between the centres, the difference in aspect ratio. Write all three, differentiable, for
aligned pairs of boxes, on whatever device the boxes live.

Run the tests: pytest katas/detection/iou_variants
"""

import torch

__all__ = ["giou", "diou", "ciou"]


def giou(boxes1: torch.Tensor, boxes2: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    """Generalised IoU of aligned pairs: ``GIoU = iou - (cw * ch - union) / (cw * ch + eps)``.

    Definitions, shared by ``giou``, ``diou`` and ``ciou``. For row i, box A = ``boxes1[i]`` =
    ``(x1, y1, x2, y2)`` and box B = ``boxes2[i]`` = ``(X1, Y1, X2, Y2)``::

        w1, h1 = x2 - x1, y2 - y1                w2, h2 = X2 - X1, Y2 - Y1
        inter  = max(min(x2, X2) - max(x1, X1), 0) * max(min(y2, Y2) - max(y1, Y1), 0)
        union  = w1 * h1 + w2 * h2 - inter
        iou    = inter / (union + eps)
        cw, ch = max(x2, X2) - min(x1, X1), max(y2, Y2) - min(y1, Y1)    # smallest enclosing box
        rho2   = ((x1 + x2) / 2 - (X1 + X2) / 2) ** 2 + ((y1 + y2) / 2 - (Y1 + Y2) / 2) ** 2

        GIoU = iou - (cw * ch - union) / (cw * ch + eps)
        DIoU = iou - rho2 / (cw ** 2 + ch ** 2 + eps)
        CIoU = DIoU - alpha * v
            v     = 4 / pi ** 2 * (atan(w2 / (h2 + eps)) - atan(w1 / (h1 + eps))) ** 2
            alpha = v / (1 - iou + v + eps)        # a constant for autograd (see ``ciou``)

    These are values in [-1, 1]; as a loss one uses ``1 - value``.

    Args:
        boxes1, boxes2: float32 or float64 tensors of the same shape (N, 4), rows
            ``x1, y1, x2, y2`` with ``x1 <= x2`` and ``y1 <= y2`` (not checked), continuous
            coordinates (width ``x2 - x1``, no ``+ 1``). Row i of one is paired with row i of the
            other (not every pair with every pair: that would be (N, N)).
        eps: added exactly where the definitions put it, so that pairs with a zero union, a zero
            enclosing box or a zero height give finite values and finite gradients. Default 1e-7.

    Returns:
        Tensor of shape (N,) on the inputs' device with their dtype: the GIoU of each pair, in
        (-1, 1]. Disjoint boxes give a negative value that rises towards 0 as they come closer.

    Rules:
        - Differentiable with respect to both inputs through ordinary autograd; gradients are
          finite for every valid input, degenerate boxes (zero width or height, identical boxes,
          points) included.
        - N = 0 gives an empty tensor. The inputs are not modified.
        - Inputs that are not two (N, 4) tensors of the same shape raise ``ValueError``.

    Accuracy: within 1e-5 relative or 1e-6 absolute of the definitions evaluated in float64, for
    float32 and float64 alike. On boxes of ordinary size (sides of 0.5 and more) it does not matter
    whether eps is added (``h + eps``) or clamped in (``max(h, eps)``); only tiny and zero-height
    boxes tell, and test_eps_placement_as_stated decides that convention.

    Canonical code: torchvision's aligned losses ``generalized_box_iou_loss``,
    ``distance_box_iou_loss`` and ``complete_box_iou_loss`` (value = 1 - loss) follow these
    definitions, eps included, except that CIoU's ``v`` uses ``atan(w / h)`` with no eps, so a box
    of zero height gives NaN gradients (test_eps_placement_as_stated). yolov5's ``bbox_iou(...,
    xywh=False, GIoU/DIoU/CIoU=True)`` adds eps to the union and the diagonal as here but clamps the
    heights (``h.clamp(eps)``), used in the areas and in ``v`` (test_eps_placement_as_stated), and
    returns (N, 1). (``torchvision.ops.generalized_box_iou`` and friends give the (N, M) matrix of
    every pair, not aligned pairs.)
    """
    raise NotImplementedError("giou")


def diou(boxes1: torch.Tensor, boxes2: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    """Distance IoU of aligned pairs: ``DIoU = iou - rho2 / (cw ** 2 + ch ** 2 + eps)``.

    ``rho2`` is the **squared** distance between the two boxes' centres and ``cw ** 2 + ch ** 2``
    the **squared** diagonal of their smallest enclosing box (definitions in ``giou``'s
    docstring). Arguments, returned tensor, rules and accuracy as in ``giou``; values lie in (-1, 1].
    """
    raise NotImplementedError("diou")


def ciou(boxes1: torch.Tensor, boxes2: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    """Complete IoU of aligned pairs: ``CIoU = DIoU - alpha * v``.

    ``v = 4 / pi ** 2 * (atan(w2 / (h2 + eps)) - atan(w1 / (h1 + eps))) ** 2`` measures how much
    the aspect ratios differ (angles in radians), and ``alpha = v / (1 - iou + v + eps)`` is its
    trade-off weight. ``alpha`` is treated as a **constant**: compute it under ``torch.no_grad()``
    (or detach it), so gradients flow through ``iou``, the distance term and ``v`` but not through
    ``alpha``, as in the CIoU authors' code and ``torchvision.ops.complete_box_iou_loss``.

    Definitions as in ``giou``'s docstring; arguments, returned tensor, rules and accuracy as in
    ``giou``. Boxes with equal aspect ratios have ``v = 0`` and CIoU equal to DIoU.
    """
    raise NotImplementedError("ciou")
