"""Re-parameterise a RepVGG block into one 3x3 conv · RepVGG 结构重参数化 (多分支合并为单个 3x3 卷积)

A RepVGG block trains with three parallel branches, 3x3 conv + BN, 1x1 conv + BN and (when shapes
allow) a bare BN on the identity, and adds them. At inference every branch is linear, so the three
collapse into a single 3x3 convolution with a bias: a plain VGG-style layer, the same numbers out.

Run the tests: pytest katas/torch/repvgg_merge
"""

from torch import nn

__all__ = ["repvgg_merge"]


def repvgg_merge(conv3x3: nn.Conv2d, bn3x3: nn.BatchNorm2d, conv1x1: nn.Conv2d, bn1x1: nn.BatchNorm2d,
                 bn_identity: nn.BatchNorm2d | None = None) -> nn.Conv2d:
    """One 3x3 ``nn.Conv2d`` computing the sum of a RepVGG block's branches (before its final ReLU)::

        y = bn3x3(conv3x3(x)) + bn1x1(conv1x1(x)) + bn_identity(x)

    with every BN in eval semantics, and the last term left out when ``bn_identity`` is None.

    Args:
        conv3x3: ``nn.Conv2d`` with ``kernel_size`` (3, 3), ``padding`` (1, 1) and ``dilation`` 1;
            any ``stride``, ``groups`` and ``padding_mode``; with or without a bias.
        bn3x3: ``nn.BatchNorm2d`` over ``conv3x3.out_channels`` channels.
        conv1x1: ``nn.Conv2d`` with ``kernel_size`` (1, 1), ``padding`` (0, 0) and ``dilation`` 1,
            and the same ``in_channels``, ``out_channels``, ``stride`` and ``groups`` as ``conv3x3``;
            with or without a bias.
        bn1x1: ``nn.BatchNorm2d`` over ``conv1x1.out_channels`` channels.
        bn_identity: None, or the identity branch's ``nn.BatchNorm2d``, applied to ``x`` itself. It
            exists only when ``in_channels == out_channels`` and the stride is 1.

        Every BN must have running statistics (``track_running_stats=True``); ``affine`` may be
        False (scale 1, shift 0); each BN uses its own ``eps``. All modules share one device and dtype.

    Returns:
        A **new** ``nn.Conv2d(in_channels, out_channels, 3, stride=conv3x3.stride, padding=1,
        groups=conv3x3.groups, padding_mode=conv3x3.padding_mode, bias=True)`` on the device and
        with the dtype of ``conv3x3.weight``, such that ``merged(x)`` equals ``y`` above.

    How the branches fold (eval-mode BN is ``s * (v - running_mean) + beta`` per channel, with
    ``s = gamma / sqrt(running_var + eps)``):
        - each conv branch: kernel ``* s`` per output channel, bias ``(conv bias or 0 -
          running_mean) * s + beta``; the merged bias is the sum of all the branches' biases;
        - the 1x1 kernel becomes a 3x3 kernel that is zero except at the **centre** ``[1, 1]``;
        - the identity branch is a 3x3 kernel with a 1 at the centre joining output channel ``o``
          to input channel ``o``. With groups the weight has shape ``(out, in // groups, 3, 3)``:
          channel ``o`` sits at index ``o % (in // groups)`` inside its own group.

    Rules:
        - Eval semantics always: the running statistics are used even if a BN is in training mode.
        - Nothing passed in is modified (parameters, buffers, train/eval mode). The result shares no
          storage with the inputs and is not connected to their autograd graph: its weight and bias
          are fresh leaf parameters (``requires_grad=True``).
        - ``ValueError`` when the shapes do not fit: a kernel size, padding or dilation other than
          the above; strides, groups or channel counts that differ between the branches; a BN with
          the wrong number of channels or without running statistics; an identity branch with
          ``in_channels != out_channels`` or a stride other than 1.

    Canonical code: ``RepVGGBlock.get_equivalent_kernel_bias`` in DingXiaoH/RepVGG (``repvgg.py``):
    ``_fuse_bn_tensor`` folds each branch (``kernel * gamma / std``, ``beta - running_mean * gamma /
    std``), ``_pad_1x1_to_3x3_tensor`` pads the 1x1 kernel by 1 on every side, and the identity
    kernel has a 1 at ``[i, i % (in // groups), 1, 1]``; ``switch_to_deploy`` copies the sums into a
    new ``nn.Conv2d(..., bias=True)``. This kata follows it, and is more general in three places,
    each a test of its own: conv biases are folded too (RepVGG's convs have none:
    ``test_conv_biases_are_folded``), a BN with ``affine=False`` has scale 1 and shift 0 (RepVGG
    reads ``bn.weight``: ``test_bns_without_affine``), and bad shapes raise ``ValueError`` (RepVGG
    only asserts in its constructor: the three ``ValueError`` tests).
    """
    raise NotImplementedError("repvgg_merge")
