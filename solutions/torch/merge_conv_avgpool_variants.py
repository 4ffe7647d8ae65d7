"""Known-wrong and canonical-style answers to torch/merge_conv_avgpool; `nox -s verify` proves the
tests catch every wrong one and judge each canonical one as declared in kata.toml."""

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.modules.utils import _pair


def _mutant(*, multiply_stride=True, spread=True, divide=True, bias_scale=1.0, override=True,
            check_conv=True, check_pool=True, keep_dtype=True, trainable=True):
    def merge_conv_avgpool(conv, pool):
        if check_conv and (isinstance(conv.padding, str) or conv.dilation != (1, 1)):
            raise ValueError("conv not supported")
        if check_pool and (_pair(pool.padding) != (0, 0) or pool.ceil_mode):
            raise ValueError("pool not supported")
        if not check_conv and isinstance(conv.padding, str):
            conv = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, stride=conv.stride,
                             padding=conv.padding, groups=conv.groups, bias=conv.bias is not None,
                             device=conv.weight.device, dtype=conv.weight.dtype).requires_grad_(False)
        (k1h, k1w), (s1h, s1w) = conv.kernel_size, conv.stride
        (k2h, k2w), (s2h, s2w) = _pair(pool.kernel_size), _pair(pool.stride)
        step_h, step_w = (s1h, s1w) if spread else (1, 1)
        divisor = (pool.divisor_override if override else None) or k2h * k2w
        kh, kw = k1h + (k2h - 1) * step_h, k1w + (k2w - 1) * step_w
        stride = (s1h * s2h, s1w * s2w) if multiply_stride else (s1h, s1w)
        merged = nn.Conv2d(conv.in_channels, conv.out_channels, (kh, kw), stride=stride, padding=conv.padding,
                           groups=conv.groups, bias=conv.bias is not None, padding_mode=conv.padding_mode,
                           device=conv.weight.device, dtype=conv.weight.dtype if keep_dtype else None)
        with torch.no_grad():
            kernel = torch.zeros_like(merged.weight)
            for a in range(k2h):
                for b in range(k2w):
                    kernel[:, :, a * step_h:a * step_h + k1h, b * step_w:b * step_w + k1w] += conv.weight
            merged.weight.copy_(kernel / divisor if divide else kernel)
            if conv.bias is not None:
                merged.bias.copy_(conv.bias * bias_scale * (k2h * k2w / divisor))
        return merged if trainable else merged.requires_grad_(False)

    return merge_conv_avgpool


def _bias_divided(conv, pool):
    k2h, k2w = _pair(pool.kernel_size)
    return _mutant(bias_scale=1.0 / (k2h * k2w))(conv, pool)


def _dbb_style(conv, pool):
    """In the style of DiverseBranchBlock's dbb_transforms: the pool as a kernel (transV_avg), then
    the two kernels composed into one (here by a transposed conv, the pool kernel dilated by s1)."""
    if isinstance(conv.padding, str) or conv.dilation != (1, 1):
        raise ValueError("conv: numeric padding and dilation 1 only")
    if _pair(pool.padding) != (0, 0) or pool.ceil_mode:
        raise ValueError("pool: padding 0 and ceil_mode=False only")
    k2, s2 = _pair(pool.kernel_size), _pair(pool.stride)
    divisor = pool.divisor_override if pool.divisor_override else k2[0] * k2[1]
    w = conv.weight.detach()
    out_c, in_c, k1h, k1w = w.shape
    avg = torch.ones(1, 1, *k2, dtype=w.dtype, device=w.device) / divisor
    k = F.conv_transpose2d(w.reshape(out_c * in_c, 1, k1h, k1w), avg, dilation=conv.stride)
    fused = nn.Conv2d(conv.in_channels, conv.out_channels, tuple(k.shape[-2:]),
                      stride=(conv.stride[0] * s2[0], conv.stride[1] * s2[1]), padding=conv.padding,
                      groups=conv.groups, bias=conv.bias is not None, padding_mode=conv.padding_mode,
                      device=w.device, dtype=w.dtype)
    fused.weight.data = k.reshape(out_c, in_c, *k.shape[-2:]).clone()
    if conv.bias is not None:
        fused.bias.data = conv.bias.detach() * (k2[0] * k2[1] / divisor)
    return fused


WRONG = {
    "stride_not_multiplied": {"merge_conv_avgpool": _mutant(multiply_stride=False)},
    "kernel_ignores_conv_stride": {"merge_conv_avgpool": _mutant(spread=False)},
    "forgets_divisor": {"merge_conv_avgpool": _mutant(divide=False)},
    "bias_divided": {"merge_conv_avgpool": _bias_divided},
    "ignores_divisor_override": {"merge_conv_avgpool": _mutant(override=False)},
    "no_dilation_or_padding_check": {"merge_conv_avgpool": _mutant(check_conv=False)},
    "no_pool_check": {"merge_conv_avgpool": _mutant(check_pool=False)},
    "default_dtype": {"merge_conv_avgpool": _mutant(keep_dtype=False)},
    "frozen_parameters": {"merge_conv_avgpool": _mutant(trainable=False)},
}
CANONICAL = {"dbb_transforms": {"merge_conv_avgpool": _dbb_style}}
SLOW = {}
