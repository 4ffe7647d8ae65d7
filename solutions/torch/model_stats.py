"""Parameter count, conv output size, receptive field and MACs of a CNN."""

import itertools
import math
from collections.abc import Sequence

import torch
from torch import nn

_POOLS = (nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)
_BATCHNORMS = (nn.BatchNorm1d, nn.BatchNorm2d)


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1,
                     ceil_mode: bool = False) -> int:
    span = size + 2 * padding - dilation * (kernel_size - 1) - 1  # room left after the first window
    if span < 0:
        raise ValueError(f"the kernel (dilated size {dilation * (kernel_size - 1) + 1}) is larger than the "
                         f"padded input ({size + 2 * padding})")
    out = (math.ceil(span / stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:  # the last window would start in the padding
        out -= 1
    return out


def receptive_field(layers: Sequence[tuple[int, ...]]) -> int:
    rf, jump = 1, 1
    for kernel, stride, *dil in layers:
        rf += (kernel - 1) * (dil[0] if dil else 1) * jump  # a kernel tap here is `jump` input pixels apart
        jump *= stride
    return rf


def _macs(module: nn.Module, out: torch.Tensor) -> int:
    if isinstance(module, nn.Conv2d) and type(module) is nn.Conv2d:
        kh, kw = module.kernel_size
        return out.numel() * (module.in_channels // module.groups) * kh * kw
    if isinstance(module, nn.Linear):
        return out.numel() * module.in_features
    if isinstance(module, _BATCHNORMS):
        return out.numel()
    if isinstance(module, _POOLS) or not any(True for _ in module.parameters(recurse=False)):
        return 0
    raise ValueError(f"count_macs: no MAC rule for {type(module).__name__}, a layer with parameters")


def count_macs(model: nn.Module, input_shape: tuple[int, ...]) -> int:
    p = next(itertools.chain(model.parameters(), model.buffers()), None)
    x = torch.zeros(input_shape, dtype=p.dtype if p is not None else torch.float32,
                    device=p.device if p is not None else "cpu")
    total = 0

    def hook(module, inputs, out):
        nonlocal total
        total += _macs(module, out)

    leaves = [m for m in model.modules() if not any(True for _ in m.children())]
    modes = [m.training for m in model.modules()]
    handles = [m.register_forward_hook(hook) for m in leaves]
    try:
        model.eval()  # no BatchNorm statistics update, no dropout
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
        for m, mode in zip(model.modules(), modes):
            m.training = mode
    return total
