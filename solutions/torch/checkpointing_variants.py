"""Known-wrong and canonical-style answers to torch/checkpointing; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import torch
from torch import nn
from torch.utils.checkpoint import checkpoint, checkpoint_sequential


def _mutant(*, no_grad=False, reentrant=False, rng=True, ckpt=True, detach=False, last_plain=False):
    def checkpointed_forward(blocks, x):
        blocks = list(blocks)
        for i, block in enumerate(blocks):
            if no_grad:
                with torch.no_grad():
                    x = block(x)
            elif not ckpt or (last_plain and i == len(blocks) - 1):
                x = block(x)
            else:
                x = checkpoint(block, x, use_reentrant=reentrant, preserve_rng_state=rng)
            if detach and i < len(blocks) - 1:
                x = x.detach()
        return x

    return {"checkpointed_forward": checkpointed_forward}


def _sequential(blocks, x):
    blocks = list(blocks)
    if not blocks:
        return x
    return checkpoint_sequential(nn.Sequential(*blocks), len(blocks), x, use_reentrant=False)


def _each(blocks, x):
    out = x
    for module in blocks:
        out = torch.utils.checkpoint.checkpoint(module, out, use_reentrant=False)
    return out


WRONG = {
    "no_grad_forward": _mutant(no_grad=True),
    "reentrant": _mutant(reentrant=True),
    "no_rng_state": _mutant(rng=False),
    "no_checkpoint": _mutant(ckpt=False),
    "detaches_between_blocks": _mutant(detach=True),
    "last_block_plain": _mutant(last_plain=True),
}
CANONICAL = {"checkpoint_sequential": {"checkpointed_forward": _sequential},
             "checkpoint_each": {"checkpointed_forward": _each}}
SLOW = {}
