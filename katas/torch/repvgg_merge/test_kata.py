"""Tests for torch/repvgg_merge. Run: pytest katas/torch/repvgg_merge

Correctness tests use blocks as RepVGG builds them (convs without bias, affine BNs) and read a merged
conv of another dtype leniently. Conv biases, BNs without affine, the result's dtype and its fresh
parameters are convention tests of their own."""

import copy

import pytest
import torch
from torch import nn

from cvkatas import Call, assert_close, assert_equal, assert_raises, fail

# name: (in, out, stride, groups, identity branch, conv biases, padding_mode)
CONFIGS = {
    "no_identity": (3, 4, 1, 1, False, False, "zeros"),
    "identity": (4, 4, 1, 1, True, False, "zeros"),
    "stride2": (4, 6, 2, 1, False, False, "zeros"),
    "stride2_square": (4, 4, 2, 1, False, False, "zeros"),
    "groups_identity": (6, 6, 1, 2, True, False, "zeros"),
    "depthwise_identity": (5, 5, 1, 5, True, False, "zeros"),
    "groups_stride2": (6, 4, 2, 2, False, False, "zeros"),
    "conv_biases": (4, 4, 1, 1, True, True, "zeros"),  # the convention test's; not in the random comparison
    "reflect": (3, 3, 1, 1, True, False, "reflect"),
    "one_channel": (1, 1, 1, 1, True, False, "zeros"),
}
RANDOM_CONFIGS = sorted(n for n in CONFIGS if not CONFIGS[n][5])
FLOAT32_CONFIGS = ["groups_identity", "identity", "stride2"]
# float32: the merged conv adds the branches inside one kernel, a different order of rounding.
TOL = {torch.float64: {"rtol": 1e-7, "atol": 1e-8}, torch.float32: {"rtol": 1e-4, "atol": 1e-5}}
NAMES = ("conv3x3", "bn3x3", "conv1x1", "bn1x1", "bn_identity")


def random_bn(channels, gen, *, eps=1e-3, affine=True):
    """A BN with statistics as a trained network would have them."""
    bn = nn.BatchNorm2d(channels, eps=eps, affine=affine)
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(channels, generator=gen))
        bn.running_var.copy_(torch.rand(channels, generator=gen) * 2 + 0.05)
        if affine:
            bn.weight.copy_(torch.randn(channels, generator=gen))
            bn.bias.copy_(torch.randn(channels, generator=gen))
    return bn


def trivial_bn(channels, device, dtype):
    """mean 0, variance 1, eps 0, scale 1, shift 0: the identity map."""
    return nn.BatchNorm2d(channels, eps=0.0).to(device, dtype).eval()


def make_block(name, device, dtype, *, seed=0, eps=1e-3, affine=True, bn_training=False, hw=(7, 6)):
    """The five modules of a RepVGG block (identity BN or None) and an input for it."""
    cin, cout, stride, groups, identity, bias, mode = CONFIGS[name]
    gen = torch.Generator().manual_seed(seed)
    conv3 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, groups=groups, bias=bias, padding_mode=mode)
    conv1 = nn.Conv2d(cin, cout, 1, stride=stride, groups=groups, bias=bias)
    with torch.no_grad():
        for conv in (conv3, conv1):
            conv.weight.copy_(torch.randn(conv.weight.shape, generator=gen))
            if conv.bias is not None:
                conv.bias.copy_(torch.randn(cout, generator=gen) * 2)
    bns = [random_bn(c, gen, eps=eps, affine=affine) for c in (cout, cout)]
    bn_id = random_bn(cin, gen, eps=eps, affine=affine) if identity else None
    modules = [conv3, bns[0], conv1, bns[1], bn_id]
    modules = [None if m is None else m.to(device, dtype) for m in modules]
    for bn in (modules[1], modules[3], modules[4]):
        if bn is not None:
            bn.train(bn_training)
    x = torch.randn((2, cin, *hw), generator=gen).to(device, dtype)
    return modules, x


def block_output(modules, x):
    """What the block's branches add up to, computed with copies of the modules in eval mode."""
    conv3, bn3, conv1, bn1, bn_id = (None if m is None else copy.deepcopy(m).eval() for m in modules)
    with torch.no_grad():
        y = bn3(conv3(x)) + bn1(conv1(x))
        return y if bn_id is None else y + bn_id(x)


def check_merged(call, modules, x, dtype, why=None):
    __tracebackhide__ = True
    merged, conv3 = call.out, modules[0]
    if not isinstance(merged, nn.Conv2d):
        fail(f"repvgg_merge must return an nn.Conv2d, got {type(merged).__name__}", call=call)
    if any(merged is m for m in modules):
        fail("repvgg_merge returned one of its inputs; build and return a new nn.Conv2d", call=call)
    want = {"in_channels": conv3.in_channels, "out_channels": conv3.out_channels, "kernel_size": (3, 3),
            "stride": conv3.stride, "padding": (1, 1), "dilation": (1, 1), "groups": conv3.groups,
            "padding_mode": conv3.padding_mode}
    for name, value in want.items():
        if getattr(merged, name) != value:
            fail(f"the merged conv has {name}={getattr(merged, name)!r}, expected {value!r}", call=call,
                 why="the merged layer is the 3x3 branch's conv with new weights and a bias")
    if merged.bias is None:
        fail("the merged conv has no bias", call=call, why="the BNs' shifts add up to the merged bias")
    w = merged.weight  # another dtype or device is the convention test's business: read leniently here
    with torch.no_grad():
        got = merged(x.to(w.device, w.dtype))
    terms = "bn3x3(conv3x3(x)) + bn1x1(conv1x1(x))" + (" + bn_identity(x)" if modules[4] is not None else "")
    tol = TOL[dtype] if w.dtype == dtype else TOL[torch.float32]
    assert_close(got, block_output(modules, x), **tol, call=call, what="merged(x)",
                 why=why or f"must equal {terms} with every BN in eval mode (running statistics)")


def merge(impl, modules):
    return Call(impl.repvgg_merge, *modules)


# 1. Small cases you can check on paper.

def test_single_channel_by_hand(impl, device):
    dt = torch.float64
    conv3 = nn.Conv2d(1, 1, 3, padding=1, bias=False).to(device, dt)
    conv1 = nn.Conv2d(1, 1, 1, bias=False).to(device, dt)
    bn3, bn1, bn_id = (nn.BatchNorm2d(1, eps=0.0).to(device, dt).eval() for _ in range(3))
    with torch.no_grad():
        conv3.weight.copy_(torch.arange(9.0).reshape(1, 1, 3, 3))
        conv1.weight.fill_(10.0)
        # (running_mean, running_var, gamma, beta) per BN, eps 0
        for bn, values in ((bn3, (1.0, 4.0, 2.0, 3.0)),  # s = 2 / sqrt(4) = 1, shift 3 - 1 * 1 = 2
                           (bn1, (0.0, 1.0, 0.5, -1.0)),  # s = 0.5, shift -1
                           (bn_id, (2.0, 0.25, 1.0, 0.0))):  # s = 1 / sqrt(0.25) = 2, shift -2 * 2 = -4
            for tensor, v in zip((bn.running_mean, bn.running_var, bn.weight, bn.bias), values):
                tensor.fill_(v)
    call = Call(impl.repvgg_merge, conv3, bn3, conv1, bn1, bn_id)
    want_w = torch.tensor([[0.0, 1, 2], [3, 11, 5], [6, 7, 8]], dtype=dt).reshape(1, 1, 3, 3)
    assert_close(call.out.weight, want_w, atol=1e-12, call=call, what="merged weight",
                 why="0..8 * 1 from the 3x3 branch, plus 10 * 0.5 (1x1) and 1 * 2 (identity) at the centre: 4 + 5 + 2")
    assert_close(call.out.bias, torch.tensor([-3.0], dtype=dt), atol=1e-12, call=call, what="merged bias",
                 why="the shifts add up: 2 (3x3 branch) - 1 (1x1 branch) - 4 (identity)")


def test_one_by_one_kernel_sits_at_the_centre(impl, device):
    dt = torch.float64
    modules, x = make_block("no_identity", device, dt, seed=1)
    with torch.no_grad():
        modules[0].weight.zero_()  # only the 1x1 branch remains
    modules[1], modules[3] = trivial_bn(4, device, dt), trivial_bn(4, device, dt)
    call = merge(impl, modules)
    w = call.out.weight.detach()
    ring = w.clone()
    ring[:, :, 1, 1] = 0
    assert_equal(ring, torch.zeros_like(ring), call=call, what="merged weight outside the centre",
                 why="a 1x1 conv with padding 0 lines up with the centre tap of a 3x3 conv with padding 1; "
                     "put its kernel at [1, 1], not in a corner")
    check_merged(call, modules, x, dt)


@pytest.mark.parametrize("name", ["identity", "groups_identity", "depthwise_identity"])
def test_identity_branch_alone_gives_back_the_input(impl, device, name):
    dt = torch.float64
    modules, x = make_block(name, device, dt, seed=2)
    with torch.no_grad():
        modules[0].weight.zero_()
        modules[2].weight.zero_()
    c = modules[0].out_channels
    modules[1], modules[3], modules[4] = (trivial_bn(c, device, dt) for _ in range(3))
    call = merge(impl, modules)
    groups, per_group = modules[0].groups, modules[0].in_channels // modules[0].groups
    w = call.out.weight
    with torch.no_grad():
        got = call.out(x.to(w.device, w.dtype))
    assert_close(got, x, atol=1e-12 if w.dtype == dt else 1e-6, call=call,
                 what="merged(x) for an identity branch alone",
                 why=f"with zero conv weights and identity BNs the block is y = x; with groups={groups} the "
                     f"weight is (out, {per_group}, 3, 3), so output channel o takes input o % {per_group} "
                     "of its own group, with a 1 at the centre")


# 2. Against the branch sum on seeded random blocks.

@pytest.mark.parametrize("name, dtype", [(n, torch.float64) for n in RANDOM_CONFIGS]
                         + [(n, torch.float32) for n in FLOAT32_CONFIGS])
def test_matches_branch_sum(impl, device, name, dtype):
    modules, x = make_block(name, device, dtype, seed=sorted(CONFIGS).index(name))
    check_merged(merge(impl, modules), modules, x, dtype)


def test_every_branch_shift_is_kept(impl, device):
    dt = torch.float64
    modules, x = make_block("identity", device, dt, seed=3)
    with torch.no_grad():
        modules[0].weight.zero_()
        modules[2].weight.zero_()
    check_merged(merge(impl, modules), modules, x, dt,
                 why="with zero conv kernels the conv branches output a constant per channel, beta - "
                     "running_mean * s; the merged bias is the sum over all three branches")


@pytest.mark.convention("conv biases are folded too (RepVGG's have none)")
def test_conv_biases_are_folded(impl, device):
    dt = torch.float64
    modules, x = make_block("conv_biases", device, dt, seed=13)
    check_merged(merge(impl, modules), modules, x, dt,
                 why="a conv bias b goes through its BN like the kernel: (b - running_mean) * s + beta")
    modules, x = make_block("one_channel", device, dt, seed=14)
    with torch.no_grad():
        modules[0].weight.zero_()
        modules[2].weight.zero_()
        modules[0].bias = nn.Parameter(torch.tensor([2.0], dtype=dt, device=device))
        modules[2].bias = nn.Parameter(torch.tensor([-3.0], dtype=dt, device=device))
    check_merged(merge(impl, modules), modules, x, dt,
                 why="with zero kernels each conv branch outputs (conv bias - running_mean) * s + beta")


def test_large_eps_is_respected(impl, device):
    modules, x = make_block("identity", device, torch.float64, seed=4, eps=0.5)
    check_merged(merge(impl, modules), modules, x, torch.float64,
                 why="each BN divides by sqrt(running_var + eps) with its own eps (0.5 here)")


@pytest.mark.convention("BN affine=False: scale 1, shift 0")
def test_bns_without_affine(impl, device):
    modules, x = make_block("groups_identity", device, torch.float64, seed=5, affine=False)
    check_merged(merge(impl, modules), modules, x, torch.float64,
                 why="a BN with affine=False has scale 1 and shift 0 after normalising")


def test_uses_running_statistics_even_when_bns_are_training(impl, device):
    modules, x = make_block("groups_identity", device, torch.float64, seed=6, bn_training=True)
    call = merge(impl, modules)  # Call also checks that every BN is still in training mode
    check_merged(call, modules, x, torch.float64)


# 3. Edge cases.

@pytest.mark.parametrize("shape", [(0, 4, 5, 5), (1, 4, 1, 1), (1, 4, 2, 3)])
def test_tiny_inputs(impl, device, shape):
    modules, _ = make_block("identity", device, torch.float64, seed=7)
    x = torch.randn(shape, generator=torch.Generator().manual_seed(8), dtype=torch.float64).to(device)
    check_merged(merge(impl, modules), modules, x, torch.float64)


@pytest.mark.contract("identity branch that cannot exist: ValueError")
def test_impossible_identity_branch_raises_value_error(impl, device):
    dt = torch.float64
    modules, _ = make_block("stride2_square", device, dt, seed=9)
    assert_raises(ValueError, impl.repvgg_merge, *modules[:4], trivial_bn(4, device, dt),
                  why="an identity branch cannot exist with stride 2: x and the output differ in size")
    modules, _ = make_block("no_identity", device, dt, seed=10)
    assert_raises(ValueError, impl.repvgg_merge, *modules[:4], trivial_bn(3, device, dt),
                  why="an identity branch needs in_channels == out_channels (3 != 4 here)")


@pytest.mark.contract("branch convs that do not fit: ValueError")
def test_mismatched_convs_raise_value_error(impl, device):
    dt = torch.float64
    modules, _ = make_block("identity", device, dt, seed=11)
    unpadded = nn.Conv2d(4, 4, 3, padding=0, bias=False).to(device, dt)
    assert_raises(ValueError, impl.repvgg_merge, unpadded, *modules[1:],
                  why="a 3x3 conv without padding 1 gives a smaller output than the 1x1 branch")
    dilated = nn.Conv2d(4, 4, 3, padding=1, dilation=2, bias=False).to(device, dt)
    assert_raises(ValueError, impl.repvgg_merge, dilated, *modules[1:],
                  why="a dilated 3x3 conv is not a dense 3x3 kernel: dilation must be 1")
    strided = nn.Conv2d(4, 4, 1, stride=2, bias=False).to(device, dt)
    assert_raises(ValueError, impl.repvgg_merge, modules[0], modules[1], strided, modules[3],
                  why="the branches must share a stride to be added")


@pytest.mark.contract("BN of the wrong size or without stats: ValueError")
def test_bad_bns_raise_value_error(impl, device):
    dt = torch.float64
    modules, _ = make_block("identity", device, dt, seed=15)
    one = trivial_bn(1, device, dt)  # one channel: its scale would broadcast silently over four
    assert_raises(ValueError, impl.repvgg_merge, modules[0], one, *modules[2:],
                  why="bn3x3 must have conv3x3.out_channels (4) channels, not 1")
    no_stats = nn.BatchNorm2d(4, track_running_stats=False).to(device, dt)
    assert_raises(ValueError, impl.repvgg_merge, modules[0], no_stats, *modules[2:],
                  why="a BN without running statistics has no eval-mode form to fold")


# 5. The result is a new, independent layer.

@pytest.mark.convention("a new conv with its own fresh leaf parameters")
def test_result_owns_fresh_leaf_parameters(impl, device):
    modules, x = make_block("identity", device, torch.float32, seed=12)
    before = block_output(modules, x)
    call = merge(impl, modules)
    merged = call.out
    for pname in ("weight", "bias"):
        p = getattr(merged, pname)
        if not (isinstance(p, nn.Parameter) and p.is_leaf and p.requires_grad):
            fail(f"merged.{pname} must be a trainable leaf nn.Parameter", call=call,
                 got=f"{type(p).__name__}, is_leaf={p.is_leaf}, requires_grad={p.requires_grad}",
                 why="build the new weights under torch.no_grad() and copy them into a fresh nn.Conv2d")
    merged(x).sum().backward()
    touched = [n for n, m in zip(NAMES, modules) if m is not None
               for p in m.parameters() if p.grad is not None]
    if touched:
        fail(f"backward through the merged conv reached the parameters of {sorted(set(touched))}",
             call=call, why="the merged conv must not stay connected to the original branches' graph")
    with torch.no_grad():
        merged.weight.mul_(2.0)
        merged.bias.add_(1.0)
    assert_close(block_output(modules, x), before, call=call, what="the block after changing the merged conv",
                 why="the merged conv must own its weights; changing it must not change the original block")


@pytest.mark.convention("the merged conv keeps conv3x3.weight's dtype")
def test_keeps_dtype_and_device_of_conv3x3(impl, device):
    for dtype in (torch.float64, torch.float32):
        modules, _ = make_block("identity", device, dtype, seed=16)
        call = merge(impl, modules)
        w = call.out.weight
        if w.dtype != dtype or w.device.type != torch.device(device).type:
            fail(f"the merged conv lives on {w.device} as {w.dtype}, expected {device} as {dtype}", call=call,
                 why="build the new nn.Conv2d with device=conv3x3.weight.device, dtype=conv3x3.weight.dtype")
