"""Known-wrong answers to torch/repvgg_merge; `nox -s verify` proves the tests catch every one."""

import torch
import torch.nn.functional as F
from torch import nn

from solutions.torch import repvgg_merge as ref


def _mutant(*, corner=False, identity=True, grouped_eye=True, eps=True, bias_1x1=True):
    def repvgg_merge(conv3x3, bn3x3, conv1x1, bn1x1, bn_identity=None):
        ref._check(conv3x3, conv1x1, bn_identity)
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
            for kernel, conv_bias, bn, keep_bias in branches:
                s, t = fold(bn)
                weight += kernel * s.reshape(-1, 1, 1, 1)
                if keep_bias:
                    bias += t if conv_bias is None else conv_bias * s + t
            merged = nn.Conv2d(conv3x3.in_channels, out_ch, 3, stride=conv3x3.stride, padding=1,
                               groups=conv3x3.groups, padding_mode=conv3x3.padding_mode,
                               device=w3.device, dtype=w3.dtype)
            merged.weight.copy_(weight)
            merged.bias.copy_(bias)
        return merged

    return repvgg_merge


WRONG = {
    "one_by_one_in_corner": {"repvgg_merge": _mutant(corner=True)},
    "identity_forgotten": {"repvgg_merge": _mutant(identity=False)},
    "identity_ignores_groups": {"repvgg_merge": _mutant(grouped_eye=False)},
    "drops_eps": {"repvgg_merge": _mutant(eps=False)},
    "drops_1x1_bias": {"repvgg_merge": _mutant(bias_1x1=False)},
}
SLOW = {}
