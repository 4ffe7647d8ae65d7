"""Known-wrong answers to torch/straight_through; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import torch


def _function(*, forward="round", backward="identity"):
    """An autograd Function rounding one way forward and returning one thing backward."""

    class Mutant(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            if forward == "half_up":
                return torch.floor(x + 0.5)
            if forward == "in_place":
                return x.round_()
            return torch.round(x)

        @staticmethod
        def backward(ctx, grad_output):
            if backward == "none":
                return None
            if backward == "ones":
                return torch.ones_like(grad_output)
            return grad_output

    return {"RoundSTE": Mutant, "round_ste": Mutant.apply}


def _plain_round(x):
    return torch.round(x)  # true gradient of rounding: zero everywhere


def _detach_wrong_operand(x):
    return x.detach() + (torch.round(x) - x)  # the right values, gradient -1


def _clip_leaks(x, lo, hi):
    if lo > hi:
        raise ValueError("lo > hi")
    return torch.clamp(torch.round(x), lo, hi).detach() + (x - x.detach())  # gradient 1 everywhere


def _clip_after_rounding(x, lo, hi):
    if lo > hi:
        raise ValueError("lo > hi")
    from solutions.torch.straight_through import round_ste

    return torch.clamp(round_ste(x), lo, hi)  # the mask looks at round(x), not at x


WRONG = {
    "plain_round": {"round_ste": _plain_round},
    "backward_returns_none": _function(backward="none"),
    "backward_returns_ones": _function(backward="ones"),
    "round_half_up": _function(forward="half_up"),
    "rounds_in_place": _function(forward="in_place"),
    "detach_wrong_operand": {"round_ste": _detach_wrong_operand},
    "clip_gradient_leaks": {"clipped_round_ste": _clip_leaks},
    "clip_mask_after_rounding": {"clipped_round_ste": _clip_after_rounding},
}
SLOW = {}
