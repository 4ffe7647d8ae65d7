"""Known-wrong and canonical-style answers to torch/ema; `nox -s verify` proves the tests catch every
one. Never shown to learners."""

import copy
import math

import torch
from torch import nn


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


class Yolov5StyleEMA:
    """In the style of yolov5's ModelEMA (named as this kata asks): ramped decay, floats only."""

    def __init__(self, model, decay=0.9999, tau=2000.0):
        self.module = copy.deepcopy(model).eval()
        self.updates = 0
        self.decay, self.tau = decay, tau
        for p in self.module.parameters():
            p.requires_grad_(False)

    def update(self, model):
        self.updates += 1
        d = self.decay * (1 - math.exp(-self.updates / self.tau))
        msd = model.state_dict()
        for k, v in self.module.state_dict().items():
            if v.dtype.is_floating_point:
                v *= d
                v += (1 - d) * msd[k].detach()

    def state_dict(self):
        return self.module.state_dict()


class TimmV2StyleEMA(nn.Module):
    """In the style of timm's ModelEmaV2: constant decay, every entry averaged, the copy not frozen."""

    def __init__(self, model, decay=0.9999, tau=2000.0):
        super().__init__()
        self.module = copy.deepcopy(model)
        self.module.eval()
        self.decay, self.tau, self.updates = decay, tau, 0

    def update(self, model):
        self.updates += 1
        with torch.no_grad():
            for ema_v, model_v in zip(self.module.state_dict().values(), model.state_dict().values()):
                ema_v.copy_(self.decay * ema_v + (1.0 - self.decay) * model_v)

    def state_dict(self):
        return self.module.state_dict()


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
CANONICAL = {"yolov5": {"ModelEMA": Yolov5StyleEMA}, "timm_v2": {"ModelEMA": TimmV2StyleEMA}}
SLOW = {}
