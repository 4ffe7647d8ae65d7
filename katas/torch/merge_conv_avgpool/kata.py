"""Fold an average pool into the conv before it · 卷积与 AvgPool 合并为一个卷积

Average pooling is a fixed linear filter, and a convolution followed by another linear filter is
again a convolution: a larger kernel with a larger stride. Merge ``pool(conv(x))`` into one conv.

Run the tests: pytest katas/torch/merge_conv_avgpool
"""

from torch import nn

__all__ = ["merge_conv_avgpool"]


def merge_conv_avgpool(conv: nn.Conv2d, pool: nn.AvgPool2d) -> nn.Conv2d:
    """One ``nn.Conv2d`` computing what ``pool(conv(x))`` computes.

    Notation, per spatial axis (height and width are independent and may differ): the conv has
    kernel ``k1``, stride ``s1`` and padding ``p1``; the pool has kernel ``k2`` and stride ``s2``.

    Args:
        conv: an ``nn.Conv2d`` with ``dilation`` 1 and numeric padding; any ``kernel_size``,
            ``stride``, ``padding``, ``groups`` and ``padding_mode``; with or without a bias.
        pool: an ``nn.AvgPool2d`` with ``padding`` 0 and ``ceil_mode=False``; any ``kernel_size``
            and ``stride`` (its stride defaults to its kernel size in torch); ``divisor_override``
            may be set (then every window sum is divided by it instead of by ``k2h * k2w``).

    Returns:
        A **new** ``nn.Conv2d`` with the conv's ``in_channels``, ``out_channels``, ``groups``,
        ``padding``, ``padding_mode`` and dilation 1; ``kernel_size = k1 + (k2 - 1) * s1`` and
        ``stride = s1 * s2`` per axis; a bias exactly when ``conv`` has one; on the device and with the
        dtype of ``conv.weight``. ``merged(x)`` equals ``pool(conv(x))`` for every input large
        enough for ``pool(conv(x))`` to exist.

    The merged kernel: an output of the pool averages ``k2h * k2w`` conv outputs that are ``s1``
    input pixels apart, so it is the sum of ``k2h * k2w`` copies of the conv kernel, shifted by
    ``(a * s1h, b * s1w)`` for ``0 <= a < k2h``, ``0 <= b < k2w``, divided by the pool's divisor. The
    bias is multiplied by ``k2h * k2w / divisor``: unchanged for an ordinary average.

    Rules:
        - ``conv`` and ``pool`` are not modified; the result shares no storage with ``conv`` and is
          not connected to its autograd graph (fresh leaf parameters, ``requires_grad=True``).
        - ``ValueError`` for what this merge does not cover: conv dilation other than 1, a string
          conv padding (``"same"``, ``"valid"``), pool padding other than 0, ``ceil_mode=True``.

    Canonical code: no library ships this exact merge. The Diverse Branch Block repository
    (DingXiaoH/DiverseBranchBlock, ``dbb_transforms.py``) has the two pieces: ``transV_avg`` writes an
    average pool as a conv kernel of ``1 / k**2`` per channel, and ``transIII_1x1_kxk`` composes two
    convs into one kernel with ``F.conv2d``. Here the pool comes after a strided ``k1 x k1`` conv, so
    the composed kernel is the conv kernel transposed-convolved with the pool's uniform kernel
    dilated by ``s1`` (``F.conv_transpose2d(w, ones(k2) / divisor, dilation=s1)``). ``transV_avg``
    knows no ``divisor_override``; this kata does (a correctness test).
    """
    raise NotImplementedError("merge_conv_avgpool")
