"""Known-wrong answers to torch/ema; `nox -s verify` proves the tests catch every one. Never shown to
learners."""

import copy
import math

import torch


def _mutant(*, buffers=True, warmup=True, reverse=False, shallow=False, from_zero=False, no_grad=True,
            copy_integers=True, eval_mode=True, freeze=True):
    class ModelEMA:
        def __init__(self, model, decay=0.9999, tau=2000.0):
            self.module = copy.copy(model) if shallow else copy.deepcopy(model)
            if eval_mode:
                self.module.eval()
            if freeze:
                self.module.requires_grad_(False)
            self.decay, self.tau, self.updates = decay, tau, 0

        def update(self, model):
            k = self.updates if from_zero else self.updates + 1
            self.updates += 1
            d = self.decay * (1 - math.exp(-k / self.tau)) if warmup else self.decay
            a, b = (1 - d, d) if reverse else (d, 1 - d)
            with torch.no_grad() if no_grad else torch.enable_grad():
                if no_grad:
                    pairs = list(zip(self.module.state_dict().values(), model.state_dict().values()))
                else:  # live parameters and buffers: arithmetic with grad on records a graph
                    pairs = list(zip(self.module.parameters(), model.parameters()))
                    pairs += list(zip(self.module.buffers(), model.buffers()))
                if not buffers:
                    pairs = list(zip(self.module.parameters(), model.parameters()))
                for e, m in pairs:
                    if e.dtype.is_floating_point:
                        e.mul_(a).add_(m * b)
                    elif copy_integers:
                        e.copy_(m)

        def state_dict(self):
            return self.module.state_dict()

    return {"ModelEMA": ModelEMA}


WRONG = {
    "skips_buffers": _mutant(buffers=False),
    "no_warmup": _mutant(warmup=False),
    "decay_reversed": _mutant(reverse=True),
    "shallow_copy": _mutant(shallow=True),
    "counts_from_zero": _mutant(from_zero=True),
    "builds_graph": _mutant(no_grad=False),
    "stale_integer_buffers": _mutant(copy_integers=False),
    "copy_in_train_mode": _mutant(eval_mode=False),
    "copy_requires_grad": _mutant(freeze=False),
}
SLOW = {}
