"""Sigmoid focal loss (RetinaNet) · Focal Loss (RetinaNet) 的 PyTorch 实现

A one-stage detector scores every anchor for every class, and nearly all of those scores belong to
easy background. Focal loss (Lin et al., "Focal Loss for Dense Object Detection", 2017) scales
binary cross-entropy down by ``(1 - p_t) ** gamma`` so the easy, well-classified majority stops
drowning the few hard examples, and ``alpha`` balances positives against negatives. Write it in
torch, differentiable, stable for logits of any size, on whatever device the logits live.

Run the tests: pytest katas/detection/focal_loss
"""

import torch

__all__ = ["sigmoid_focal_loss"]


def sigmoid_focal_loss(logits: torch.Tensor, targets: torch.Tensor, alpha: float = 0.25, gamma: float = 2.0,
                       reduction: str = "none") -> torch.Tensor:
    """Sigmoid focal loss of RetinaNet, as ``torchvision.ops.sigmoid_focal_loss`` defines it.

    Per element, with ``x`` a logit and ``t`` its target::

        p       = sigmoid(x)
        ce      = -t * log(p) - (1 - t) * log(1 - p)   # BCE with logits, computed stably
        p_t     = p * t + (1 - p) * (1 - t)             # the probability given to the target
        loss    = ce * (1 - p_t) ** gamma
        alpha_t = alpha * t + (1 - alpha) * (1 - t)     # only when alpha >= 0:
        loss    = alpha_t * loss                        # alpha < 0 means no weighting at all

    So a positive (``t = 1``) is weighted by ``alpha`` and a negative (``t = 0``) by ``1 - alpha``;
    with the RetinaNet defaults ``alpha = 0.25``, ``gamma = 2`` the *negatives* get 0.75.
    ``gamma = 0`` with ``alpha < 0`` is exactly binary cross-entropy with logits. Every anchor and
    class is an independent binary problem (sigmoid, not softmax; no background class).

    Args:
        logits: float32 or float64 tensor of any shape (e.g. (N, A, K) anchors by classes),
            on any device; any size, 0 included.
        targets: tensor of the same shape, dtype and device: 1.0 for a positive, 0.0 for a
            negative, and any value in [0, 1] for a soft target (the formulas above as written).
        alpha: the class-balance weight in [0, 1]; any negative value (e.g. -1) disables it.
        gamma: the focusing parameter, ``gamma >= 0``; 0 gives (alpha-weighted) BCE.
        reduction: ``"none"`` -> the elementwise loss, the shape of ``logits``;
            ``"mean"`` -> the mean over **all** elements (positives and negatives alike, as
            torchvision); ``"sum"`` -> the sum over all elements (0 for an empty input).
            RetinaNet itself sums and divides by the number of positive anchors, but that
            normalisation happens outside this function: do not do it here.
            Empty input: the mean of no element is NaN in torch, torchvision and fvcore
            (``torch.mean``), 0 where a codebase guards it (as fvcore's ``smooth_l1_loss``
            does); both are accepted.

    Returns:
        A tensor on ``logits``' device with its dtype (float64 in, float64 out, accurate to the
        float64 formulas): the shape of ``logits`` for ``"none"``, a 0-dim tensor for ``"mean"``
        and ``"sum"``.

    Rules:
        - Numerically stable: ``ce`` must not go through ``log(sigmoid(x))``. Logits of +-100
          and beyond (+-1e4) give finite, correct values **and finite gradients**, in float32
          and float64 (e.g. ``x = 100, t = 0`` costs ``(1 - alpha) * 100``), for ``gamma = 0``
          and ``gamma >= 1`` (for ``0 < gamma < 1`` the factor's slope is infinite where
          ``p_t`` rounds to 1, in torchvision too).
        - Differentiable with respect to ``logits`` through ordinary autograd (no ``.detach()``
          anywhere, the modulating factor ``(1 - p_t) ** gamma`` included). Gradients with respect
          to ``targets`` are not required.
        - The inputs are not modified.
        - Errors: ``ValueError`` for an unknown ``reduction`` and when ``targets`` does not have
          the shape of ``logits`` (no broadcasting).

    Accuracy: float64 within 1e-10 relative or 1e-12 absolute of the formulas above evaluated in
    float64; float32 within 1e-5 relative or 1e-6 absolute.

    Canonical code: ``torchvision.ops.sigmoid_focal_loss`` follows this statement exactly (same
    defaults, ``alpha < 0`` disables the weighting, ValueError for an unknown reduction).
    fvcore's ``sigmoid_focal_loss`` is the same formula but defaults to ``alpha = -1``, computes
    in float32 (``inputs.float()``: float64 in, float32 out; test
    ``test_float64_in_float64_out``) and returns the elementwise loss for an unknown reduction
    (test ``test_unknown_reduction_raises_value_error``). yolov5's ``FocalLoss`` (wrapping
    ``BCEWithLogitsLoss``, default ``gamma = 1.5``) always applies ``alpha_t``: it has no
    "alpha < 0 means off" (test ``test_negative_alpha_disables_weighting``).
    """
    raise NotImplementedError("sigmoid_focal_loss")
