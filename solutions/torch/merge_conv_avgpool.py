"""Fold an AvgPool2d into the Conv2d before it."""

import torch
from torch import nn
from torch.nn.modules.utils import _pair


def _check(conv, pool):
    if isinstance(conv.padding, str):
        raise ValueError("conv padding must be numbers, not a string")
    if conv.dilation != (1, 1):
        raise ValueError("only dilation 1 is supported")
    if _pair(pool.padding) != (0, 0) or pool.ceil_mode:
        raise ValueError("the pool must have padding 0 and ceil_mode=False")


def merge_conv_avgpool(conv: nn.Conv2d, pool: nn.AvgPool2d) -> nn.Conv2d:
    _check(conv, pool)
    (k1h, k1w), (s1h, s1w) = conv.kernel_size, conv.stride
    (k2h, k2w), (s2h, s2w) = _pair(pool.kernel_size), _pair(pool.stride)
    divisor = pool.divisor_override or k2h * k2w
    w = conv.weight
    kh, kw = k1h + (k2h - 1) * s1h, k1w + (k2w - 1) * s1w
    merged = nn.Conv2d(conv.in_channels, conv.out_channels, (kh, kw), stride=(s1h * s2h, s1w * s2w),
                       padding=conv.padding, groups=conv.groups, bias=conv.bias is not None,
                       padding_mode=conv.padding_mode, device=w.device, dtype=w.dtype)
    with torch.no_grad():
        kernel = torch.zeros_like(merged.weight)
        # Pool tap (a, b) reads the conv output (a, b) steps on: the conv kernel shifted by s1 per step.
        for a in range(k2h):
            for b in range(k2w):
                kernel[:, :, a * s1h:a * s1h + k1h, b * s1w:b * s1w + k1w] += w
        merged.weight.copy_(kernel / divisor)
        if conv.bias is not None:
            merged.bias.copy_(conv.bias * (k2h * k2w / divisor))
    return merged
