"""Gradient checkpointing of every block of a chain, as a custom autograd.Function.

torch.utils.checkpoint.checkpoint(block, x, use_reentrant=False) per block is the one-line answer;
this spells out what it does (and avoids its first-call import of torch._dynamo)."""

from collections.abc import Sequence

import torch
from torch import nn


class _Checkpoint(torch.autograd.Function):
    @staticmethod
    def forward(ctx, block, x, *params):
        # params are inputs only so that the output requires grad even when x does not
        ctx.block = block
        ctx.cuda = x.device.type == "cuda"
        ctx.rng = (torch.get_rng_state(), torch.cuda.get_rng_state(x.device) if ctx.cuda else None)
        ctx.save_for_backward(x)  # the only tensor kept: everything inside is recomputed
        with torch.no_grad():
            return block(x)

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        params = [p for p in ctx.block.parameters() if p.requires_grad]
        with torch.random.fork_rng(devices=[x.device] if ctx.cuda else []):
            torch.set_rng_state(ctx.rng[0])  # the same dropout masks as in the forward
            if ctx.cuda:
                torch.cuda.set_rng_state(ctx.rng[1], x.device)
            with torch.enable_grad():
                x_ = x.detach().requires_grad_(x.requires_grad)
                out = ctx.block(x_)
                leaves = ([x_] if x.requires_grad else []) + params
                # (out * grad_out).sum(): the same gradients as grad_outputs=grad_out
                grads = list(torch.autograd.grad((out * grad_out).sum(), leaves, allow_unused=True))
        gx = grads.pop(0) if x.requires_grad else None
        return (None, gx, *grads)


def checkpointed_forward(blocks: Sequence[nn.Module], x: torch.Tensor) -> torch.Tensor:
    for block in blocks:
        x = _Checkpoint.apply(block, x, *[p for p in block.parameters() if p.requires_grad])
    return x
