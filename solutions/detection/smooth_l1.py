"""Smooth L1 and Huber loss in torch, and the smooth L1 gradient by hand."""

import torch


def _diff(input, target, beta):
    if beta < 0:
        raise ValueError(f"beta must be >= 0, got {beta}")
    if target.shape != input.shape:
        raise ValueError(f"target {tuple(target.shape)} must have the shape of input {tuple(input.shape)}")
    return input - target


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}")


def smooth_l1_loss(input: torch.Tensor, target: torch.Tensor, beta: float = 1.0,
                   reduction: str = "mean") -> torch.Tensor:
    d = _diff(input, target, beta).abs()
    if beta == 0:  # plain L1; 0.5 * d**2 / 0 in the unused branch would give NaN gradients
        return _reduce(d, reduction)
    return _reduce(torch.where(d < beta, 0.5 * d**2 / beta, d - 0.5 * beta), reduction)


def huber_loss(input: torch.Tensor, target: torch.Tensor, delta: float = 1.0,
               reduction: str = "mean") -> torch.Tensor:
    if delta <= 0:
        raise ValueError(f"delta must be > 0, got {delta}")
    return delta * smooth_l1_loss(input, target, beta=delta, reduction=reduction)


def smooth_l1_grad(input: torch.Tensor, target: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    d = _diff(input, target, beta)
    if beta == 0:
        return torch.sign(d)
    return torch.where(d.abs() < beta, d / beta, torch.sign(d))
