"""Channel shuffle (ShuffleNet) · 通道洗牌 (ShuffleNet 的 channel shuffle)

A group convolution only mixes channels inside each group; stacked group convs would never let the
groups talk to each other. ShuffleNet fixes that for free by interleaving the channels of the groups
between two group convs: reshape, transpose, flatten.

Run the tests: pytest katas/torch/channel_shuffle
"""

import torch
from torch import nn

__all__ = ["channel_shuffle", "ChannelShuffle"]


def channel_shuffle(x: torch.Tensor, groups: int) -> torch.Tensor:
    """Interleave the channels of ``groups`` equal groups.

    Split the ``C`` channels into ``groups`` consecutive groups of ``C // groups`` channels, view them
    as a ``(groups, C // groups)`` grid, transpose it to ``(C // groups, groups)`` and read it back row
    by row. Output channel ``j`` is input channel ``(j % groups) * (C // groups) + j // groups``:
    for ``C = 6, groups = 2`` the channels ``[0 1 2 | 3 4 5]`` come out as ``[0 3 1 4 2 5]``.

    Args:
        x: tensor of shape ``(N, C, H, W)``, any dtype (float, integer, bool), any device, any strides
            (contiguous, channels_last, a slice or a transposed view). ``N``, ``H`` or ``W`` may be 0.
        groups: a positive int dividing ``C``.

    Returns:
        A tensor of the same shape, dtype and device as ``x`` holding the shuffled channels. It is
        differentiable: gradients flow back to ``x`` (the backward pass is the inverse shuffle, which
        is ``channel_shuffle`` with ``C // groups`` groups). Its memory layout is not prescribed, and
        when the shuffle is the identity (``groups`` 1 or ``C``) it may be a view of ``x``.

    Rules:
        - ``x`` is not modified.
        - ``ValueError`` if ``x`` is not 4-D (a 3-D or 5-D tensor is refused even when its dim 1
          splits evenly), if ``groups`` is not a positive int (0, -2, 2.0), or if ``C`` is not
          divisible by ``groups``.
        - A zero-size ``N``, ``H`` or ``W`` gives an empty result of the same shape (write the sizes
          out: a ``-1`` in a reshape cannot be inferred from 0 elements).

    Canonical code: ``torchvision.models.shufflenetv2.channel_shuffle`` (view to
    ``(N, g, C // g, H, W)``, transpose 1 and 2, ``contiguous``, view back) gives the same
    permutation, but checks nothing: its ``view(batchsize, -1, height, width)`` raises on a zero-size
    input (test ``test_zero_size_input_gives_empty_result``), and groups 0 or a ``C`` that ``groups``
    does not divide raise ``ZeroDivisionError`` / ``RuntimeError`` instead of ``ValueError`` (the
    contract tests). ``torch.nn.functional.channel_shuffle`` / ``torch.nn.ChannelShuffle`` give the
    same permutation (a test compares with them), raise ``RuntimeError`` for bad groups, accept any
    input with more than 2 dims, and ``nn.ChannelShuffle(0)`` only fails at its first call.
    """
    raise NotImplementedError("channel_shuffle")


class ChannelShuffle(nn.Module):
    """``nn.Module`` form of ``channel_shuffle``, to put between layers of a network.

    ``ChannelShuffle(groups)`` keeps ``groups`` in the attribute ``self.groups``, has no parameters
    and no buffers (an empty ``state_dict``), and raises ``ValueError`` at construction if ``groups``
    is not a positive int. ``forward(x)`` returns ``channel_shuffle(x, self.groups)``, in train and
    in eval mode alike.
    """

    def __init__(self, groups: int):
        raise NotImplementedError("ChannelShuffle")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("ChannelShuffle.forward")
