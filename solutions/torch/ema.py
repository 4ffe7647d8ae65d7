"""Model EMA of parameters and buffers, with a decay that warms up."""

import copy
import math

import torch
from torch import nn


class ModelEMA:
    def __init__(self, model: nn.Module, decay: float = 0.9999, tau: float = 2000.0) -> None:
        self.module = copy.deepcopy(model).eval()  # its own tensors; only ever evaluated
        self.module.requires_grad_(False)
        self.decay, self.tau, self.updates = decay, tau, 0

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        self.updates += 1
        d = self.decay * (1 - math.exp(-self.updates / self.tau))  # near 0 at first, then -> decay
        current = model.state_dict()
        for name, ema in self.module.state_dict().items():  # parameters and buffers alike
            if ema.dtype.is_floating_point:
                ema.mul_(d).add_(current[name], alpha=1 - d)  # ema = d * ema + (1 - d) * model
            else:  # integer buffers such as BatchNorm's num_batches_tracked
                ema.copy_(current[name])

    def state_dict(self) -> dict[str, torch.Tensor]:
        return self.module.state_dict()
