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
        - Either module may be in training mode: the fusion is done all the same, as in eval mode.
        - ``bn`` without running statistics raises ``ValueError``.
        - The fused conv agrees with ``bn(conv(x))`` to rounding: the tests compare at rtol 1e-6 for
          float64 modules and 1e-4 for float32.

    Canonical code: ``torch.nn.utils.fusion.fuse_conv_bn_eval`` (a deep copy of ``conv`` whose
    weight and bias are replaced by ``fuse_conv_bn_weights``) computes the same layer, but raises
    ``AssertionError`` when either module is in training mode
    (``test_modules_in_training_mode_are_fused_as_in_eval``) and ``AssertionError``, not
    ``ValueError``, when ``bn`` has no running statistics (the contract test). mmcv's
    ``_fuse_conv_bn`` overwrites ``conv.weight`` and ``conv.bias`` in place and reads
    ``bn.weight`` unguarded: here ``conv`` must stay as it was and ``affine=False`` must work.
    """
    raise NotImplementedError("fuse_conv_bn")
