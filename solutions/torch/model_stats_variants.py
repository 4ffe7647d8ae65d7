"""Known-wrong and canonical-style answers to torch/model_stats; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import itertools
import math

import torch
from torch import nn

_POOLS = (nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)


def _params(*, how="parameters", trainable=True):
    def count_parameters(model, trainable_only=False):
        if how == "state_dict":
            return sum(v.numel() for v in model.state_dict().values())
        if how == "per_module":
            return sum(p.numel() for m in model.modules() for p in m.parameters(recurse=False)
                       if p.requires_grad or not (trainable_only and trainable))
        return sum(p.numel() for p in model.parameters() if p.requires_grad or not (trainable_only and trainable))

    return count_parameters


def _size(*, use_dilation=True, rounding="floor", last_window=True, check=True):
    def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
        d = dilation if use_dilation else 1
        span = size + 2 * padding - d * (kernel_size - 1) - 1
        if check and span < 0:
            raise ValueError("kernel larger than the input")
        up = ceil_mode or rounding == "ceil"
        out = (math.ceil(span / stride) if up else span // stride) + 1
        if ceil_mode and last_window and (out - 1) * stride >= size + padding:
            out -= 1
        return out

    return conv_output_size


def _rf(*, strides=True, dilation=True, own_stride=False):
    def receptive_field(layers):
        rf, jump = 1, 1
        for kernel, stride, *dil in layers:
            if own_stride:
                jump *= stride
            rf += (kernel - 1) * (dil[0] if (dil and dilation) else 1) * (jump if strides else 1)
            if not own_stride:
                jump *= stride
        return rf

    return receptive_field


def _macs(*, factor=1, groups=True, batch=True, eval_mode=True, remove=True, bias=False, bn=1, avgpool=False,
          unknown_zero=False):
    def rule(m, inp, out):
        n = out.numel() if batch else out[0].numel()
        if isinstance(m, nn.Conv2d):
            kh, kw = m.kernel_size
            cin = m.in_channels // m.groups if groups else m.in_channels
            return factor * n * cin * kh * kw + (n if bias and m.bias is not None else 0)
        if isinstance(m, nn.Linear):
            return factor * n * m.in_features + (n if bias and m.bias is not None else 0)
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            return bn * n
        if isinstance(m, (nn.AvgPool2d, nn.AdaptiveAvgPool2d)) and avgpool:
            return n * max(1, inp[0].numel() // max(1, out.numel()))
        if isinstance(m, _POOLS) or unknown_zero or not list(m.parameters(recurse=False)):
            return 0
        raise ValueError(f"no rule for {type(m).__name__}")

    def count_macs(model, input_shape):
        p = next(itertools.chain(model.parameters(), model.buffers()), None)
        x = torch.zeros(input_shape, dtype=p.dtype if p is not None else torch.float32,
                        device=p.device if p is not None else "cpu")
        total = [0]
        leaves = [m for m in model.modules() if not list(m.children())]
        handles = [m.register_forward_hook(lambda m, i, o: total.__setitem__(0, total[0] + rule(m, i, o)))
                   for m in leaves]
        modes = [m.training for m in model.modules()]
        if eval_mode:
            model.eval()
        try:
            with torch.no_grad():
                model(x)
        finally:
            if remove:
                for h in handles:
                    h.remove()
            for m, mode in zip(model.modules(), modes):
                m.training = mode
        return total[0]

    return count_macs


def _api(**over):
    api = {"count_parameters": _params(), "conv_output_size": _size(), "receptive_field": _rf(),
           "count_macs": _macs()}
    api.update(over)
    return api


def thop_count_macs(model, input_shape):
    """thop.profile's way: hooks on leaf modules with its per-layer rules, eval mode restored after."""
    def hook(m, x, y):
        x = x[0]
        if isinstance(m, nn.Conv2d):
            kernel_ops = m.weight.size()[2:].numel()
            bias_ops = 1 if m.bias is not None else 0
            ops = y.nelement() * (m.in_channels // m.groups * kernel_ops + bias_ops)
        elif isinstance(m, nn.Linear):
            ops = m.in_features * y.numel()
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            ops = 2 * x.numel() if m.affine else x.numel()
        elif isinstance(m, nn.AvgPool2d):
            k = m.kernel_size if isinstance(m.kernel_size, tuple) else (m.kernel_size, m.kernel_size)
            ops = (k[0] * k[1] + 1) * y.numel()
        elif isinstance(m, nn.AdaptiveAvgPool2d):
            ops = (x.shape[-1] * x.shape[-2] // (y.shape[-1] * y.shape[-2]) + 1) * y.numel()
        else:
            ops = 0  # thop: "Cannot find rule", counted as zero
        m.total_ops += ops

    prev = [m.training for m in model.modules()]  # thop restores model.train(prev) only; per module here
    model.eval()
    handles = []
    for m in model.modules():
        if len(list(m.children())) == 0:
            m.total_ops = 0
            handles.append(m.register_forward_hook(hook))
    p = next(itertools.chain(model.parameters(), model.buffers()), None)
    x = torch.zeros(input_shape, dtype=p.dtype if p is not None else torch.float32,
                    device=p.device if p is not None else "cpu")
    with torch.no_grad():
        model(x)
    total = 0
    for m in model.modules():
        if hasattr(m, "total_ops"):
            total += m.total_ops
            del m.total_ops
    for h in handles:
        h.remove()
    for m, mode in zip(model.modules(), prev):
        m.training = mode
    return int(total)


def araujo_receptive_field(layers):
    """Top-down recurrence r_{l-1} = s_l * r_l + (k_l - s_l), with dilated kernels."""
    r = 1
    for kernel, stride, *dil in reversed(list(layers)):
        k = (dil[0] if dil else 1) * (kernel - 1) + 1
        r = stride * r + (k - stride)
    return r


WRONG = {
    "params_from_state_dict": _api(count_parameters=_params(how="state_dict")),
    "params_tied_twice": _api(count_parameters=_params(how="per_module")),
    "trainable_only_ignored": _api(count_parameters=_params(trainable=False)),
    "size_without_dilation": _api(conv_output_size=_size(use_dilation=False)),
    "size_rounds_up": _api(conv_output_size=_size(rounding="ceil")),
    "ceil_without_last_window_rule": _api(conv_output_size=_size(last_window=False)),
    "size_unchecked": _api(conv_output_size=_size(check=False)),
    "rf_summed": _api(receptive_field=_rf(strides=False)),
    "rf_without_dilation": _api(receptive_field=_rf(dilation=False)),
    "rf_stride_of_own_layer": _api(receptive_field=_rf(own_stride=True)),
    "macs_as_flops": _api(count_macs=_macs(factor=2)),
    "macs_forget_groups": _api(count_macs=_macs(groups=False)),
    "macs_per_sample": _api(count_macs=_macs(batch=False)),
    "macs_train_mode_forward": _api(count_macs=_macs(eval_mode=False)),
    "macs_hooks_left": _api(count_macs=_macs(remove=False)),
    "macs_count_bias": _api(count_macs=_macs(bias=True)),
    "macs_batchnorm_two": _api(count_macs=_macs(bn=2)),
    "macs_avgpool_adds": _api(count_macs=_macs(avgpool=True)),
    "macs_unknown_is_zero": _api(count_macs=_macs(unknown_zero=True)),
}
CANONICAL = {"thop_style": _api(count_macs=thop_count_macs, receptive_field=araujo_receptive_field)}
SLOW = {}
