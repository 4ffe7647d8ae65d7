"""Rounding with a straight-through gradient, as a custom autograd Function."""

import torch


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x)  # half to even

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output  # act as if d round(x) / dx were 1


def round_ste(x: torch.Tensor) -> torch.Tensor:
    return RoundSTE.apply(x)


def clipped_round_ste(x: torch.Tensor, lo: float, hi: float) -> torch.Tensor:
    if lo > hi:
        raise ValueError(f"lo={lo} must not exceed hi={hi}")
    # clamp's own gradient is 1 on [lo, hi] (ends included) and 0 outside: the clipped STE.
    # For integer lo and hi, round(clamp(x)) == clamp(round(x)).
    return round_ste(torch.clamp(x, lo, hi))
