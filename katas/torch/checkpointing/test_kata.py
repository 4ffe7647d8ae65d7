"""Tests for torch/checkpointing. Run: pytest katas/torch/checkpointing

The oracle is the plain forward of a copy of the same blocks, differentiated with torch.autograd.grad;
saved tensors are counted with torch.autograd.graph.saved_tensors_hooks around each call, the plain
forward's count measured the same way. The correctness test asks for less than half the plain count;
one saved tensor per block (the last block checkpointed too) is a convention test of its own."""

import copy

import pytest
import torch
from torch import nn

from cvkatas import Call, assert_array, assert_close, fail

TOL = {torch.float64: {"rtol": 1e-9, "atol": 1e-12}, torch.float32: {"rtol": 1e-5, "atol": 1e-6}}


def chain(k, device, dtype, seed=0, p=0.0):
    torch.manual_seed(seed)
    blocks = [nn.Sequential(nn.Linear(4, 4), nn.Tanh(), *([nn.Dropout(p)] if p else []), nn.Linear(4, 4), nn.Tanh())
              for _ in range(k)]
    return nn.Sequential(*blocks).to(device, dtype)


def inputs(device, dtype, seed, requires_grad=True):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn((3, 4), generator=gen, dtype=torch.float64).to(device, dtype).requires_grad_(requires_grad)
    w = torch.randn((3, 4), generator=gen, dtype=torch.float64).to(device, dtype)  # loss = (out * w).sum()
    return x, w


def plain(blocks, x, w, seed=None):
    """Output and gradients (parameters by name, then x) of the plain forward, on a copy of the blocks."""
    ref = copy.deepcopy(blocks)
    if seed is not None:
        torch.manual_seed(seed)
    out = ref(x)
    leaves = [p for _, p in ref.named_parameters()] + ([x] if x.requires_grad else [])
    grads = torch.autograd.grad((out * w).sum(), leaves)
    names = [n for n, _ in ref.named_parameters()]
    return out.detach(), dict(zip(names, grads)), (grads[-1] if x.requires_grad else None)


def saved_count(fn, *args):
    count = [0]

    def pack(t):
        count[0] += 1
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = fn(*args)
    return count[0], out


def check_against_plain(impl, blocks, x, w, device, dtype, what, seed=None, why=""):
    __tracebackhide__ = True
    out_ref, grads, gx = plain(blocks, x, w, seed)
    if seed is not None:
        torch.manual_seed(seed)
    call = Call(impl.checkpointed_forward, blocks, x)
    out = call.out
    assert_array(out, kind="tensor", dtype=dtype, shape=tuple(out_ref.shape), device=device, call=call, what=what)
    assert_close(out.detach(), out_ref, **TOL[dtype], call=call, what=what, why="the plain forward's output" + why)
    if not out.requires_grad:
        fail(f"{what}: the output does not require grad: it has no autograd graph", call=call,
             why="a forward under torch.no_grad() (or a detach) records nothing, so backward cannot reach the "
                 "parameters; torch.utils.checkpoint.checkpoint records the graph and recomputes the inside later")
    (out * w).sum().backward()
    for n, p in blocks.named_parameters():
        if p.grad is None:
            fail(f"{what}: parameter {n} got no gradient", call=call,
                 why="with use_reentrant=True and an input that does not require grad, the checkpointed block's "
                     "parameters get none; use_reentrant=False does not have this problem")
        assert_close(p.grad, grads[n], **TOL[dtype], call=call, what=f"{what}: {n}.grad",
                     why="checkpointing recomputes the same forward in the backward pass: the plain gradients" + why)
    if gx is not None:
        assert_close(x.grad, gx, **TOL[dtype], call=call, what=f"{what}: x.grad", why="the plain gradient")
    return call


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_same_output_and_gradients(impl, device, dtype):
    for k, seed in [(3, 1), (1, 2)]:
        blocks = chain(k, device, dtype, seed=seed)
        x, w = inputs(device, dtype, seed)
        check_against_plain(impl, blocks, x, w, device, dtype, f"{k} block(s), x requires grad")


def test_input_without_grad(impl, device):
    blocks = chain(2, device, torch.float64, seed=3)
    x, w = inputs(device, torch.float64, 3, requires_grad=False)
    check_against_plain(impl, blocks, x, w, device, torch.float64, "2 blocks, x does not require grad")


def test_dropout_is_recomputed_with_the_same_mask(impl, device):
    blocks = chain(2, device, torch.float64, seed=4, p=0.5).train()
    x, w = inputs(device, torch.float64, 4)
    check_against_plain(impl, blocks, x, w, device, torch.float64, "2 blocks with dropout, training mode", seed=11,
                        why=" with the same dropout masks (torch.manual_seed(11) before each): the recomputation "
                            "must restore the RNG state (preserve_rng_state=True, the default)")


def test_saves_fewer_tensors(impl, device):
    blocks = chain(4, device, torch.float32, seed=5)
    x, _ = inputs(device, torch.float32, 5)
    n_plain, _ = saved_count(copy.deepcopy(blocks), x)
    n, out = saved_count(impl.checkpointed_forward, blocks, x)
    if not n < n_plain / 2:
        fail(f"the forward saved {n} tensors for backward; the plain forward saves {n_plain}",
             call="checkpointed_forward(<4 blocks of Linear, Tanh, Linear, Tanh>, x)",
             why="a checkpointed block keeps only its input (torch.utils.checkpoint.checkpoint); "
                 "everything inside is recomputed in the backward pass")
    if not torch.is_tensor(out) or not out.requires_grad:
        fail("the output has no autograd graph", call="checkpointed_forward(blocks, x)")


@pytest.mark.convention("every block checkpointed, the last one too")
def test_every_block_is_checkpointed(impl, device):
    blocks = chain(3, device, torch.float32, seed=6)
    x, _ = inputs(device, torch.float32, 6)
    n, _ = saved_count(impl.checkpointed_forward, blocks, x)
    if n > len(blocks):
        fail(f"the forward saved {n} tensors for 3 blocks: more than one per block",
             call="checkpointed_forward(<3 blocks of Linear, Tanh, Linear, Tanh>, x)",
             why="checkpoint every block: checkpoint_sequential leaves its last segment plain (6 more saved "
                 "tensors here)")


def test_empty_and_plain_list(impl, device):
    x, w = inputs(device, torch.float64, 7)
    out = impl.checkpointed_forward([], x)
    if out is not x:
        fail("checkpointed_forward([], x) must return x itself", call="checkpointed_forward([], x)")
    blocks = chain(2, device, torch.float64, seed=7)
    out_ref, grads, _ = plain(blocks, x, w)
    out = impl.checkpointed_forward(list(blocks), x)
    assert_array(out, kind="tensor", dtype=torch.float64, shape=(3, 4), device=device, what="output for a list")
    assert_close(out.detach(), out_ref, **TOL[torch.float64], what="output for a plain list of 2 blocks")
    (out * w).sum().backward()
    for n, p in blocks.named_parameters():
        assert_close(p.grad, grads[n], **TOL[torch.float64], what=f"{n}.grad for a plain list of blocks")
