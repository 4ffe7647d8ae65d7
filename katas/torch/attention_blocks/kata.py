"""Channel attention: SE and SK blocks · 通道注意力：SE-Net 与 SK-Net 模块

Squeeze-and-Excitation (SE) rescales every channel by a gate computed from the whole image; Selective
Kernel (SK) runs convolutions of several sizes and lets a softmax over the branches pick, channel by
channel, how much of each receptive field to keep. Write both as ``nn.Module``s.

The submodule names below are part of the statement: the tests load weights into them by name
(``load_state_dict(strict=True)``), so a ``state_dict`` must have exactly the keys listed.

Run the tests: pytest katas/torch/attention_blocks
"""

from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["SEBlock", "SKBlock"]


class SEBlock(nn.Module):
    """Squeeze-and-Excitation: ``x * sigmoid(fc2(relu(fc1(mean of x over H and W))))``.

    ``SEBlock(channels, reduction=16)`` for inputs with ``channels`` channels, ``hidden = channels //
    reduction``. Submodules (their default initialisation is fine):

    - ``fc1 = nn.Conv2d(channels, hidden, 1)`` (with bias): squeeze, on the pooled (N, C, 1, 1) tensor;
    - ``fc2 = nn.Conv2d(hidden, channels, 1)`` (with bias): excite, back to one logit per channel.

    So the ``state_dict`` keys are ``fc1.weight, fc1.bias, fc2.weight, fc2.bias``, and the block
    has ``2 * channels * hidden + hidden + channels`` parameters. ``ValueError`` at construction if
    ``channels`` or ``reduction`` is not a positive int or if ``hidden`` would be 0.

    ``forward(x)``: ``x`` of shape (N, C, H, W), any float dtype, on the block's device and dtype;
    ``N`` may be 0. The squeeze is the **mean** over H and W (global average pooling); the gate
    is a **sigmoid** per (sample, channel), each in (0, 1), broadcast over H and W. Returns a tensor
    of the shape, dtype and device of ``x``; ``x`` is not modified; gradients reach ``x`` and every
    parameter. The same in train and eval mode (there is no BN).

    Canonical code: ``torchvision.ops.SqueezeExcitation(input_channels, squeeze_channels)`` is this
    block (``avgpool``, ``fc1``, ``ReLU``, ``fc2``, sigmoid; the same ``state_dict`` keys) with
    ``squeeze_channels = channels // reduction`` passed in, but it checks no arguments (the
    contract tests). timm's ``SEModule`` rounds the hidden width with ``make_divisible`` (to a
    multiple of 8); here it is ``channels // reduction``, as the parameter-count test pins.
    """

    def __init__(self, channels: int, reduction: int = 16):
        raise NotImplementedError("SEBlock")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("SEBlock.forward")


class SKBlock(nn.Module):
    """Selective Kernel convolution: branches of different kernel sizes, mixed by a softmax over the branches.

    ``SKBlock(channels, kernels=(3, 5), reduction=16, min_dim=32)``, with ``M = len(kernels)``
    branches and ``d = max(channels // reduction, min_dim)``. Submodules:

    - ``branches``: ``nn.ModuleList`` of ``M`` ``nn.Sequential(conv, bn, relu)``, one per kernel size
      ``k``: ``nn.Conv2d(channels, channels, k, padding=k // 2, bias=False)``,
      ``nn.BatchNorm2d(channels)`` (default eps and momentum) and ``nn.ReLU()``. (The paper uses a
      dilated 3x3 conv instead of a 5x5 and grouped convs; here each branch is a plain k x k conv.)
    - ``fc = nn.Conv2d(channels, d, 1)`` (with bias), followed by a ReLU in ``forward``. (The paper
      has a BN there too; we leave it out so that a batch of one works in training.)
    - ``fcs``: ``nn.ModuleList`` of ``M`` ``nn.Conv2d(d, channels, 1)`` (with bias), one per branch.

    So the ``state_dict`` keys are ``branches.{i}.0.weight``, ``branches.{i}.1.{weight, bias,
    running_mean, running_var, num_batches_tracked}``, ``fc.weight``, ``fc.bias``,
    ``fcs.{i}.weight``, ``fcs.{i}.bias`` for ``i`` in ``range(M)``. ``ValueError`` at construction if
    ``kernels`` is empty or holds a kernel size that is not a positive odd int, or if ``channels``,
    ``reduction`` or ``min_dim`` is not a positive int.

    ``forward(x)``, ``x`` of shape (N, C, H, W) on the block's device and dtype:

    1. split: ``U_i = branches[i](x)``, each (N, C, H, W);
    2. fuse: ``s`` = the mean over H and W of ``U_1 + ... + U_M``, shape (N, C, 1, 1);
       ``z = relu(fc(s))``, shape (N, d, 1, 1);
    3. select: ``a = softmax([fcs[0](z), ..., fcs[M - 1](z)])`` **across the M branches**, separately
       for every sample and channel, so ``a[n, :, c]`` sums to 1;
       the output is ``a_1 * U_1 + ... + a_M * U_M``, of the shape, dtype and device of ``x``.

    After every forward the block keeps the weights it used in ``self.attention``: a detached
    tensor of shape (N, M, C) (None before the first forward; not part of the ``state_dict``).
    Train and eval mode are those of the BNs: batch statistics (and running-statistics updates) in
    training, running statistics in eval. ``x`` is not modified; gradients reach ``x`` and every
    parameter.

    Canonical code: timm's ``SelectiveKernel`` computes the same selection with another layout (one
    ``SelectiveKernelAttn``: ``fc_reduce`` without bias, a BN and ReLU, then one ``fc_select`` conv
    producing ``M * C`` logits viewed as (N, M, C, 1, 1), softmax over dim 1; dilated 3x3 branches);
    the widely copied ``SKConv`` of the SKNet PyTorch ports uses ``nn.Linear`` layers ``fc`` and
    ``fcs`` and grouped convs. The layout above is pinned by name and shape: an answer in either
    layout does not load the tests' weights.
    """

    def __init__(self, channels: int, kernels: Sequence[int] = (3, 5), reduction: int = 16, min_dim: int = 32):
        raise NotImplementedError("SKBlock")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("SKBlock.forward")
