"""Known-wrong answers to torch/merge_conv_avgpool; `nox -s verify` proves the tests catch every one."""

import torch
from torch import nn
from torch.nn.modules.utils import _pair

from solutions.torch import merge_conv_avgpool as ref


def _mutant(*, multiply_stride=True, spread=True, divide=True, bias_scale=1.0, override=True):
    def merge_conv_avgpool(conv, pool):
        ref._check(conv, pool)
        (k1h, k1w), (s1h, s1w) = conv.kernel_size, conv.stride
        (k2h, k2w), (s2h, s2w) = _pair(pool.kernel_size), _pair(pool.stride)
        step_h, step_w = (s1h, s1w) if spread else (1, 1)
        divisor = (pool.divisor_override if override else None) or k2h * k2w
        kh, kw = k1h + (k2h - 1) * step_h, k1w + (k2w - 1) * step_w
        stride = (s1h * s2h, s1w * s2w) if multiply_stride else (s1h, s1w)
        merged = nn.Conv2d(conv.in_channels, conv.out_channels, (kh, kw), stride=stride, padding=conv.padding,
                           groups=conv.groups, bias=conv.bias is not None, padding_mode=conv.padding_mode,
                           device=conv.weight.device, dtype=conv.weight.dtype)
        with torch.no_grad():
            kernel = torch.zeros_like(merged.weight)
            for a in range(k2h):
                for b in range(k2w):
                    kernel[:, :, a * step_h:a * step_h + k1h, b * step_w:b * step_w + k1w] += conv.weight
            merged.weight.copy_(kernel / divisor if divide else kernel)
            if conv.bias is not None:
                merged.bias.copy_(conv.bias * bias_scale * (k2h * k2w / divisor))
        return merged

    return merge_conv_avgpool


def _bias_divided(conv, pool):
    k2h, k2w = _pair(pool.kernel_size)
    return _mutant(bias_scale=1.0 / (k2h * k2w))(conv, pool)


WRONG = {
    "stride_not_multiplied": {"merge_conv_avgpool": _mutant(multiply_stride=False)},
    "kernel_ignores_conv_stride": {"merge_conv_avgpool": _mutant(spread=False)},
    "forgets_divisor": {"merge_conv_avgpool": _mutant(divide=False)},
    "bias_divided": {"merge_conv_avgpool": _bias_divided},
    "ignores_divisor_override": {"merge_conv_avgpool": _mutant(override=False)},
}
SLOW = {}
