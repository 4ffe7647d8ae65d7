"""torch/fuse_conv_bn: inference through torch's conv + BN in eval against the fused conv."""

import pytest
import torch
from torch import nn

from solutions.torch.fuse_conv_bn import fuse_conv_bn

GROUP = "torch/fuse_conv_bn 8x64x56x56"
torch.manual_seed(0)
CONV = nn.Conv2d(64, 64, 3, padding=1, bias=False).eval()
BN = nn.BatchNorm2d(64).eval()
X = torch.randn(8, 64, 56, 56)
FUSED = fuse_conv_bn(CONV, BN)


@torch.no_grad()
def _fused():
    return FUSED(X)


@torch.no_grad()
def _conv_bn():
    return BN(CONV(X))


def test_reference(benchmark):
    """Inference through the reference's fused conv."""
    benchmark.group = GROUP
    benchmark(_fused)


def test_torch_conv_then_bn(benchmark):
    benchmark.group = GROUP
    benchmark(_conv_bn)


def test_torch_fuse_conv_bn_eval(benchmark):
    fusion = pytest.importorskip("torch.nn.utils.fusion")
    benchmark.group = GROUP
    fused = fusion.fuse_conv_bn_eval(CONV, BN)
    benchmark(lambda: fused(X).detach())
