"""Known-wrong and canonical-style answers to detection/smooth_l1; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import torch
import torch.nn.functional as F


def _mutant(*, divide=True, offset=0.5, huber_scale=True, guard_zero=True, grad="right", check_beta=True,
            check_shape=True, check_reduction=True, float32=False, default_beta=1.0):
    def check(input, target, beta):
        if (check_beta and beta < 0) or (check_shape and target.shape != input.shape):
            raise ValueError("bad beta or shapes")
        if float32:
            input, target = input.float(), target.float()
        return input - target

    def reduce(loss, reduction):
        if check_reduction and reduction not in ("none", "mean", "sum"):
            raise ValueError("bad reduction")
        return {"mean": loss.mean(), "sum": loss.sum()}.get(reduction, loss)

    def smooth_l1_loss(input, target, beta=default_beta, reduction="mean"):
        d = check(input, target, beta).abs()
        if beta == 0 and guard_zero:
            return reduce(d, reduction)
        quad = 0.5 * d**2 / beta if divide else 0.5 * d**2
        return reduce(torch.where(d < beta, quad, d - offset * beta), reduction)

    def huber_loss(input, target, delta=1.0, reduction="mean"):
        if check_beta and delta <= 0:
            raise ValueError("bad delta")
        loss = smooth_l1_loss(input, target, beta=delta, reduction=reduction)
        return delta * loss if huber_scale else loss

    def smooth_l1_grad(input, target, beta=default_beta):
        d = check(input, target, beta)
        if grad == "clamp" or (beta == 0 and not guard_zero):
            return (d / beta).clamp(-1, 1)  # 0 / 0 at d = 0 when beta = 0
        if beta == 0:
            return torch.sign(d)
        if grad == "unclipped":
            return d / beta
        inside = d if grad == "no_beta" else d / beta
        return torch.where(d.abs() < beta, inside, torch.sign(d))

    return {"smooth_l1_loss": smooth_l1_loss, "huber_loss": huber_loss, "smooth_l1_grad": smooth_l1_grad}


def torch_style_loss(input, target, beta=1.0, reduction="mean"):
    """Wraps torch: warns and broadcasts on mismatched shapes, RuntimeError for beta < 0."""
    return F.smooth_l1_loss(input, target, beta=beta, reduction=reduction)


def torch_style_huber(input, target, delta=1.0, reduction="mean"):
    return F.huber_loss(input, target, delta=delta, reduction=reduction)


def torch_style_grad(input, target, beta=1.0):
    """What autograd gives for torch's loss, written as torch's backward kernel does it."""
    d = input - target
    if beta == 0:
        return torch.sign(d)
    return torch.where(d.abs() < beta, d / beta, torch.sign(d))


def fvcore_style_loss(input, target, beta=1.0, reduction="mean"):
    """fvcore.nn.smooth_l1_loss, written anew: L1 below beta 1e-5, a mean of no element 0, no checks."""
    n = torch.abs(input - target)
    if beta < 1e-5:
        loss = n
    else:
        loss = torch.where(n < beta, 0.5 * n**2 / beta, n - 0.5 * beta)
    if reduction == "mean":
        loss = loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()
    elif reduction == "sum":
        loss = loss.sum()
    return loss


def fvcore_style_huber(input, target, delta=1.0, reduction="mean"):
    return delta * fvcore_style_loss(input, target, beta=delta, reduction=reduction)


def fvcore_style_grad(input, target, beta=1.0):
    d = input - target
    if beta < 1e-5:
        return torch.sign(d)
    return torch.where(d.abs() < beta, d / beta, torch.sign(d))


WRONG = {
    "beta_not_divided": _mutant(divide=False),
    "linear_offset_beta": _mutant(offset=1.0),
    "huber_missing_delta": {"huber_loss": _mutant(huber_scale=False)["huber_loss"]},
    "beta_zero_nan_gradient": _mutant(guard_zero=False),
    "gradient_not_clipped": {"smooth_l1_grad": _mutant(grad="unclipped")["smooth_l1_grad"]},
    "gradient_missing_beta": {"smooth_l1_grad": _mutant(grad="no_beta")["smooth_l1_grad"]},
    "no_threshold_check": _mutant(check_beta=False),
    "broadcasts_target": _mutant(check_shape=False),
    "unknown_reduction_elementwise": _mutant(check_reduction=False),
    "float32_inside": _mutant(float32=True),
    "default_beta_one_ninth": _mutant(default_beta=1 / 9),
}
CANONICAL = {
    "torch": {"smooth_l1_loss": torch_style_loss, "huber_loss": torch_style_huber, "smooth_l1_grad": torch_style_grad},
    "fvcore": {"smooth_l1_loss": fvcore_style_loss, "huber_loss": fvcore_style_huber,
               "smooth_l1_grad": fvcore_style_grad},
}
SLOW = {}
