"""Known-wrong answers to torch/attention_blocks; `nox -s verify` proves the tests catch every one."""

import torch
import torch.nn.functional as F
from torch import nn

from solutions.torch import attention_blocks as ref


def _se(*, gate="sigmoid", pool="mean"):
    class SEBlock(ref.SEBlock):
        def forward(self, x):
            s = x.mean(dim=(2, 3), keepdim=True) if pool == "mean" else x.amax(dim=(2, 3), keepdim=True)
            logits = self.fc2(F.relu(self.fc1(s)))
            if gate == "sigmoid":
                return x * torch.sigmoid(logits)
            if gate == "softmax":
                return x * logits.softmax(dim=1)
            return x * logits

    return SEBlock


def _sk(*, softmax_dim=1, use_min_dim=True, detach=False):
    class SKBlock(ref.SKBlock):
        def __init__(self, channels, kernels=(3, 5), reduction=16, min_dim=32):
            super().__init__(channels, kernels, reduction, min_dim)
            if not use_min_dim:
                d = max(channels // reduction, 1)
                self.fc = nn.Conv2d(channels, d, 1)
                self.fcs = nn.ModuleList(nn.Conv2d(d, channels, 1) for _ in kernels)

        def forward(self, x):
            feats = torch.stack([b(x) for b in self.branches], dim=1)
            z = F.relu(self.fc(feats.sum(dim=1).mean(dim=(2, 3), keepdim=True)))
            a = torch.stack([fc(z) for fc in self.fcs], dim=1).softmax(dim=softmax_dim)
            self.attention = a.detach().flatten(2)
            return ((self.attention[..., None, None] if detach else a) * feats).sum(dim=1)

    return SKBlock


WRONG = {
    "se_no_sigmoid": {"SEBlock": _se(gate="none")},
    "se_softmax_over_channels": {"SEBlock": _se(gate="softmax")},
    "se_max_pool": {"SEBlock": _se(pool="max")},
    "sk_softmax_over_channels": {"SKBlock": _sk(softmax_dim=2)},
    "sk_d_ignores_min_dim": {"SKBlock": _sk(use_min_dim=False)},
    "sk_attention_detached": {"SKBlock": _sk(detach=True)},
}
SLOW = {}
