"""Linear warm-up then cosine decay: a closed form, and a scheduler built on it."""

import math

from torch.optim.lr_scheduler import LRScheduler


def _check(warmup_steps, total_steps, warmup_start_factor, min_lr):
    if not 0 <= warmup_steps < total_steps:
        raise ValueError(f"need 0 <= warmup_steps < total_steps, got {warmup_steps} and {total_steps}")
    if not 0 < warmup_start_factor <= 1:
        raise ValueError(f"warmup_start_factor must be in (0, 1], got {warmup_start_factor}")
    if min_lr < 0:
        raise ValueError(f"min_lr must be >= 0, got {min_lr}")


def warmup_cosine_lr(step, base_lr, warmup_steps, total_steps, warmup_start_factor=0.001, min_lr=0.0):
    _check(warmup_steps, total_steps, warmup_start_factor, min_lr)
    if step < 0:
        raise ValueError(f"step must be >= 0, got {step}")
    if step < warmup_steps:
        return base_lr * (warmup_start_factor + (1 - warmup_start_factor) * step / warmup_steps)
    t = min(step, total_steps) - warmup_steps  # hold at min_lr after the end
    return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * t / (total_steps - warmup_steps))) / 2


class WarmupCosine(LRScheduler):
    def __init__(self, optimizer, warmup_steps, total_steps, warmup_start_factor, min_lr):
        self.schedule = dict(warmup_steps=warmup_steps, total_steps=total_steps,
                             warmup_start_factor=warmup_start_factor, min_lr=min_lr)
        super().__init__(optimizer)  # sets base_lrs from each group's lr, then applies step 0

    def get_lr(self):
        return [warmup_cosine_lr(self.last_epoch, base, **self.schedule) for base in self.base_lrs]


def make_scheduler(optimizer, warmup_steps, total_steps, warmup_start_factor=0.001, min_lr=0.0):
    _check(warmup_steps, total_steps, warmup_start_factor, min_lr)
    return WarmupCosine(optimizer, warmup_steps, total_steps, warmup_start_factor, min_lr)
