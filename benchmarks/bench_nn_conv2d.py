"""nn/conv2d: the numpy reference's forward against torch.nn.functional.conv2d on the kata's speed input."""

import numpy as np
import torch

from solutions.nn.conv2d import conv2d_forward

GROUP = "nn/conv2d fwd 32x64x56x56, 64 3x3"
rng = np.random.default_rng(0)
X = rng.normal(size=(32, 64, 56, 56)).astype(np.float32)
W = rng.normal(size=(64, 64, 3, 3)).astype(np.float32)
B = np.zeros(64, np.float32)
XT, WT, BT = map(torch.from_numpy, (X, W, B))


def test_reference(benchmark):
    benchmark.group = GROUP
    benchmark.pedantic(conv2d_forward, args=(X, W, B), kwargs={"padding": 1}, rounds=3, warmup_rounds=1)


def test_torch_conv2d(benchmark):
    benchmark.group = GROUP

    @torch.no_grad()
    def run():
        return torch.nn.functional.conv2d(XT, WT, BT, padding=1)

    benchmark.pedantic(run, rounds=3, warmup_rounds=1)
