"""Fuse a convolution and the batch norm after it · 卷积与 BN 融合 (merge BN)

At inference a BatchNorm2d after a Conv2d is an affine map per output channel, so it can be folded
into the convolution's weights and bias: one layer instead of two, the same numbers out.

Run the tests: pytest katas/torch/fuse_conv_bn
"""

from torch import nn

__all__ = ["fuse_conv_bn"]


def fuse_conv_bn(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> nn.Conv2d:
    """One ``nn.Conv2d`` computing what ``bn(conv(x))`` computes with ``bn`` in eval mode.

    Args:
        conv: any ``nn.Conv2d``: with or without bias, any ``stride``, ``padding``,
            ``dilation``, ``groups`` and ``padding_mode``.
        bn: a ``nn.BatchNorm2d`` over ``conv.out_channels`` channels, with running statistics
            (``track_running_stats=True``); ``affine`` may be False (then scale 1, shift 0). Eval
            mode means its running mean and variance are used, even if ``bn`` is in training mode.

    Returns:
        A **new** ``nn.Conv2d`` with a bias, the same hyper-parameters as ``conv``, on the same
        device and with the same dtype. With ``s = gamma / sqrt(running_var + eps)`` per output
        channel: ``weight = conv.weight * s`` and ``bias = (conv.bias - running_mean) * s + beta``
        (``conv.bias`` taken as 0 when absent).

    Rules:
        - ``conv`` and ``bn`` are not modified: not their parameters, buffers or train/eval mode;
          the result shares no storage with them.
        - ``bn`` without running statistics raises ``ValueError``.
    """
    raise NotImplementedError("fuse_conv_bn")
