"""Known-wrong and canonical-style answers to torch/prune; `nox -s verify` proves the tests catch
every one. Never shown to learners."""

import math

import torch
import torch.nn.utils.prune as torch_prune
from torch import nn


def _mutant(*, per_layer=False, signed=False, floor=False, invert=False, as_bool=False, in_place=False, l2=False,
            over_dim=False, ties="stable", check=True):
    def count(amount, n):
        if check and (isinstance(amount, float) and not 0 <= amount <= 1
                      or isinstance(amount, int) and not 0 <= amount <= n):
            raise ValueError("amount")
        if isinstance(amount, float):
            return math.floor(amount * n) if floor else round(amount * n)
        return amount

    def smallest(scores, k):
        keep = torch.ones_like(scores)
        if ties == "stable":
            idx = torch.sort(scores, stable=True).indices
        else:  # the last of equal scores first
            idx = scores.numel() - 1 - torch.sort(scores.flip(0), stable=True).indices
        keep[idx[:max(k, 0)]] = 0
        return 1 - keep if invert else keep

    def finish(m, w):
        return m.bool() if as_bool else m.to(w.dtype)

    def global_magnitude_masks(weights, amount):
        score = (lambda w: w.detach().flatten().double()) if signed else (lambda w: w.detach().abs().flatten().double())
        if per_layer:
            masks = [smallest(score(w), count(amount, w.numel())).reshape(w.shape) for w in weights]
        else:
            flat = torch.cat([score(w) for w in weights])
            keep = smallest(flat, count(amount, flat.numel()))
            masks = [m.reshape(w.shape) for m, w in zip(keep.split([w.numel() for w in weights]), weights)]
        out = [finish(m, w) for m, w in zip(masks, weights)]
        if in_place:
            with torch.no_grad():
                for w, m in zip(weights, out):
                    w.mul_(m.to(w.dtype))
        return out

    def l1_channel_mask(weight, amount, dim=0):
        dim = dim % weight.dim()
        axis = dim if over_dim and weight.dim() > 1 else None
        if axis is not None:  # the norm over the channels: one value per position of another axis
            other = (dim + 1) % weight.dim()
            norms = weight.detach().abs().sum(dim=[d for d in range(weight.dim()) if d != other])
            dim = other
        else:
            rest = [d for d in range(weight.dim()) if d != dim]
            norms = weight.detach().pow(2).sum(dim=rest).sqrt() if l2 else weight.detach().abs().sum(dim=rest)
        keep = smallest(norms, count(amount, weight.shape[dim]))
        shape = [1] * weight.dim()
        shape[dim] = -1
        return finish(keep.reshape(shape).expand_as(weight).clone(), weight)

    return {"global_magnitude_masks": global_magnitude_masks, "l1_channel_mask": l1_channel_mask}


class _Holder(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.weight = nn.Parameter(w.detach().clone())


def torch_global_masks(weights, amount):
    holders = [_Holder(w) for w in weights]
    torch_prune.global_unstructured([(h, "weight") for h in holders], pruning_method=torch_prune.L1Unstructured,
                                    amount=amount)
    return [h.weight_mask for h in holders]


def torch_channel_mask(weight, amount, dim=0):
    h = _Holder(weight)
    torch_prune.ln_structured(h, "weight", amount=amount, n=1, dim=dim % weight.dim())
    return h.weight_mask


WRONG = {
    "per_layer": _mutant(per_layer=True),
    "signed_values": _mutant(signed=True),
    "floor_count": _mutant(floor=True),
    "inverted_mask": _mutant(invert=True),
    "bool_masks": _mutant(as_bool=True),
    "zeroes_weights_in_place": _mutant(in_place=True),
    "channel_l2_norm": _mutant(l2=True),
    "channel_norm_over_dim": _mutant(over_dim=True),
    "unstable_ties": _mutant(ties="last"),
    "amount_unchecked": _mutant(check=False),
}
CANONICAL = {"torch_prune": {"global_magnitude_masks": torch_global_masks, "l1_channel_mask": torch_channel_mask}}
SLOW = {}
