"""Known-wrong and canonical-style answers to torch/fuse_conv_bn; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import copy

import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval


def _mutant(*, conv_bias=True, eps=True, sqrt=True, groups=True, dilation=True, padding_mode=True,
            in_place=False, eval_only=False, stats_check=True, assume_affine=False):
    def fuse_conv_bn(conv, bn):
        if eval_only and (conv.training or bn.training):
            raise AssertionError("fusion needs both modules in eval mode")
        if stats_check and bn.running_mean is None:
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
            gamma = bn.weight if (bn.affine or assume_affine) else torch.ones_like(std)
            beta = bn.bias if (bn.affine or assume_affine) else torch.zeros_like(std)
            s = gamma / std
            b = conv.bias if (conv.bias is not None and conv_bias) else torch.zeros_like(s)
            b = b.clone()
            fused.weight.copy_(conv.weight * s.reshape(-1, 1, 1, 1))
            fused.bias.copy_((b - bn.running_mean) * s + beta)
        return fused

    return fuse_conv_bn


def fusion_style(conv, bn):
    """Written in the style of torch.nn.utils.fusion.fuse_conv_bn_eval: eval only, a deep copy of conv."""
    assert not (conv.training or bn.training), "Fusion only for eval!"
    assert bn.running_mean is not None and bn.running_var is not None
    fused = copy.deepcopy(conv)
    mean, var = bn.running_mean, bn.running_var
    gamma = bn.weight if bn.weight is not None else torch.ones_like(mean)
    beta = bn.bias if bn.bias is not None else torch.zeros_like(mean)
    bias = conv.bias if conv.bias is not None else torch.zeros_like(mean)
    factor = gamma * torch.rsqrt(var + bn.eps)
    shape = [-1] + [1] * (conv.weight.dim() - 1)
    with torch.no_grad():
        fused.weight = nn.Parameter(conv.weight * factor.reshape(shape))
        fused.bias = nn.Parameter((bias - mean) * factor + beta)
    return fused


WRONG = {
    "asserts_eval_mode": {"fuse_conv_bn": _mutant(eval_only=True)},
    "no_running_stats_check": {"fuse_conv_bn": _mutant(stats_check=False)},
    "assumes_affine": {"fuse_conv_bn": _mutant(assume_affine=True)},
    "drops_conv_bias": {"fuse_conv_bn": _mutant(conv_bias=False)},
    "drops_eps": {"fuse_conv_bn": _mutant(eps=False)},
    "variance_not_std": {"fuse_conv_bn": _mutant(sqrt=False)},
    "drops_groups": {"fuse_conv_bn": _mutant(groups=False)},
    "drops_dilation": {"fuse_conv_bn": _mutant(dilation=False)},
    "drops_padding_mode": {"fuse_conv_bn": _mutant(padding_mode=False)},
    "modifies_conv_in_place": {"fuse_conv_bn": _mutant(in_place=True)},
}
CANONICAL = {"fusion_style": {"fuse_conv_bn": fusion_style},
             "torch_fuse_conv_bn_eval": {"fuse_conv_bn": fuse_conv_bn_eval}}
SLOW = {}
