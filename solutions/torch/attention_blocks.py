"""Squeeze-and-Excitation and Selective Kernel blocks."""

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")


class SEBlock(nn.Module):
    def __init__(self, channels: int, reduction: int = 16):
        super().__init__()
        _positive_int("channels", channels)
        _positive_int("reduction", reduction)
        hidden = channels // reduction
        if hidden < 1:
            raise ValueError(f"channels // reduction = {channels} // {reduction} is 0")
        self.fc1 = nn.Conv2d(channels, hidden, 1)
        self.fc2 = nn.Conv2d(hidden, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = x.mean(dim=(2, 3), keepdim=True)  # squeeze: (N, C, 1, 1)
        return x * torch.sigmoid(self.fc2(F.relu(self.fc1(s))))


class SKBlock(nn.Module):
    def __init__(self, channels: int, kernels: Sequence[int] = (3, 5), reduction: int = 16, min_dim: int = 32):
        super().__init__()
        for name, value in (("channels", channels), ("reduction", reduction), ("min_dim", min_dim)):
            _positive_int(name, value)
        if not kernels or any(isinstance(k, bool) or not isinstance(k, int) or k < 1 or k % 2 == 0
                              for k in kernels):
            raise ValueError(f"kernels must be positive odd ints, got {kernels!r}")
        d = max(channels // reduction, min_dim)
        self.branches = nn.ModuleList(
            nn.Sequential(nn.Conv2d(channels, channels, k, padding=k // 2, bias=False),
                          nn.BatchNorm2d(channels), nn.ReLU())
            for k in kernels)
        self.fc = nn.Conv2d(channels, d, 1)
        self.fcs = nn.ModuleList(nn.Conv2d(d, channels, 1) for _ in kernels)
        self.attention = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feats = torch.stack([branch(x) for branch in self.branches], dim=1)  # (N, M, C, H, W)
        s = feats.sum(dim=1).mean(dim=(2, 3), keepdim=True)  # (N, C, 1, 1)
        z = F.relu(self.fc(s))  # (N, d, 1, 1)
        logits = torch.stack([fc(z) for fc in self.fcs], dim=1)  # (N, M, C, 1, 1)
        a = logits.softmax(dim=1)  # across branches, per sample and channel
        self.attention = a.detach().flatten(2)  # (N, M, C)
        return (a * feats).sum(dim=1)
