"""Global magnitude pruning masks and L1-norm channel pruning masks."""

import torch


def _count(amount, n):
    """How many to prune, by torch.nn.utils.prune's rule: round(amount * n) for a float, amount for an int."""
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        raise ValueError(f"amount must be a float in [0, 1] or an int, not {amount!r}")
    if isinstance(amount, float):
        if not 0.0 <= amount <= 1.0:
            raise ValueError(f"amount={amount} must be in [0, 1]")
        return round(amount * n)
    if not 0 <= amount <= n:
        raise ValueError(f"amount={amount} must be between 0 and {n}")
    return amount


def _prune_smallest(scores: torch.Tensor, k: int) -> torch.Tensor:
    """1 where kept, 0 for the k smallest scores; ties: lower index first (stable sort)."""
    keep = torch.ones_like(scores)
    keep[torch.sort(scores, stable=True).indices[:k]] = 0
    return keep


def global_magnitude_masks(weights: list[torch.Tensor], amount: float | int) -> list[torch.Tensor]:
    flat = torch.cat([w.detach().abs().flatten().double() for w in weights]) if weights else torch.zeros(0)
    keep = _prune_smallest(flat, _count(amount, flat.numel()))
    sizes = [w.numel() for w in weights]
    return [m.reshape(w.shape).to(w.dtype) for m, w in zip(keep.split(sizes), weights)]


def l1_channel_mask(weight: torch.Tensor, amount: float | int, dim: int = 0) -> torch.Tensor:
    dim = dim % weight.dim()
    norms = weight.detach().abs().sum(dim=[d for d in range(weight.dim()) if d != dim])
    keep = _prune_smallest(norms, _count(amount, weight.shape[dim]))
    shape = [1] * weight.dim()
    shape[dim] = -1
    return keep.reshape(shape).to(weight.dtype).expand_as(weight).clone()
