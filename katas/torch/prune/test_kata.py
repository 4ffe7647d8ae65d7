"""Tests for torch/prune. Run: pytest katas/torch/prune

Oracles: torch.nn.utils.prune.global_unstructured with L1Unstructured and prune.ln_structured
(n=1), run on throwaway modules holding copies of the weights. Random weights are continuous, so no
two magnitudes or channel norms tie: tie order is a convention test of its own."""

import pytest
import torch
import torch.nn.utils.prune as torch_prune
from torch import nn

from cvkatas import Call, assert_array, assert_equal, assert_raises, fail


class Holder(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.weight = nn.Parameter(w.detach().clone())


def torch_global(weights, amount):
    holders = [Holder(w) for w in weights]
    torch_prune.global_unstructured([(h, "weight") for h in holders], pruning_method=torch_prune.L1Unstructured,
                                    amount=amount)
    return [h.weight_mask for h in holders]


def torch_channels(weight, amount, dim):
    h = Holder(weight)
    torch_prune.ln_structured(h, "weight", amount=amount, n=1, dim=dim)
    return h.weight_mask


def check_masks(call, weights, expected, why):
    __tracebackhide__ = True
    got = call.out
    if not isinstance(got, (list, tuple)) or len(got) != len(weights):
        fail(f"expected a list of {len(weights)} masks", call=call, got=repr(type(got)))
    for i, (m, w, e) in enumerate(zip(got, weights, expected)):
        assert_array(m, kind="tensor", dtype=w.dtype, shape=tuple(w.shape), device=w.device, call=call,
                     what=f"mask {i}")
        assert_equal(m, e, call=call, what=f"mask {i}", why=why)


def rand(shape, seed, device, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=gen, dtype=torch.float64).to(device, dtype)


# 1. By hand.

def test_global_masks_by_hand(impl, device):
    weights = [torch.tensor([[1.0, -3.0, 0.5]], device=device), torch.tensor([[-2.0, 0.1, 4.0]], device=device)]
    call = Call(impl.global_magnitude_masks, weights, 0.5)
    check_masks(call, weights, [torch.tensor([[0.0, 1, 0]]), torch.tensor([[1.0, 0, 1]])],
                "amount 0.5 of 6 weights prunes 3: the smallest |w| over both layers are 0.1, 0.5 and 1 (not the "
                "most negative, and not 2 per layer)")


def test_channel_mask_by_hand(impl, device):
    w = torch.tensor([[2.0, 0.0], [1.2, -1.2], [-3.0, 1.0]], device=device).reshape(3, 2, 1, 1)
    call = Call(impl.l1_channel_mask, w, 1)  # dim omitted: 0
    assert_array(call.out, kind="tensor", dtype=w.dtype, shape=tuple(w.shape), device=device, call=call)
    assert_equal(call.out.reshape(3, 2), torch.tensor([[0.0, 0], [1, 1], [1, 1]]), call=call, what="mask",
                 why="L1 norms of the output channels: 2, 2.4, 4; channel 0 goes (by L2 norm, 2 against 1.70, "
                     "channel 1 would)")


def test_amount_is_rounded_like_torch(impl, device):
    w = [torch.tensor([5.0, 1.0, 4.0, 2.0, 3.0], device=device)]
    for amount, pruned in [(0.5, 2), (0.3, 2), (0.7, 4), (0.0, 0), (1.0, 5), (3, 3)]:
        call = Call(impl.global_magnitude_masks, w, amount)
        kept = int(call.out[0].sum().item()) if isinstance(call.out, list) else None
        if kept != 5 - pruned:
            fail(f"amount={amount!r} of 5 weights: {None if kept is None else 5 - kept} pruned, expected {pruned}",
                 call=call, got=repr(call.out),
                 why="a float amount prunes round(amount * n) with Python's round (round(2.5) = 2, round(1.5) = 2, "
                     "round(3.5) = 4), as torch.nn.utils.prune; an int prunes exactly that many")


# 2. Against torch.nn.utils.prune.

SHAPES = [[(8, 3, 3, 3), (16, 8), (5,)], [(1,)], [(4, 4), (4, 4)], [(6, 2, 1, 1), (3,), (2, 7)]]


@pytest.mark.parametrize("amount", [0.3, 0.37, 0.9, 1.0, 0.0, 7], ids=lambda a: repr(a))
def test_global_matches_torch(impl, device, amount):
    for k, shapes in enumerate(SHAPES):
        a = amount if not isinstance(amount, int) or amount <= sum(torch.Size(s).numel() for s in shapes) else 1
        weights = [rand(s, 10 * k + i, device) * (i + 1) for i, s in enumerate(shapes)]  # layers of different scales
        call = Call(impl.global_magnitude_masks, weights, a)
        check_masks(call, weights, torch_global(weights, a),
                    f"torch.nn.utils.prune.global_unstructured(..., L1Unstructured, amount={a!r})")


def test_global_keeps_dtype(impl, device):
    weights = [rand((3, 4), 1, device, torch.float64), rand((5,), 2, device, torch.float64)]
    call = Call(impl.global_magnitude_masks, weights, 0.4)
    check_masks(call, weights, torch_global(weights, 0.4), "float64 weights get float64 masks")


CHANNELS = [((8, 3, 3, 3), 0), ((8, 6, 3, 3), 1), ((5, 7), -1), ((4, 3), 0), ((1, 5), 0)]


@pytest.mark.parametrize("amount", [0.25, 0.5, 0.6, 1.0, 2], ids=lambda a: repr(a))
def test_channels_match_torch(impl, device, amount):
    for k, (shape, dim) in enumerate(CHANNELS):
        a = amount if not isinstance(amount, int) or amount <= shape[dim] else 1
        w = rand(shape, 50 + k, device)
        call = Call(impl.l1_channel_mask, w, a, dim=dim)
        assert_array(call.out, kind="tensor", dtype=w.dtype, shape=shape, device=device, call=call)
        assert_equal(call.out, torch_channels(w, a, dim % len(shape)), call=call, what="mask",
                     why=f"torch.nn.utils.prune.ln_structured(m, 'weight', amount={a!r}, n=1, dim={dim}): the "
                         "channels (slices along dim) with the smallest sum of |w| over the other axes")


# 3. Convention and input checks.

@pytest.mark.convention("ties: the lower index is pruned first")
def test_ties_prune_the_lower_index_first(impl, device):
    weights = [torch.tensor([1.0, 1.0, 2.0], device=device), torch.tensor([1.0, 0.5], device=device)]
    call = Call(impl.global_magnitude_masks, weights, 2)
    check_masks(call, weights, [torch.tensor([0.0, 1, 1]), torch.tensor([1.0, 0])],
                "0.5 goes first; then three weights of magnitude 1 tie for one place: the first in the "
                "concatenation (tensor 0, index 0) is pruned")
    w = torch.tensor([1.0, 1.0, 1.0, 3.0], device=device).reshape(4, 1)
    call = Call(impl.l1_channel_mask, w, 2)
    assert_equal(call.out.flatten(), torch.tensor([0.0, 0, 1, 1]), call=call, what="channel mask",
                 why="channels 0, 1, 2 tie with norm 1: the lower indices 0 and 1 are pruned")


@pytest.mark.contract("amount out of range: ValueError")
def test_bad_amount_raises(impl, device):
    weights = [torch.tensor([1.0, 2.0, 3.0], device=device)]
    for amount in (1.5, -0.1, 4, -1):
        assert_raises(ValueError, impl.global_magnitude_masks, weights, amount,
                      why=f"amount={amount!r}: a float must be in [0, 1], an int in [0, 3]; slicing would quietly "
                          "clip it")
    assert_raises(ValueError, impl.l1_channel_mask, torch.ones(3, 2, device=device), 1.2,
                  why="amount 1.2 of the channels is more than all of them")
