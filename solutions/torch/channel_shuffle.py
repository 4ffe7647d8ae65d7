"""ShuffleNet's channel shuffle: reshape to (groups, C // groups), transpose, flatten."""

import torch
from torch import nn


def _check_groups(groups):
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")


def channel_shuffle(x: torch.Tensor, groups: int) -> torch.Tensor:
    _check_groups(groups)
    if x.dim() != 4:
        raise ValueError(f"x must be (N, C, H, W), got shape {tuple(x.shape)}")
    n, c, h, w = x.shape
    if c % groups:
        raise ValueError(f"{c} channels do not split into {groups} groups")
    # Explicit sizes, not -1: reshape cannot infer a dimension when N, H or W is 0.
    return x.reshape(n, groups, c // groups, h, w).transpose(1, 2).reshape(n, c, h, w)


class ChannelShuffle(nn.Module):
    def __init__(self, groups: int):
        super().__init__()
        _check_groups(groups)
        self.groups = groups

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return channel_shuffle(x, self.groups)
