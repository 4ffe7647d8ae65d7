"""Gradient clipping by global norm and by value, in place, like torch.nn.utils."""

from collections.abc import Iterable

import torch


@torch.no_grad()
def clip_grad_norm_(parameters: Iterable[torch.Tensor], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> torch.Tensor:
    """Scale all ``.grad`` in place by ``min(max_norm / (total + 1e-6), 1)``, where ``total`` is the
    ``norm_type``-norm of all gradients as one vector; returns ``total`` (before clipping)."""
    grads = [p.grad for p in parameters if p.grad is not None]  # a generator is read once
    if not grads:
        return torch.tensor(0.0)
    # the norm of the per-tensor norms is the norm of the concatenation, for every p (inf included)
    total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g, norm_type) for g in grads]),
                                     norm_type)
    if error_if_nonfinite and not torch.isfinite(total):
        raise RuntimeError(f"the total gradient norm is {total.item()}: cannot clip a non-finite norm")
    coef = (max_norm / (total + 1e-6)).clamp(max=1.0)  # a tensor: no device sync for `if total > max`
    for g in grads:
        g.mul_(coef)
    return total


@torch.no_grad()
def clip_grad_value_(parameters: Iterable[torch.Tensor], clip_value: float) -> None:
    """Clamp every ``.grad`` element to ``[-clip_value, clip_value]`` in place."""
    for p in parameters:
        if p.grad is not None:
            p.grad.clamp_(min=-clip_value, max=clip_value)
