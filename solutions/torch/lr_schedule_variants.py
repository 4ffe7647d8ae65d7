"""Known-wrong answers to torch/lr_schedule; `nox -s verify` proves the tests catch every one."""

import math

from torch.optim.lr_scheduler import LambdaLR, LRScheduler


def _mutant(*, early=False, late=False, cos_span="rest", global_step=False, use_min=True,
            min_as_fraction=False, hold=True, first_group_base=False):
    def warmup_cosine_lr(step, base_lr, warmup_steps, total_steps, warmup_start_factor=0.001, min_lr=0.0):
        if not 0 <= warmup_steps < total_steps or not 0 < warmup_start_factor <= 1 or min_lr < 0 or step < 0:
            raise ValueError("bad arguments")
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

    def make_scheduler(optimizer, warmup_steps, total_steps, warmup_start_factor=0.001, min_lr=0.0):
        warmup_cosine_lr(0, 1.0, warmup_steps, total_steps, warmup_start_factor, min_lr)  # validates
        bases = [g["lr"] for g in optimizer.param_groups]
        if first_group_base:
            bases = [bases[0]] * len(bases)

        def factor(base, own):
            return lambda k: warmup_cosine_lr(k, base, warmup_steps, total_steps, warmup_start_factor,
                                              min_lr) / own

        return LambdaLR(optimizer, [factor(b, g["lr"]) for b, g in zip(bases, optimizer.param_groups)])

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
}
SLOW = {}
