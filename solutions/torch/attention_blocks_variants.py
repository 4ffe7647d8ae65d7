"""Known-wrong and canonical-style answers to torch/attention_blocks; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

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


class _SEUnchecked(ref.SEBlock):
    """Builds whatever it is given: a hidden width of 0, channels 0, reduction <= 0 (ZeroDivisionError)."""

    def __init__(self, channels, reduction=16):
        nn.Module.__init__(self)
        self.fc1 = nn.Conv2d(channels, channels // reduction, 1)
        self.fc2 = nn.Conv2d(channels // reduction, channels, 1)


def _sk_unchecked(*, kernels_check=True, sizes_check=True):
    class SKBlock(ref.SKBlock):
        def __init__(self, channels, kernels=(3, 5), reduction=16, min_dim=32):
            if kernels_check and sizes_check:
                super().__init__(channels, kernels, reduction, min_dim)
                return
            if sizes_check:
                for name, value in (("channels", channels), ("reduction", reduction), ("min_dim", min_dim)):
                    ref._positive_int(name, value)
            if kernels_check and (not kernels or any(k < 1 or k % 2 == 0 for k in kernels)):
                raise ValueError("kernels must be positive odd ints")
            nn.Module.__init__(self)
            d = max(channels // reduction, min_dim)
            self.branches = nn.ModuleList(
                nn.Sequential(nn.Conv2d(channels, channels, k, padding=k // 2, bias=False),
                              nn.BatchNorm2d(channels), nn.ReLU()) for k in kernels)
            self.fc = nn.Conv2d(channels, d, 1)
            self.fcs = nn.ModuleList(nn.Conv2d(d, channels, 1) for _ in kernels)
            self.attention = None

    return SKBlock


class TorchvisionStyleSE(nn.Module):
    """In the style of torchvision.ops.SqueezeExcitation, squeeze_channels = channels // reduction."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        squeeze_channels = channels // reduction
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, channels, 1)
        self.activation = nn.ReLU()
        self.scale_activation = nn.Sigmoid()

    def _scale(self, x):
        return self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(x)))))

    def forward(self, x):
        return self._scale(x) * x


WRONG = {
    "se_no_argument_checks": {"SEBlock": _SEUnchecked},
    "sk_no_kernel_check": {"SKBlock": _sk_unchecked(kernels_check=False)},
    "sk_no_size_check": {"SKBlock": _sk_unchecked(sizes_check=False)},
    "se_no_sigmoid": {"SEBlock": _se(gate="none")},
    "se_softmax_over_channels": {"SEBlock": _se(gate="softmax")},
    "se_max_pool": {"SEBlock": _se(pool="max")},
    "sk_softmax_over_channels": {"SKBlock": _sk(softmax_dim=2)},
    "sk_d_ignores_min_dim": {"SKBlock": _sk(use_min_dim=False)},
    "sk_attention_detached": {"SKBlock": _sk(detach=True)},
}
CANONICAL = {"torchvision_se": {"SEBlock": TorchvisionStyleSE}}
SLOW = {}
