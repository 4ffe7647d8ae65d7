"""Known-wrong answers to torch/fuse_conv_bn; `nox -s verify` proves the tests catch every one."""

import torch
from torch import nn


def _mutant(*, conv_bias=True, eps=True, sqrt=True, groups=True, dilation=True, padding_mode=True,
            in_place=False):
    def fuse_conv_bn(conv, bn):
        if bn.running_mean is None:
            raise ValueError("no running statistics")
        fused = conv if in_place else nn.Conv2d(
            conv.in_channels, conv.out_channels, conv.kernel_size, stride=conv.stride,
            padding=conv.padding, dilation=conv.dilation if dilation else 1,
            groups=conv.groups if groups else 1, bias=True,
            padding_mode=conv.padding_mode if padding_mode else "zeros",
            device=conv.weight.device, dtype=conv.weight.dtype)
        if in_place and fused.bias is None:
            fused.bias = nn.Parameter(torch.zeros_like(bn.running_mean))
        with torch.no_grad():
            var = bn.running_var + (bn.eps if eps else 0.0)
            std = var.sqrt() if sqrt else var
            gamma = bn.weight if bn.affine else torch.ones_like(std)
            beta = bn.bias if bn.affine else torch.zeros_like(std)
            s = gamma / std
            b = conv.bias if (conv.bias is not None and conv_bias) else torch.zeros_like(s)
            b = b.clone()
            fused.weight.copy_(conv.weight * s.reshape(-1, 1, 1, 1))
            fused.bias.copy_((b - bn.running_mean) * s + beta)
        return fused

    return fuse_conv_bn


WRONG = {
    "drops_conv_bias": {"fuse_conv_bn": _mutant(conv_bias=False)},
    "drops_eps": {"fuse_conv_bn": _mutant(eps=False)},
    "variance_not_std": {"fuse_conv_bn": _mutant(sqrt=False)},
    "drops_groups": {"fuse_conv_bn": _mutant(groups=False)},
    "drops_dilation": {"fuse_conv_bn": _mutant(dilation=False)},
    "drops_padding_mode": {"fuse_conv_bn": _mutant(padding_mode=False)},
    "modifies_conv_in_place": {"fuse_conv_bn": _mutant(in_place=True)},
}
SLOW = {}
