"""Known-wrong and canonical-style answers to torch/lr_schedule; `nox -s verify` proves the tests
catch every wrong one and judge each canonical one as declared in kata.toml."""

import math

import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, LambdaLR, LinearLR, LRScheduler, SequentialLR


def _mutant(*, early=False, late=False, cos_span="rest", global_step=False, use_min=True,
            min_as_fraction=False, hold=True, first_group_base=False, default_f=0.001, as_tensor=False,
            allow_w_eq_t=False, check_step=True):
    def warmup_cosine_lr(step, base_lr, warmup_steps, total_steps, warmup_start_factor=default_f, min_lr=0.0):
        w_ok = 0 <= warmup_steps <= total_steps if allow_w_eq_t else 0 <= warmup_steps < total_steps
        if not w_ok or not 0 < warmup_start_factor <= 1 or min_lr < 0 or (check_step and step < 0):
            raise ValueError("bad arguments")
        if as_tensor:
            return torch.tensor(_mutant()["warmup_cosine_lr"](step, base_lr, warmup_steps, total_steps,
                                                              warmup_start_factor, min_lr), dtype=torch.float64)
        if late:
            step = max(step - 1, 0)
        w, f = warmup_steps, warmup_start_factor
        if step < w:
            return base_lr * (f + (1 - f) * min(step + early, w) / w)
        span = total_steps if cos_span == "total" else total_steps - w
        t = (min(step, total_steps) if hold else step) - (0 if global_step else w)
        c = (1 + math.cos(math.pi * t / span)) / 2
        floor = min_lr if use_min else 0.0
        if min_as_fraction:
            return base_lr * (floor + (1 - floor) * c)
        return floor + (base_lr - floor) * c

    def make_scheduler(optimizer, warmup_steps, total_steps, warmup_start_factor=default_f, min_lr=0.0):
        warmup_cosine_lr(0, 1.0, warmup_steps, total_steps, warmup_start_factor, min_lr)  # validates
        bases = [g.get("initial_lr", g["lr"]) for g in optimizer.param_groups]
        owns = list(bases)  # LambdaLR multiplies each group's initial_lr by the factor
        if first_group_base:
            bases = [bases[0]] * len(bases)

        def factor(base, own):
            return lambda k: float(warmup_cosine_lr(k, base, warmup_steps, total_steps, warmup_start_factor,
                                                    min_lr)) / own

        return LambdaLR(optimizer, [factor(b, own) for b, own in zip(bases, owns)])

    return {"warmup_cosine_lr": warmup_cosine_lr, "make_scheduler": make_scheduler}


class _CurrentLrAsBase(LRScheduler):
    """Captures each group's current "lr" as its base, ignoring an "initial_lr" set by an earlier scheduler."""

    def __init__(self, optimizer, *schedule):
        self.bases, self.schedule = [g["lr"] for g in optimizer.param_groups], schedule
        super().__init__(optimizer)

    def get_lr(self):
        return [_mutant()["warmup_cosine_lr"](self.last_epoch, b, *self.schedule) for b in self.bases]


def _current_lr_as_base(optimizer, warmup_steps, total_steps, warmup_start_factor=0.001, min_lr=0.0):
    _mutant()["warmup_cosine_lr"](0, 1.0, warmup_steps, total_steps, warmup_start_factor, min_lr)  # validates
    return _CurrentLrAsBase(optimizer, warmup_steps, total_steps, warmup_start_factor, min_lr)


def _torch_closed_form_lr(step, base_lr, warmup_steps, total_steps, warmup_start_factor=0.001, min_lr=0.0):
    """torch's closed forms: LinearLR's during the warm-up, CosineAnnealingLR's after it (unclamped),
    with only the check LinearLR makes."""
    if warmup_start_factor > 1.0 or warmup_start_factor <= 0:
        raise ValueError("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
    if step < warmup_steps:
        return base_lr * (warmup_start_factor + (1.0 - warmup_start_factor) * min(warmup_steps, step) / warmup_steps)
    t_max = total_steps - warmup_steps
    return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * (step - warmup_steps) / t_max)) / 2


def _torch_sequential(optimizer, warmup_steps, total_steps, warmup_start_factor=0.001, min_lr=0.0):
    """The torch recipe: SequentialLR([LinearLR, CosineAnnealingLR], milestones=[W])."""
    cosine = CosineAnnealingLR(optimizer, T_max=total_steps - warmup_steps, eta_min=min_lr)
    if warmup_steps == 0:
        return cosine
    warm = LinearLR(optimizer, start_factor=warmup_start_factor, total_iters=warmup_steps)
    return SequentialLR(optimizer, [warm, cosine], milestones=[warmup_steps])


def _lambda_lr_style(optimizer, warmup_steps, total_steps, warmup_start_factor=0.001, min_lr=0.0):
    """A LambdaLR whose factor is the statement's formula over each group's base rate."""
    if not 0 <= warmup_steps < total_steps:
        raise ValueError("need 0 <= warmup_steps < total_steps")
    if not 0 < warmup_start_factor <= 1 or min_lr < 0:
        raise ValueError("need 0 < warmup_start_factor <= 1 and min_lr >= 0")
    w, t_end, f = warmup_steps, total_steps, warmup_start_factor

    def factor(base):
        def at(k):
            if k < w:
                return f + (1 - f) * k / w
            c = 0.5 * (1 + math.cos(math.pi * (min(k, t_end) - w) / (t_end - w)))
            return (min_lr + (base - min_lr) * c) / base
        return at

    bases = [g.get("initial_lr", g["lr"]) for g in optimizer.param_groups]
    return LambdaLR(optimizer, [factor(b) for b in bases])


def _lambda_lr_function(step, base_lr, warmup_steps, total_steps, warmup_start_factor=0.001, min_lr=0.0):
    if step < 0:
        raise ValueError("step must be >= 0")
    if not 0 <= warmup_steps < total_steps or not 0 < warmup_start_factor <= 1 or min_lr < 0:
        raise ValueError("invalid schedule")
    w, f = warmup_steps, warmup_start_factor
    if step < w:
        return base_lr * (f + (1 - f) * step / w)
    progress = (min(step, total_steps) - w) / (total_steps - w)
    return min_lr + (base_lr - min_lr) * 0.5 * (1.0 + math.cos(math.pi * progress))


WRONG = {
    "warmup_one_step_early": _mutant(early=True),
    "warmup_one_step_late": _mutant(late=True),
    "cosine_over_total_steps": _mutant(cos_span="total"),
    "cosine_uses_global_step": _mutant(global_step=True),
    "min_lr_ignored": _mutant(use_min=False),
    "min_lr_as_fraction": _mutant(min_as_fraction=True),
    "rises_after_total_steps": _mutant(hold=False),
    "first_group_lr_for_all": {"make_scheduler": _mutant(first_group_base=True)["make_scheduler"]},
    "ignores_initial_lr": {"make_scheduler": _current_lr_as_base},
    "linear_lr_default_start_factor": _mutant(default_f=1 / 3),
    "returns_tensor": _mutant(as_tensor=True),
    "allows_warmup_equal_total": _mutant(allow_w_eq_t=True),
    "no_step_check": _mutant(check_step=False),
}
CANONICAL = {
    "torch_sequential_lr": {"warmup_cosine_lr": _torch_closed_form_lr, "make_scheduler": _torch_sequential},
    "lambda_lr": {"warmup_cosine_lr": _lambda_lr_function, "make_scheduler": _lambda_lr_style},
}
SLOW = {}
