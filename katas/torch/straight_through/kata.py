"""Rounding with a straight-through gradient · 直通估计器 (STE): 自定义 autograd.Function

Rounding is flat almost everywhere, so its true gradient is zero and nothing upstream of it would
ever learn. Quantisation-aware training and binarised networks use the straight-through estimator
instead: round in the forward pass, act as if it were the identity in the backward pass. Write it
as a custom ``torch.autograd.Function``, and a clipped version that stops the gradient outside the
range the values are clamped to.

Canonical code: the custom ``torch.autograd.Function`` of the torch docs (forward ``x.round()``,
backward ``grad_output``) and the ``x + (x.round() - x).detach()`` snippet of VQ-VAE and
quantisation code follow this statement (the snippet turns ``+-inf`` into NaN, which ``round_ste``
accepts). ``torch.fake_quantize_per_tensor_affine`` with scale 1 computes the same clipped values,
but its gradient mask looks at the rounded value, where here it looks at ``x`` itself
(test ``test_clipped_mask_is_judged_on_x``). One convention test each also for the tie rule
(half to even), the mask's ends (included), the dtype and "a new tensor".

Run the tests: pytest katas/torch/straight_through
"""

import torch

__all__ = ["RoundSTE", "round_ste", "clipped_round_ste"]


class RoundSTE(torch.autograd.Function):
    """Round forward, identity backward. Used as ``RoundSTE.apply(x)``.

    ``forward(ctx, x)``:
        x: a floating-point tensor of any shape (0-d and empty included), float32 or float64, on
        any device. Returns ``torch.round(x)``: a **new** tensor with x's shape, dtype and device.
        Ties round **half to even** (banker's rounding, what ``torch.round`` does):
        ``0.5 -> 0``, ``1.5 -> 2``, ``2.5 -> 2``, ``-0.5 -> -0``, ``-1.5 -> -2``; ``inf``,
        ``-inf`` and ``nan`` come back unchanged. ``x`` itself is not modified (no in-place
        rounding).

    ``backward(ctx, grad_output)``:
        Returns the incoming gradient **unchanged** as the gradient with respect to ``x``: the
        Jacobian of rounding is taken to be the identity. So for any weights ``w`` of x's shape,
        the gradient of ``(w * RoundSTE.apply(x)).sum()`` with respect to ``x`` is exactly ``w``
        (not ones, not zeros, not None), whatever the values of ``x``.

    As for every autograd Function, the output requires grad exactly when ``x`` does (and grad
    mode is on), and gradients keep flowing to whatever produced ``x``.
    """

    @staticmethod
    def forward(ctx, x):
        raise NotImplementedError("RoundSTE.forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("RoundSTE.backward")


def round_ste(x: torch.Tensor) -> torch.Tensor:
    """``torch.round(x)`` with a straight-through gradient: the same values and gradients as
    ``RoundSTE.apply(x)``.

    Args:
        x: floating-point tensor of any shape, float32 or float64, on any device.

    Returns:
        A new tensor equal to ``torch.round(x)`` (half to even, exactly as ``RoundSTE``; NaN stays
        NaN; for ``+-inf`` either ``+-inf`` or NaN is accepted), with x's shape, dtype and device;
        it requires grad exactly when ``x`` does (and grad mode is on). The gradient with respect
        to ``x`` is the incoming gradient, unchanged.

    Rules: ``x`` is not modified. You may call ``RoundSTE.apply`` or build the same thing from
    ordinary tensor operations and ``.detach()``; both are accepted if values and gradients match.
    """
    raise NotImplementedError("round_ste")


def clipped_round_ste(x: torch.Tensor, lo: float, hi: float) -> torch.Tensor:
    """Round and clamp to ``[lo, hi]``, with the clipped straight-through gradient of
    quantisation-aware training.

    Args:
        x: floating-point tensor of any shape, float32 or float64, on any device (no NaN).
        lo, hi: integers (Python ``int``, or ``float`` with an integer value) with ``lo <= hi``;
            ``lo == hi`` is allowed.

    Returns:
        ``torch.clamp(torch.round(x), lo, hi)`` (half to even, as ``RoundSTE``): a new tensor with
        x's shape, dtype and device, requiring grad exactly when ``x`` does.

    Gradient: the incoming gradient passes unchanged where ``lo <= x <= hi`` (**both ends
    included**, judged on ``x`` itself, not on the rounded value) and is **0** elsewhere. So with
    ``lo, hi = -2, 1``: ``x = -2.4`` gets 0 (outside, although it rounds to ``-2``), ``x = -2``
    and ``x = 1`` get the incoming gradient, ``x = 1.3`` gets 0.

    Rules: ``x`` is not modified; ``lo > hi`` raises ``ValueError``.
    """
    raise NotImplementedError("clipped_round_ste")
