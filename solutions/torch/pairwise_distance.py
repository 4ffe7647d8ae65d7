"""Pairwise Euclidean distances through one matrix product, safe at zero distance."""

import torch


def pairwise_distance(x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
    same = y is None
    y = x if same else y
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must be (n, d) and (m, d), got {tuple(x.shape)} and {tuple(y.shape)}")
    if x.dtype != y.dtype or x.device != y.device:
        raise ValueError(f"x and y must share dtype and device, got {x.dtype}/{x.device} and {y.dtype}/{y.device}")

    sq = (x * x).sum(1)[:, None] + (y * y).sum(1)[None, :] - 2 * x @ y.T
    if same:  # a point is at distance exactly 0 from itself; the expansion leaves rounding noise
        sq = sq.masked_fill(torch.eye(len(x), dtype=torch.bool, device=x.device), 0)
    # Rounding can leave tiny negatives, and sqrt has an infinite slope at 0: take the root only
    # where sq > 0 (this is the clamp at 0), so a zero distance gets the value 0 and gradient 0.
    # The inner where keeps sqrt's backward away from 0 and from negatives too.
    pos = sq > 0
    return torch.where(pos, torch.where(pos, sq, 1).sqrt(), 0)
