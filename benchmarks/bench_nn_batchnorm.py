"""nn/batchnorm: the numpy reference against torch's batch_norm (forward and backward)."""

import numpy as np
import torch

from solutions.nn.batchnorm import batchnorm_backward, batchnorm_forward

GROUP = "nn/batchnorm 32x64x28x28 fwd+bwd"
rng = np.random.default_rng(0)
X = rng.normal(size=(32, 64, 28, 28)).astype(np.float32)
G, B = np.ones(64, np.float32), np.zeros(64, np.float32)
DOUT = rng.normal(size=X.shape).astype(np.float32)


def _numpy():
    out, cache = batchnorm_forward(X, G, B)
    return batchnorm_backward(DOUT, cache)


XT = torch.from_numpy(X).requires_grad_()
GT, BT = torch.from_numpy(G).requires_grad_(), torch.from_numpy(B).requires_grad_()
DT = torch.from_numpy(DOUT)


def _torch():
    out = torch.nn.functional.batch_norm(XT, None, None, GT, BT, training=True)
    return torch.autograd.grad(out, (XT, GT, BT), DT)


def test_reference(benchmark):
    benchmark.group = GROUP
    benchmark(_numpy)


def test_torch_batch_norm(benchmark):
    benchmark.group = GROUP
    benchmark(_torch)
