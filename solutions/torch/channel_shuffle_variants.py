"""Known-wrong and canonical-style answers to torch/channel_shuffle; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import torch
import torch.nn.functional as F
from torch import nn

from solutions.torch import channel_shuffle as ref


def _mutant(*, grid="groups_first", swap=(1, 2), flatten=True, view=False, detach=False, check=True,
            rank_check=True, groups_check=True, infer=False):
    def channel_shuffle(x, groups):
        if groups_check:
            ref._check_groups(groups)
        if rank_check and x.dim() != 4:
            raise ValueError("x must be 4-D")
        n, c, *rest = x.shape
        if c % groups:
            if check:
                raise ValueError("channels do not split into groups")
            c = groups * (c // groups)
            x = x[:, :c]  # silently drops the leftover channels
        if detach:
            x = x.detach()
        rows, cols = (groups, c // groups) if grid == "groups_first" else (c // groups, groups)
        y = x.reshape(n, rows, cols, *rest).transpose(*swap)
        if not flatten:
            return y
        size = (n, -1, *rest) if infer else (n, c, *rest)
        return y.view(*size) if view else y.reshape(*size)

    return channel_shuffle


class _LateModule(nn.Module):
    """Stores groups unchecked: ChannelShuffle(0) is only refused at its first forward."""

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, x):
        return ref.channel_shuffle(x, self.groups)


def torchvision_style(x, groups):
    """Written in the style of torchvision.models.shufflenetv2.channel_shuffle: no checks at all."""
    batchsize, num_channels, height, width = x.size()
    channels_per_group = num_channels // groups
    x = x.view(batchsize, groups, channels_per_group, height, width)
    x = torch.transpose(x, 1, 2).contiguous()
    return x.view(batchsize, -1, height, width)


class TorchvisionStyleShuffle(nn.Module):
    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, x):
        return torchvision_style(x, self.groups)


def torch_native(x, groups):
    """torch's own op: RuntimeError for bad groups, any input with more than 2 dims."""
    return F.channel_shuffle(x, groups)


WRONG = {
    "inverse_permutation": {"channel_shuffle": _mutant(grid="per_group_first")},
    "transposes_spatial": {"channel_shuffle": _mutant(swap=(3, 4))},
    "not_flattened": {"channel_shuffle": _mutant(flatten=False)},
    "view_after_transpose": {"channel_shuffle": _mutant(view=True)},
    "detached": {"channel_shuffle": _mutant(detach=True)},
    "no_divisibility_check": {"channel_shuffle": _mutant(check=False)},
    "any_rank": {"channel_shuffle": _mutant(rank_check=False)},
    "no_groups_check": {"channel_shuffle": _mutant(groups_check=False)},
    "minus_one_in_reshape": {"channel_shuffle": _mutant(infer=True)},
    "module_checks_late": {"ChannelShuffle": _LateModule},
}
CANONICAL = {
    "torchvision": {"channel_shuffle": torchvision_style, "ChannelShuffle": TorchvisionStyleShuffle},
    "torch_native": {"channel_shuffle": torch_native, "ChannelShuffle": nn.ChannelShuffle},
}
SLOW = {}
