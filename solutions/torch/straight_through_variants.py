"""Known-wrong answers to torch/straight_through and two canonical-style ones; `nox -s verify` proves
the tests catch every wrong one and that the canonical-style ones end as kata.toml declares.
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


def _clip_strict(x, lo, hi):
    if lo > hi:
        raise ValueError("lo > hi")
    inside = ((x > lo) & (x < hi)).to(x.dtype)  # ends excluded
    y = torch.clamp(torch.round(x), lo, hi)
    return y.detach() + inside * (x - x.detach())


def _clip_unchecked(x, lo, hi):
    from solutions.torch.straight_through import round_ste

    return round_ste(torch.clamp(x, lo, hi))  # clamp(x, 2, 1) gives 1 everywhere, silently


def _round_returns_integral_input(x):
    from solutions.torch.straight_through import round_ste

    if not x.requires_grad and x.numel() and torch.equal(x, torch.round(x)):
        return x  # already integers: the input itself
    return round_ste(x)


def _round_float64(x):
    from solutions.torch.straight_through import round_ste

    return round_ste(x.double())


def _clip_float64(x, lo, hi):
    from solutions.torch.straight_through import clipped_round_ste

    return clipped_round_ste(x.double(), lo, hi)


# The straight-through snippet of VQ-VAE / quantisation code and the torch docs' custom Function.

class RoundSTEDocs(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        return input.round()

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


def round_ste_detach(x):
    return x + (x.round() - x).detach()


def clipped_round_ste_detach(x, lo, hi):
    x = x.clamp(lo, hi)
    return x + (x.round() - x).detach()


def clipped_round_ste_fake_quantize(x, lo, hi):
    """torch.fake_quantize_per_tensor_affine with scale 1: its gradient mask looks at the rounded value."""
    if lo > hi:
        raise ValueError(f"lo={lo} > hi={hi}")
    c = int(lo)  # fake_quantize needs quant_min <= zero_point = 0 <= quant_max: shift the range to [0, hi - lo]
    return torch.fake_quantize_per_tensor_affine(x - c, 1.0, 0, 0, int(hi) - c) + c


WRONG = {
    "plain_round": {"round_ste": _plain_round},
    "backward_returns_none": _function(backward="none"),
    "backward_returns_ones": _function(backward="ones"),
    "round_half_up": _function(forward="half_up"),
    "rounds_in_place": _function(forward="in_place"),
    "detach_wrong_operand": {"round_ste": _detach_wrong_operand},
    "clip_gradient_leaks": {"clipped_round_ste": _clip_leaks},
    "clip_mask_after_rounding": {"clipped_round_ste": _clip_after_rounding},
    "clip_mask_excludes_ends": {"clipped_round_ste": _clip_strict},
    "no_range_check": {"clipped_round_ste": _clip_unchecked},
    "returns_integral_input": {"round_ste": _round_returns_integral_input},
    "computes_in_float64": {"round_ste": _round_float64, "clipped_round_ste": _clip_float64},
}
CANONICAL = {
    "detach_trick": {"RoundSTE": RoundSTEDocs, "round_ste": round_ste_detach,
                     "clipped_round_ste": clipped_round_ste_detach},
    "fake_quantize": {"clipped_round_ste": clipped_round_ste_fake_quantize},
}
SLOW = {}
