"""Tests for torch/channel_shuffle. Run: pytest katas/torch/channel_shuffle

Correctness tests use non-empty 4-D inputs that the statement's checks accept; the zero-size input
(where torchvision's `view(N, -1, H, W)` raises) and each documented ValueError have a test of their own."""

import pytest
import torch
from torch import nn

from cvkatas import Call, assert_array, assert_equal, assert_raises, fail, weighted_sum


def source_channels(c, groups):
    """Output channel j comes from input channel (j % groups) * (c // groups) + j // groups."""
    return [(j % groups) * (c // groups) + j // groups for j in range(c)]


def shuffled(x, groups):
    """The oracle: gather the channels by the explicit permutation."""
    return x[:, torch.tensor(source_channels(x.shape[1], groups), dtype=torch.long, device=x.device)]


def explain(got, x, groups):
    """Say which input channel the first wrong output channel holds, if any."""
    src = source_channels(x.shape[1], groups)
    for j, s in enumerate(src):
        if torch.equal(got[:, j], x[:, s]):
            continue
        holds = [k for k in range(x.shape[1]) if torch.equal(got[:, j], x[:, k])]
        rule = f"(j % g) * (C / g) + j // g = ({j} % {groups}) * {x.shape[1] // groups} + {j} // {groups} = {s}"
        if holds:
            return f"output channel {j} holds input channel {holds[0]}, expected input channel {rule}"
        return (f"output channel {j} equals no input channel; a shuffle only reorders whole channels, the values "
                f"inside a channel stay where they are. Expected input channel {rule}")
    return "output channel j must be input channel (j % g) * (C / g) + j // g"


def check(call, x, groups):
    __tracebackhide__ = True
    assert_array(call.out, kind="tensor", dtype=x.dtype, shape=x.shape, device=x.device, call=call)
    expected = shuffled(x, groups)
    if not torch.equal(call.out, expected):
        assert_equal(call.out, expected, call=call, what="shuffled channels", why=explain(call.out, x, groups))


def channels(c, device, dtype=torch.float64):
    """x of shape (1, c, 1, 1) whose channel k holds the value k: the output reads as the permutation."""
    return torch.arange(c, device=device).to(dtype).reshape(1, c, 1, 1)


def random_input(shape, device, dtype, seed):
    gen = torch.Generator().manual_seed(seed)
    if dtype == torch.bool:
        x = torch.rand(shape, generator=gen) > 0.5
    elif dtype.is_floating_point:
        x = torch.randn(shape, generator=gen, dtype=torch.float64).to(dtype)
    else:
        x = torch.randint(-1000, 1000, shape, generator=gen).to(dtype)
    return x.to(device)


# 1. Small cases you can check on paper.

@pytest.mark.parametrize(("c", "groups", "order"), [
    (6, 2, [0, 3, 1, 4, 2, 5]),
    (6, 3, [0, 2, 4, 1, 3, 5]),
    (9, 3, [0, 3, 6, 1, 4, 7, 2, 5, 8]),
    (8, 4, [0, 2, 4, 6, 1, 3, 5, 7]),
])
def test_channel_order_by_hand(impl, device, c, groups, order):
    x = channels(c, device)
    call = Call(impl.channel_shuffle, x, groups)
    assert_array(call.out, kind="tensor", dtype=x.dtype, shape=x.shape, device=x.device, call=call)
    assert_equal(call.out.flatten(), torch.tensor(order, dtype=x.dtype), call=call,
                 what="channel order (channel k of x holds the value k)",
                 why=f"groups of {c // groups}: the first channel of every group, then the second of every "
                     f"group, and so on; channel j = (j % {groups}) * {c // groups} + j // {groups}")


# 2. Against the explicit permutation on seeded random inputs.

SHAPES = [  # (N, C, H, W, groups)
    (2, 6, 3, 3, 2), (2, 6, 3, 4, 3), (1, 12, 4, 5, 4), (3, 8, 2, 2, 2), (2, 24, 2, 3, 6),
    (2, 8, 1, 1, 8),  # groups == C: the identity
    (2, 5, 3, 2, 1),  # one group: the identity
    (1, 1, 1, 1, 1),
]


@pytest.mark.parametrize("dtype", [torch.float32, torch.int64])
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_matches_permutation(impl, device, shape, dtype):
    *size, groups = shape
    x = random_input(size, device, dtype, seed=sum(shape))
    check(Call(impl.channel_shuffle, x, groups), x, groups)


@pytest.mark.parametrize("dtype", [torch.float64, torch.bool, torch.float16])
def test_other_dtypes(impl, device, dtype):
    x = random_input((2, 12, 3, 3), device, dtype, seed=1)
    check(Call(impl.channel_shuffle, x, 3), x, 3)


def test_matches_torch_channel_shuffle(impl, device):
    if not hasattr(nn, "ChannelShuffle"):
        pytest.skip("could not import torch.nn.ChannelShuffle (torch too old): extra oracle skipped")
    for n, c, h, w, groups in SHAPES[:5]:
        x = random_input((n, c, h, w), device, torch.float32, seed=c)
        call = Call(impl.channel_shuffle, x, groups)
        assert_equal(call.out, nn.ChannelShuffle(groups)(x), call=call, what="shuffled channels",
                     why="must match torch.nn.ChannelShuffle")


@pytest.mark.parametrize("layout", ["channels_last", "spatial_transposed", "channel_slice"])
def test_any_strides(impl, device, layout):
    base = random_input((2, 12, 4, 5), device, torch.float32, seed=2)
    if layout == "channels_last":
        x = base.contiguous(memory_format=torch.channels_last)
    elif layout == "spatial_transposed":
        x = base.transpose(2, 3)
    else:
        x = random_input((2, 24, 4, 5), device, torch.float32, seed=3)[:, ::2]
    call = Call(impl.channel_shuffle, x, 4)
    check(call, x, 4)


# 3. Edge cases and errors.

@pytest.mark.convention("zero-size N, H or W: an empty result")
def test_zero_size_input_gives_empty_result(impl, device):
    for n, c, h, w, groups in [(0, 6, 3, 3, 2), (2, 6, 0, 4, 3), (2, 4, 3, 0, 2)]:
        x = random_input((n, c, h, w), device, torch.float32, seed=c)
        try:
            call = Call(impl.channel_shuffle, x, groups)
        except NotImplementedError:
            raise
        except (RuntimeError, ValueError) as exc:
            fail(f"channel_shuffle raised {type(exc).__name__}: {exc}",
                 call=f"channel_shuffle(x of shape {tuple(x.shape)}, {groups})",
                 why="an empty batch or an empty image shuffles to an empty tensor of the same shape; "
                     "a -1 in reshape/view cannot be inferred from 0 elements, so write the sizes out")
        check(call, x, groups)


@pytest.mark.contract("x not 4-D: ValueError")
def test_not_4d_raises_value_error(impl, device):
    # dim 1 has 6 channels, divisible by 2: only the 4-D check can refuse these.
    for shape in [(2, 6, 3), (1, 6, 2, 2, 2)]:
        x = random_input(shape, device, torch.float32, seed=4)
        assert_raises(ValueError, impl.channel_shuffle, x, 2,
                      why=f"x must be 4-D (N, C, H, W); shape {shape} is not, even though its dim 1 splits into 2")


@pytest.mark.contract("groups not a positive int: ValueError")
def test_bad_groups_raise_value_error(impl, device):
    x = random_input((2, 6, 3, 3), device, torch.float32, seed=4)
    assert_raises(ValueError, impl.channel_shuffle, x, 0, why="groups must be a positive int, not 0")
    assert_raises(ValueError, impl.channel_shuffle, x, -2, why="groups must be a positive int, not -2")
    assert_raises(ValueError, impl.channel_shuffle, x, 2.0, why="groups must be a positive int, not a float")


@pytest.mark.contract("C not divisible by groups: ValueError")
def test_indivisible_channels_raise_value_error(impl, device):
    x = random_input((2, 6, 3, 3), device, torch.float32, seed=4)
    assert_raises(ValueError, impl.channel_shuffle, x, 4, why="6 channels do not split into 4 equal groups")
    assert_raises(ValueError, impl.channel_shuffle, x[:, :5], 2, why="5 channels do not split into 2 equal groups")


# 4. Properties.

@pytest.mark.parametrize(("c", "groups"), [(6, 2), (12, 3), (12, 4), (10, 5)])
def test_shuffle_with_c_over_g_groups_undoes_it(impl, device, c, groups):
    x = random_input((2, c, 3, 2), device, torch.float64, seed=c + groups)
    once = Call(impl.channel_shuffle, x, groups)
    back = Call(impl.channel_shuffle, once.out, c // groups)
    assert_equal(back.out, x, call=back, what=f"channel_shuffle(channel_shuffle(x, {groups}), {c // groups})",
                 why="the shuffle transposes a (g, C/g) grid of channels; transposing the (C/g, g) grid back "
                     "is the shuffle with C/g groups, so the round trip returns x")


# 6. Gradients.

@pytest.mark.parametrize(("c", "groups"), [(6, 2), (12, 3)])
def test_gradient_is_the_inverse_shuffle(impl, device, c, groups):
    x = random_input((2, c, 3, 3), device, torch.float64, seed=5).requires_grad_(True)
    call = Call(impl.channel_shuffle, x, groups)
    if not call.out.requires_grad:
        fail("the result does not require grad although x does", call=call,
             why="the shuffle must stay in the autograd graph: no .detach(), .data, numpy or torch.no_grad()")
    dout = random_input((2, c, 3, 3), device, torch.float64, seed=6)
    (grad,) = torch.autograd.grad(weighted_sum(call.out, dout), x, retain_graph=True)  # differentiated twice
    expected = torch.empty_like(dout)
    expected[:, source_channels(c, groups)] = dout  # each output channel sends its gradient to its source
    assert_equal(grad, expected, call=call, what="d(sum(out * dout))/dx",
                 why="input channel (j % g) * (C / g) + j // g receives the gradient of output channel j")
    (ones,) = torch.autograd.grad(call.out.sum(), x)
    assert_equal(ones, torch.ones_like(x), call=call, what="d(sum(out))/dx",
                 why="every input value appears exactly once in the output")


# The module.

def test_module_matches_function(impl, device):
    call = Call(impl.ChannelShuffle, 3)
    module = call.out
    if not isinstance(module, nn.Module):
        fail(f"ChannelShuffle(3) must be an nn.Module, got {type(module).__name__}", call=call)
    if getattr(module, "groups", None) != 3:
        fail(f"ChannelShuffle(3).groups is {getattr(module, 'groups', None)!r}, expected 3", call=call)
    if list(module.state_dict()):
        fail(f"ChannelShuffle has state {list(module.state_dict())}; it must have no parameters or buffers",
             call=call, why="a shuffle has nothing to learn, and extra state breaks loading pretrained weights")
    net = nn.Sequential(nn.Identity(), module)
    for mode in ("train", "eval"):
        getattr(net, mode)()
        x = random_input((2, 9, 3, 4), device, torch.float32, seed=7)
        check(Call(net, x), x, 3)


@pytest.mark.contract("ChannelShuffle(bad groups): ValueError at once")
def test_module_rejects_bad_groups_at_construction(impl, device):
    assert_raises(ValueError, impl.ChannelShuffle, 0,
                  why="ChannelShuffle(0) must raise when it is built, not at its first forward")
    assert_raises(ValueError, impl.ChannelShuffle, -3, why="groups must be a positive int, not -3")
