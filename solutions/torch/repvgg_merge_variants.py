"""Known-wrong and canonical-style answers to torch/repvgg_merge; `nox -s verify` proves the tests
catch every wrong one and judge each canonical one as declared in kata.toml."""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from solutions.torch import repvgg_merge as ref


def _mutant(*, corner=False, identity=True, grouped_eye=True, eps=True, bias_1x1=True, conv_bias=True,
            check_identity=True, check_convs=True, check_bns=True, keep_dtype=True, trainable=True):
    def repvgg_merge(conv3x3, bn3x3, conv1x1, bn1x1, bn_identity=None):
        if check_convs:
            ref._check(conv3x3, conv1x1, None)
        if check_identity and bn_identity is not None and (
                conv3x3.in_channels != conv3x3.out_channels or conv3x3.stride != (1, 1)):
            raise ValueError("identity branch")
        if check_bns:
            for bn in (bn3x3, bn1x1):
                ref._bn_affine(bn, conv3x3.out_channels)
        w3 = conv3x3.weight
        out_ch, in_per_group = w3.shape[:2]

        def fold(bn):
            var = bn.running_var + (bn.eps if eps else 0.0)
            g = bn.weight if bn.affine else torch.ones_like(var)
            b = bn.bias if bn.affine else torch.zeros_like(var)
            s = g / var.sqrt()
            return s, b - bn.running_mean * s

        with torch.no_grad():
            pad = [0, 2, 0, 2] if corner else [1, 1, 1, 1]
            branches = [(w3, conv3x3.bias, bn3x3, True), (F.pad(conv1x1.weight, pad), conv1x1.bias, bn1x1, bias_1x1)]
            if bn_identity is not None and identity:
                if grouped_eye:
                    eye = torch.zeros_like(w3)
                    for o in range(out_ch):
                        eye[o, o % in_per_group, 1, 1] = 1
                else:  # a full eye, cut down to the weight's shape
                    full = torch.zeros(out_ch, out_ch, 3, 3, dtype=w3.dtype, device=w3.device)
                    full[range(out_ch), range(out_ch), 1, 1] = 1
                    eye = full[:, :in_per_group].clone()
                branches.append((eye, None, bn_identity, True))
            weight, bias = torch.zeros_like(w3), torch.zeros(out_ch, dtype=w3.dtype, device=w3.device)
            for kernel, cb, bn, keep_bias in branches:
                s, t = fold(bn)
                weight += kernel * s.reshape(-1, 1, 1, 1)
                if keep_bias:
                    bias += t if cb is None or not conv_bias else cb * s + t
            merged = nn.Conv2d(conv3x3.in_channels, out_ch, 3, stride=conv3x3.stride, padding=1,
                               groups=conv3x3.groups, padding_mode=conv3x3.padding_mode,
                               device=w3.device, dtype=w3.dtype if keep_dtype else None)
            merged.weight.copy_(weight)
            merged.bias.copy_(bias)
        return merged if trainable else merged.requires_grad_(False)

    return repvgg_merge


class _RepVGGStyle:
    """In the style of RepVGGBlock.get_equivalent_kernel_bias / switch_to_deploy (DingXiaoH/RepVGG):
    convs assumed bias-free, BNs assumed affine, no shape checks."""

    def __init__(self, conv3x3, bn3x3, conv1x1, bn1x1, bn_identity):
        self.in_channels, self.groups = conv3x3.in_channels, conv3x3.groups
        self.rbr_dense, self.rbr_1x1, self.rbr_identity = (conv3x3, bn3x3), (conv1x1, bn1x1), bn_identity

    def _fuse_bn_tensor(self, branch):
        if branch is None:
            return 0, 0
        if isinstance(branch, tuple):
            conv, bn = branch
            kernel = conv.weight
        else:
            bn = branch
            input_dim = self.in_channels // self.groups
            kernel_value = np.zeros((self.in_channels, input_dim, 3, 3), dtype=np.float32)
            for i in range(self.in_channels):
                kernel_value[i, i % input_dim, 1, 1] = 1
            kernel = torch.from_numpy(kernel_value).to(bn.weight.device)
        std = (bn.running_var + bn.eps).sqrt()
        t = (bn.weight / std).reshape(-1, 1, 1, 1)
        return kernel * t, bn.bias - bn.running_mean * bn.weight / std

    def get_equivalent_kernel_bias(self):
        kernel3x3, bias3x3 = self._fuse_bn_tensor(self.rbr_dense)
        kernel1x1, bias1x1 = self._fuse_bn_tensor(self.rbr_1x1)
        kernelid, biasid = self._fuse_bn_tensor(self.rbr_identity)
        return kernel3x3 + F.pad(kernel1x1, [1, 1, 1, 1]) + kernelid, bias3x3 + bias1x1 + biasid


def _repvgg_style(conv3x3, bn3x3, conv1x1, bn1x1, bn_identity=None):
    kernel, bias = _RepVGGStyle(conv3x3, bn3x3, conv1x1, bn1x1, bn_identity).get_equivalent_kernel_bias()
    c = conv3x3
    reparam = nn.Conv2d(c.in_channels, c.out_channels, c.kernel_size, stride=c.stride, padding=c.padding,
                        dilation=c.dilation, groups=c.groups, bias=True, padding_mode=c.padding_mode,
                        device=c.weight.device, dtype=c.weight.dtype)
    reparam.weight.data = kernel.detach().to(c.weight.dtype).clone()
    reparam.bias.data = bias.detach().to(c.weight.dtype).clone()
    return reparam


WRONG = {
    "one_by_one_in_corner": {"repvgg_merge": _mutant(corner=True)},
    "identity_forgotten": {"repvgg_merge": _mutant(identity=False)},
    "identity_ignores_groups": {"repvgg_merge": _mutant(grouped_eye=False)},
    "drops_eps": {"repvgg_merge": _mutant(eps=False)},
    "drops_1x1_bias": {"repvgg_merge": _mutant(bias_1x1=False)},
    "ignores_conv_bias": {"repvgg_merge": _mutant(conv_bias=False)},
    "no_identity_check": {"repvgg_merge": _mutant(check_identity=False)},
    "no_conv_check": {"repvgg_merge": _mutant(check_convs=False)},
    "no_bn_check": {"repvgg_merge": _mutant(check_bns=False)},
    "default_dtype": {"repvgg_merge": _mutant(keep_dtype=False)},
    "frozen_parameters": {"repvgg_merge": _mutant(trainable=False)},
}
CANONICAL = {"repvgg_get_equivalent_kernel_bias": {"repvgg_merge": _repvgg_style}}
SLOW = {}
