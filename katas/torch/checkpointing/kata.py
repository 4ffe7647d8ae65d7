"""Gradient checkpointing: recompute activations in the backward pass · 梯度检查点: 反向时重算激活以省显存

Training memory is dominated by the activations autograd saves for the backward pass. Gradient
checkpointing keeps only each block's input and runs the block's forward a second time during the
backward pass: about one extra forward of compute for a large saving of memory, and exactly the same
gradients as the plain model.

Run the tests: pytest katas/torch/checkpointing
"""

from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["checkpointed_forward"]


def checkpointed_forward(blocks: Sequence[nn.Module], x: torch.Tensor) -> torch.Tensor:
    """Run ``x`` through ``blocks`` in order, checkpointing **every** block, the last one included.

    Args:
        blocks: a sequence of modules (``nn.Sequential``, ``nn.ModuleList`` or a list), each taking
            and returning one tensor; they may hold dropout (the recomputation must draw the same
            mask) and may be in training mode.
        x: the input of the first block, any float dtype and device the blocks accept. It may or
            may not require grad: the parameters get their gradients either way.

    Returns:
        ``blocks[-1](...blocks[0](x))``, equal to the plain forward (same values, device and dtype)
        and connected to the autograd graph: ``backward()`` on anything computed from it gives every
        parameter (and ``x``, if it requires grad) the gradient the plain forward would give, to
        rounding. An empty ``blocks`` returns ``x`` itself.

    Memory: during this call autograd saves **at most one tensor per block** (counted with
    ``torch.autograd.graph.saved_tensors_hooks`` around the call: each checkpoint keeps its block's
    input; everything inside the block is recomputed in the backward pass). The plain forward of a
    ``Linear, Tanh, Linear, Tanh`` block saves 6.

    Rules: grad mode is left as the caller set it (do not wrap the forward in ``torch.no_grad()``:
    the output then has no graph and the parameters get no gradient). The blocks and ``x`` are not
    modified. With ``use_reentrant=True`` and an ``x`` that does not require grad, the parameters
    would get no gradient: use the non-reentrant checkpoint.

    Canonical code: ``torch.utils.checkpoint.checkpoint(block, x, use_reentrant=False)`` around each
    block (RNG state preserved by default) is the answer; a custom ``torch.autograd.Function`` that
    saves the input, runs the block under ``no_grad`` and reruns it in ``backward`` is accepted too
    (its first call skips the ~1 s import of ``torch._dynamo`` that ``checkpoint`` makes).
    ``torch.utils.checkpoint.checkpoint_sequential`` runs its last segment without a checkpoint, so
    it saves more than one tensor per block (``test_every_block_is_checkpointed``).
    """
    raise NotImplementedError("checkpointed_forward")
