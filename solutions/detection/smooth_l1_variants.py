"""Known-wrong answers to detection/smooth_l1; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import torch


def _mutant(*, divide=True, offset=0.5, huber_scale=True, guard_zero=True, grad="right"):
    def check(input, target, beta):
        if beta < 0 or target.shape != input.shape:
            raise ValueError("bad beta or shapes")
        return input - target

    def reduce(loss, reduction):
        if reduction not in ("none", "mean", "sum"):
            raise ValueError("bad reduction")
        return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]

    def smooth_l1_loss(input, target, beta=1.0, reduction="mean"):
        d = check(input, target, beta).abs()
        if beta == 0 and guard_zero:
            return reduce(d, reduction)
        quad = 0.5 * d**2 / beta if divide else 0.5 * d**2
        return reduce(torch.where(d < beta, quad, d - offset * beta), reduction)

    def huber_loss(input, target, delta=1.0, reduction="mean"):
        if delta <= 0:
            raise ValueError("bad delta")
        loss = smooth_l1_loss(input, target, beta=delta, reduction=reduction)
        return delta * loss if huber_scale else loss

    def smooth_l1_grad(input, target, beta=1.0):
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


WRONG = {
    "beta_not_divided": _mutant(divide=False),
    "linear_offset_beta": _mutant(offset=1.0),
    "huber_missing_delta": {"huber_loss": _mutant(huber_scale=False)["huber_loss"]},
    "beta_zero_nan_gradient": _mutant(guard_zero=False),
    "gradient_not_clipped": {"smooth_l1_grad": _mutant(grad="unclipped")["smooth_l1_grad"]},
    "gradient_missing_beta": {"smooth_l1_grad": _mutant(grad="no_beta")["smooth_l1_grad"]},
}
SLOW = {}
