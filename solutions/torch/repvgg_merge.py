"""Fold the three branches of a RepVGG block into one 3x3 conv."""

import torch
import torch.nn.functional as F
from torch import nn


def _bn_affine(bn, channels):
    """Per-channel (scale, shift) of a BN in eval mode."""
    if bn.running_mean is None or bn.running_var is None:
        raise ValueError("every BN needs running statistics (track_running_stats=True)")
    if bn.num_features != channels:
        raise ValueError(f"a BN has {bn.num_features} channels, the branch {channels}")
    scale = torch.rsqrt(bn.running_var + bn.eps)
    shift = -bn.running_mean * scale
    if bn.affine:
        scale, shift = scale * bn.weight, shift * bn.weight + bn.bias
    return scale, shift


def _check(conv3x3, conv1x1, bn_identity):
    c3, c1 = conv3x3, conv1x1
    if (c3.kernel_size, c3.padding, c3.dilation) != ((3, 3), (1, 1), (1, 1)):
        raise ValueError("conv3x3 must have kernel_size 3, padding 1 and dilation 1")
    if (c1.kernel_size, c1.padding, c1.dilation) != ((1, 1), (0, 0), (1, 1)):
        raise ValueError("conv1x1 must have kernel_size 1, padding 0 and dilation 1")
    for name in ("in_channels", "out_channels", "stride", "groups"):
        if getattr(c3, name) != getattr(c1, name):
            raise ValueError(f"conv3x3 and conv1x1 differ in {name}")
    if bn_identity is not None and (c3.in_channels != c3.out_channels or c3.stride != (1, 1)):
        raise ValueError("an identity branch needs in_channels == out_channels and stride 1")


def repvgg_merge(conv3x3: nn.Conv2d, bn3x3: nn.BatchNorm2d, conv1x1: nn.Conv2d, bn1x1: nn.BatchNorm2d,
                 bn_identity: nn.BatchNorm2d | None = None) -> nn.Conv2d:
    _check(conv3x3, conv1x1, bn_identity)
    w3 = conv3x3.weight
    out_ch, in_per_group = w3.shape[:2]
    with torch.no_grad():
        # Every branch as (3x3 kernel, conv bias or None, BN).
        branches = [(w3, conv3x3.bias, bn3x3), (F.pad(conv1x1.weight, [1, 1, 1, 1]), conv1x1.bias, bn1x1)]
        if bn_identity is not None:
            eye = torch.zeros_like(w3)
            o = torch.arange(out_ch, device=w3.device)
            eye[o, o % in_per_group, 1, 1] = 1  # each channel to itself, inside its group
            branches.append((eye, None, bn_identity))
        weight, bias = torch.zeros_like(w3), torch.zeros(out_ch, dtype=w3.dtype, device=w3.device)
        for kernel, conv_bias, bn in branches:
            scale, shift = _bn_affine(bn, out_ch)
            weight += kernel * scale.reshape(-1, 1, 1, 1)
            bias += shift if conv_bias is None else conv_bias * scale + shift
        merged = nn.Conv2d(conv3x3.in_channels, out_ch, 3, stride=conv3x3.stride, padding=1,
                           groups=conv3x3.groups, padding_mode=conv3x3.padding_mode, bias=True,
                           device=w3.device, dtype=w3.dtype)
        merged.weight.copy_(weight)
        merged.bias.copy_(bias)
    return merged
