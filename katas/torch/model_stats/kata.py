"""Model statistics: parameters, MACs, output sizes, receptive field · 模型参数量、计算量 (MACs)、输出尺寸与感受野

The questions an interviewer asks about any CNN before anything else: how many parameters, how
much compute, what feature-map size comes out of each layer, and how much of the input one output
pixel sees. Each has a short formula, and each formula has a classic slip: FLOPs reported as MACs,
the groups of a depthwise conv forgotten, the receptive field summed instead of compounded by the
strides, BatchNorm statistics counted as parameters.

Run the tests: pytest katas/torch/model_stats
"""

from collections.abc import Sequence

from torch import nn

__all__ = ["count_parameters", "conv_output_size", "receptive_field", "count_macs"]


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """The number of scalar parameters of ``model``, as a Python ``int``.

    Every ``nn.Parameter`` reachable from ``model`` counts with its ``numel()``; a parameter shared
    by several modules (tied weights) counts **once**. Buffers (BatchNorm's ``running_mean``,
    ``running_var``, ``num_batches_tracked``) are not parameters and do not count.
    ``trainable_only=True`` counts only the parameters with ``requires_grad``; the default counts all.

    Example: ``Conv2d(3, 8, 3)`` has ``8 * 3 * 3 * 3 + 8 = 224`` (``(K * K * Cin + 1) * Cout``);
    ``BatchNorm2d(8)`` has 16 (weight and bias; its running statistics are buffers).

    Canonical code: ``sum(p.numel() for p in model.parameters())`` (``parameters()`` already
    skips duplicates); ``torchinfo.summary``'s "Total params" agrees.
    """
    raise NotImplementedError("count_parameters")


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1,
                     ceil_mode: bool = False) -> int:
    """The length of one spatial axis after a conv or pooling layer, as torch computes it.

    ``out = floor((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1``; with
    ``ceil_mode=True`` (pooling layers) the division rounds up instead, **except** that a last
    window which would start in the right padding (``(out - 1) * stride >= size + padding``) is
    dropped, as ``nn.MaxPool2d(ceil_mode=True)`` does. All arguments are ints, ``size >= 0``,
    ``kernel_size``, ``stride``, ``dilation >= 1``, ``padding >= 0``.

    Raises ``ValueError`` if the output would be smaller than 1 (the dilated kernel is larger than
    the padded input): torch refuses such a layer too.

    Example: 224 with kernel 7, stride 2, padding 3 gives 112; 112 with a 3x3 stride-2 max pool,
    padding 1 gives 56 (ResNet's stem).

    Canonical code: the shape formulas of ``nn.Conv2d`` and ``nn.MaxPool2d`` in the torch docs
    (``pooling_output_shape`` in ATen); the kata follows them exactly.
    """
    raise NotImplementedError("conv_output_size")


def receptive_field(layers: Sequence[tuple[int, ...]]) -> int:
    """The receptive field, along one axis, of one output pixel of a stack of conv / pool layers.

    Args:
        layers: the stack from the input side to the output side, each ``(kernel, stride)`` or
            ``(kernel, stride, dilation)`` (dilation 1 when left out). Padding does not change the
            receptive field. An empty stack gives 1.

    Returns:
        An ``int``: the number of input pixels along the axis that one output pixel depends on.
        With the jump ``j_i`` = the product of the strides of the layers before layer ``i`` (1 for
        the first), ``RF = 1 + sum_i (kernel_i - 1) * dilation_i * j_i``; equivalently, from the
        output down, ``RF = (RF - 1) * stride + dilation * (kernel - 1) + 1`` starting from 1.
        Strides compound: the same kernel sees more of the input the deeper it sits.

    Example: conv 3/1, pool 3/2, conv 3/1, pool 2/2, conv 3/1, conv 3/1, pool 2/2 (the seeds'
    table): the jumps are 1, 1, 2, 2, 4, 4, 4, so ``RF = 1 + 2 + 2 + 4 + 2 + 8 + 8 + 4 = 31``.

    Canonical code: the recurrence of Araujo et al., "Computing Receptive Fields of Convolutional
    Neural Networks" (Distill, 2019), as in their ``receptive_field`` library; the kata follows it.
    """
    raise NotImplementedError("receptive_field")


def count_macs(model: nn.Module, input_shape: tuple[int, ...]) -> int:
    """Multiply-accumulate operations of one forward pass of ``model`` on a batch of ``input_shape``.

    Run the model once on ``torch.zeros(input_shape)`` (with the dtype and on the device of its
    first parameter, else its first buffer; float32 on the CPU if it has neither) and add up, for every call of a leaf
    module (a module used twice counts twice), **one MAC per multiply-add**, for the whole batch:

    - ``nn.Conv2d``: ``output.numel() * (in_channels // groups) * kh * kw``. The **groups**
      divide the input channels each output sees (depthwise: ``kh * kw`` per output).
    - ``nn.Linear``: ``output.numel() * in_features`` (any leading dims).
    - Bias: **no MACs** (an add without a multiply), for Conv2d and Linear alike.
    - ``nn.BatchNorm1d`` / ``nn.BatchNorm2d``: **one MAC per output element** (in eval mode it is
      ``x * scale + shift``), with or without ``affine``.
    - Pooling (``MaxPool2d``, ``AvgPool2d``, ``AdaptiveAvgPool2d``): **0** (comparisons and adds,
      no multiply-adds), but they change the size seen by the layers after them.
    - Any other leaf module without parameters (``ReLU``, ``Flatten``, ``Dropout``, ``Identity``...):
      0. A leaf module with parameters of any other type (``Conv1d``, ``LayerNorm``...):
      ``ValueError`` naming it, rather than a silent 0.

    Returns a Python ``int``. The model is **not modified**: run the forward in eval mode (a
    training-mode forward would update BatchNorm's running statistics) under ``torch.no_grad()``,
    restore every submodule's mode afterwards, and remove every hook you registered.

    MACs are not FLOPs: one MAC is a multiply and an add, usually reported as 2 FLOPs. The seeds'
    ``(K * K * Cin + 1) * Cout * H * W`` counts the bias as one more per output; this kata does
    not (``test_bias_adds_no_macs``).

    Canonical code: thop's ``profile`` (forward hooks on leaf modules) counts the same way for
    convolutions and linear layers but, depending on its version, adds one per output for a bias
    (``test_bias_adds_no_macs``), counts BatchNorm as 2 per element (``test_batchnorm_is_one_mac_per_element``)
    and average pooling as one op per window element (``test_pooling_adds_no_macs``). It counts
    layers it has no rule for as 0 (the contract test) and restores only the top-level module's mode. fvcore's
    ``FlopCountAnalysis`` also reports MACs for conv and linear, without bias, and 2 per element for
    an affine BatchNorm. ``torch.utils.flop_counter.FlopCounterMode`` reports FLOPs: twice the MACs
    of conv and linear layers, nothing for BatchNorm or pooling.
    """
    raise NotImplementedError("count_macs")
