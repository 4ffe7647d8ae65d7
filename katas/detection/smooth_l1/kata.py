"""Smooth L1 and Huber loss, with a hand-written backward · Smooth L1 / Huber 损失及其梯度

Box regression in Fast R-CNN, Faster R-CNN and SSD uses smooth L1: quadratic near zero, so small
errors get small, smooth gradients; linear far out, so an outlier's gradient is capped at 1 and
cannot blow up training the way L2's does. Huber loss is the same curve scaled by its threshold.
Write both in torch, differentiable, and the gradient of smooth L1 by hand.

Run the tests: pytest katas/detection/smooth_l1
"""

import torch

__all__ = ["smooth_l1_loss", "huber_loss", "smooth_l1_grad"]


def smooth_l1_loss(input: torch.Tensor, target: torch.Tensor, beta: float = 1.0,
                   reduction: str = "mean") -> torch.Tensor:
    """Smooth L1 loss, the semantics of ``torch.nn.functional.smooth_l1_loss``.

    Per element, with ``d = input - target``::

        loss = 0.5 * d ** 2 / beta     if |d| < beta      (quadratic part, strict <)
               |d| - 0.5 * beta        otherwise          (linear part)

    The two parts meet at ``|d| = beta`` with the same value ``beta / 2`` and the same slope
    ``sign(d)``. ``beta = 0`` means plain L1, ``|d|``: the quadratic part is empty, and nothing
    may divide by zero (no NaN in the value **or in the gradient**).

    Args:
        input: float32 or float64 tensor of any shape (e.g. (N, 4) box offsets), on any device;
            any size, 0 included.
        target: a tensor of the same shape, dtype and device.
        beta: the threshold, ``beta >= 0``.
        reduction: ``"none"`` -> the elementwise loss, the shape of ``input``;
            ``"mean"`` -> the mean over all elements; ``"sum"`` -> the sum over all elements
            (0 for an empty input). The mean of no element is NaN in torch and 0 in fvcore and
            mmdetection (a guarded mean); both are accepted.

    Returns:
        A tensor on ``input``'s device with its dtype (float64 in, float64 out, accurate to the
        float64 definition): the shape of ``input`` for ``"none"``, a 0-dim tensor otherwise.

    Rules:
        - Differentiable with respect to ``input`` through ordinary autograd, with the gradient
          torch gives: ``d / beta`` inside, ``sign(d)`` outside, ``sign(0) = 0`` when ``beta = 0``.
          Finite everywhere, for every ``beta >= 0``. (Beware: ``torch.where`` evaluates both
          branches, and a branch that is inf or NaN poisons the gradient even where it is not
          chosen.)
        - The inputs are not modified.
        - Errors: ``ValueError`` for ``beta < 0``, an unknown ``reduction``, or ``target`` not of
          ``input``'s shape (no broadcasting).

    Accuracy: float64 within 1e-10 relative or 1e-12 absolute of the definition; float32 within
    1e-5 relative or 1e-6 absolute.

    Canonical code: ``torch.nn.functional.smooth_l1_loss`` and ``huber_loss`` give these values and
    gradients (``<`` or ``<=`` at ``|d| = beta`` gives the same value and slope there, so either is
    right). Where they differ: for mismatched shapes torch only warns and broadcasts, and a
    negative ``beta`` or non-positive ``delta`` raises ``RuntimeError`` (tests
    ``test_mismatched_shapes_raise_value_error``, ``test_bad_threshold_raises_value_error``).
    fvcore's ``smooth_l1_loss`` (plain L1 for ``beta < 1e-5``, a mean of no element 0) checks
    neither shapes, ``beta`` nor ``reduction`` (test ``test_unknown_reduction_raises_value_error``
    too). mmdetection's ``smooth_l1_loss`` asserts ``beta > 0``, so it has no ``beta = 0``.
    """
    raise NotImplementedError("smooth_l1_loss")


def huber_loss(input: torch.Tensor, target: torch.Tensor, delta: float = 1.0,
               reduction: str = "mean") -> torch.Tensor:
    """Huber loss, the semantics of ``torch.nn.functional.huber_loss``.

    Per element, with ``d = input - target``::

        loss = 0.5 * d ** 2                  if |d| < delta
               delta * (|d| - 0.5 * delta)   otherwise

    which is exactly ``delta * smooth_l1(d, beta=delta)``: the same curve, scaled so that the
    quadratic part does not depend on ``delta`` and the slope outside is ``delta * sign(d)``.
    The two agree when ``delta = beta = 1``, and only then.

    Args:
        input, target: as in ``smooth_l1_loss``.
        delta: the threshold, ``delta > 0``.
        reduction: as in ``smooth_l1_loss``.

    Returns, rules and accuracy as in ``smooth_l1_loss``; ``ValueError`` for ``delta <= 0`` (as
    torch, which refuses non-positive deltas), an unknown ``reduction`` or mismatched shapes.
    """
    raise NotImplementedError("huber_loss")


def smooth_l1_grad(input: torch.Tensor, target: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """The gradient of smooth L1 with respect to ``input``, written by hand (no autograd).

    Elementwise ``d loss / d input`` for ``reduction="none"`` (equivalently, the gradient of the
    summed loss), with ``d = input - target``::

        grad = d / beta    if |d| < beta
               sign(d)     otherwise            (sign(0) = 0, which matters when beta = 0)

    It must equal what autograd gives for ``smooth_l1_loss`` (and for
    ``torch.nn.functional.smooth_l1_loss``): values in ``[-1, 1]``, continuous at
    ``|d| = beta``, finite for every ``beta >= 0``.

    Args:
        input, target: as in ``smooth_l1_loss``.
        beta: ``beta >= 0``, else ``ValueError``.

    Returns:
        A tensor of ``input``'s shape, dtype and device. It need not carry a gradient itself:
        compute it with tensor operations, not by calling ``backward``.

    Errors: ``ValueError`` for ``beta < 0`` or mismatched shapes. Inputs are not modified.
    """
    raise NotImplementedError("smooth_l1_grad")
