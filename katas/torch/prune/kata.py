"""Magnitude pruning masks: global unstructured and L1 channel pruning · 剪枝: 全局幅值剪枝与 L1 通道剪枝的 mask

Pruning zeroes the weights that matter least. Unstructured pruning ranks single weights by
magnitude, best done globally across layers so that each layer loses what it can spare; structured
pruning removes whole output channels, ranked by their L1 norm, so the layer really gets smaller.
Both come down to a mask of ones and zeros: compute it without touching the weights.

Run the tests: pytest katas/torch/prune
"""

import torch

__all__ = ["global_magnitude_masks", "l1_channel_mask"]


def global_magnitude_masks(weights: list[torch.Tensor], amount: float | int) -> list[torch.Tensor]:
    """Masks that prune the smallest-magnitude weights of all tensors **together**.

    Args:
        weights: a list of floating tensors of any shapes (one per layer), on one device.
        amount: a float in ``[0, 1]``: prune ``k = round(amount * n)`` weights, ``n`` the total number
            of elements of all tensors, ``round`` being Python's (half to even: ``round(2.5) == 2``),
            as ``torch.nn.utils.prune`` does; or an int in ``[0, n]``: prune exactly that many.

    Returns:
        A list of masks, one per tensor, each with that tensor's shape, **dtype** and device, holding
        ``0.0`` for a pruned weight and ``1.0`` for a kept one (like the ``weight_mask`` buffer
        ``torch.nn.utils.prune`` registers). The ``k`` weights with the smallest ``|w|`` over all the
        tensors are pruned: a layer of small weights can lose most of them, another none.

    Rules:
        - **Ties**: among equal magnitudes, the weight that comes first in the concatenation of the
          flattened tensors (earlier tensor first, then row-major order) is pruned first.
        - The weights are not modified (no zeroing in place).
        - ``ValueError`` if a float ``amount`` is outside ``[0, 1]`` or an int one is negative or
          larger than ``n``.

    Canonical code: ``torch.nn.utils.prune.global_unstructured(params, pruning_method=
    prune.L1Unstructured, amount=amount)`` computes the same masks on the modules' parameters
    (the tests compare with it), but breaks ties in ``torch.topk``'s unspecified order
    (``test_ties_prune_the_lower_index_first``) and re-parametrises the modules it prunes.
    """
    raise NotImplementedError("global_magnitude_masks")


def l1_channel_mask(weight: torch.Tensor, amount: float | int, dim: int = 0) -> torch.Tensor:
    """Mask that prunes whole channels of ``weight`` with the smallest L1 norm.

    Args:
        weight: floating tensor, e.g. a conv weight ``(C_out, C_in, kh, kw)`` or a linear weight.
        amount: float in ``[0, 1]`` (``k = round(amount * C)`` channels, Python's round) or an int in
            ``[0, C]``, where ``C = weight.shape[dim]``.
        dim: the axis whose slices are the channels; 0 (output channels) by default, negative allowed.

    Returns:
        A mask of ``weight``'s shape, dtype and device: slice ``c`` along ``dim`` is all ``0.0`` when
        channel ``c`` is pruned and all ``1.0`` otherwise. The ``k`` channels with the smallest L1
        norm (sum of ``|w|`` over every axis but ``dim``) are pruned.

    Rules:
        - **Ties**: among equal norms, the lower channel index is pruned first.
        - ``weight`` is not modified. ``ValueError`` for an ``amount`` out of range, as above.

    Canonical code: ``torch.nn.utils.prune.ln_structured(module, "weight", amount, n=1, dim=dim)``
    gives the same mask (the tests compare with it), ties in ``topk``'s order. Li et al.,
    "Pruning Filters for Efficient ConvNets" (2017), rank filters the same way.
    """
    raise NotImplementedError("l1_channel_mask")
