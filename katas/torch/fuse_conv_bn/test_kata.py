"""Tests for torch/fuse_conv_bn. Run: pytest katas/torch/fuse_conv_bn

Correctness tests hand over both modules in eval mode, as torch.nn.utils.fusion.fuse_conv_bn_eval
requires; fusing modules left in training mode is a convention test of its own."""

import copy

import pytest
import torch
from torch import nn

from cvkatas import Call, assert_close, assert_raises, fail

# (in, out, kernel, conv keyword arguments): every hyper-parameter the fused layer must keep.
CONFIGS = {
    "plain": (3, 4, 3, {}),
    "bias": (3, 4, 3, {"bias": True}),
    "stride_padding": (4, 6, 3, {"stride": 2, "padding": (1, 2)}),
    "dilation": (4, 4, 3, {"dilation": 2, "padding": 2}),
    "groups": (6, 4, 3, {"groups": 2, "padding": 1}),
    "depthwise": (5, 5, 3, {"groups": 5, "padding": 1}),
    "reflect": (3, 4, 3, {"padding": 1, "padding_mode": "reflect"}),
    "pointwise": (8, 16, 1, {}),
    "rect_kernel": (2, 3, (1, 3), {"stride": (2, 1)}),
}
TOL = {torch.float64: {"rtol": 1e-6, "atol": 1e-6}, torch.float32: {"rtol": 1e-4, "atol": 1e-5}}


def make_pair(name, device, dtype, *, affine=True, seed=0, eps=1e-3, training=False):
    """A conv and a BN with non-trivial statistics, as a trained network would have them."""
    cin, cout, k, kw = CONFIGS[name]
    gen = torch.Generator().manual_seed(seed)
    kw = {"bias": False, **kw}
    conv = nn.Conv2d(cin, cout, k, **kw)
    bn = nn.BatchNorm2d(cout, eps=eps, affine=affine)
    with torch.no_grad():
        conv.weight.copy_(torch.randn(conv.weight.shape, generator=gen))
        if conv.bias is not None:
            conv.bias.copy_(torch.randn(cout, generator=gen) * 3)
        bn.running_mean.copy_(torch.randn(cout, generator=gen))
        bn.running_var.copy_(torch.rand(cout, generator=gen) * 2 + 0.05)
        if affine:
            bn.weight.copy_(torch.randn(cout, generator=gen))
            bn.bias.copy_(torch.randn(cout, generator=gen))
    conv, bn = conv.to(device, dtype), bn.to(device, dtype)
    conv.train(training)
    bn.train(training)
    x = torch.randn((2, cin, 9, 10), generator=gen).to(device, dtype)
    return conv, bn, x


def expected_output(conv, bn, x):
    """What the two layers compute in eval mode, on copies so the originals stay as they were."""
    conv, bn = copy.deepcopy(conv).eval(), copy.deepcopy(bn).eval()
    with torch.no_grad():
        return bn(conv(x))


def check_fused(call, conv, bn, x, dtype):
    __tracebackhide__ = True
    fused = call.out
    if not isinstance(fused, nn.Conv2d):
        fail(f"fuse_conv_bn must return an nn.Conv2d, got {type(fused).__name__}", call=call)
    if fused is conv:
        fail("fuse_conv_bn returned `conv` itself; return a new module", call=call)
    for name in ("stride", "padding", "dilation", "groups", "padding_mode", "kernel_size"):
        if getattr(fused, name) != getattr(conv, name):
            fail(f"the fused conv has {name}={getattr(fused, name)!r}, the original {getattr(conv, name)!r}",
                 call=call, why=f"folding BN changes weights and bias only; `{name}` must be kept")
    if fused.bias is None:
        fail("the fused conv has no bias", call=call, why="BN's shift becomes the fused bias")
    if fused.weight.device != x.device or fused.weight.dtype != dtype:
        fail(f"the fused conv lives on {fused.weight.device} as {fused.weight.dtype}, expected "
             f"{x.device} as {dtype}", call=call)
    with torch.no_grad():
        got = fused(x)
    assert_close(got, expected_output(conv, bn, x), **TOL[dtype], call=call, what="fused(x)",
                 why="must equal bn(conv(x)) with bn in eval mode")


CASES = [(name, torch.float64) for name in sorted(CONFIGS)] + [
    (name, torch.float32) for name in ("bias", "groups", "reflect", "stride_padding")]


@pytest.mark.parametrize(("name", "dtype"), CASES, ids=[f"{n}-{str(d)[6:]}" for n, d in CASES])
def test_matches_conv_then_bn(impl, device, name, dtype):
    conv, bn, x = make_pair(name, device, dtype)
    check_fused(Call(impl.fuse_conv_bn, conv, bn), conv, bn, x, dtype)


def test_conv_bias_is_folded_too(impl, device):
    conv, bn, x = make_pair("bias", device, torch.float64, seed=1)
    with torch.no_grad():
        conv.bias.fill_(5.0)
    check_fused(Call(impl.fuse_conv_bn, conv, bn), conv, bn, x, torch.float64)


def test_large_eps_is_respected(impl, device):
    conv, bn, x = make_pair("plain", device, torch.float64, eps=0.5, seed=2)
    check_fused(Call(impl.fuse_conv_bn, conv, bn), conv, bn, x, torch.float64)


def test_bn_without_affine(impl, device):
    conv, bn, x = make_pair("bias", device, torch.float64, affine=False, seed=3)
    check_fused(Call(impl.fuse_conv_bn, conv, bn), conv, bn, x, torch.float64)


@pytest.mark.convention("modules in training mode: fused as in eval")
def test_modules_in_training_mode_are_fused_as_in_eval(impl, device):
    conv, bn, x = make_pair("groups", device, torch.float64, training=True, seed=4)
    try:
        call = Call(impl.fuse_conv_bn, conv, bn)  # Call also checks both are still in training mode
    except AssertionError as exc:
        if "modified its input" in str(exc):
            raise
        fail(f"fuse_conv_bn raised AssertionError: {exc}", call="fuse_conv_bn(conv, bn), both in training mode",
             why="the statement asks for the eval-mode fusion whatever the modules' mode (torch's "
                 "fuse_conv_bn_eval refuses training mode; this kata does not)")
    check_fused(call, conv, bn, x, torch.float64)


def test_identity_bn_gives_back_the_conv(impl, device):
    conv, _, x = make_pair("bias", device, torch.float64, seed=5)
    bn = nn.BatchNorm2d(conv.out_channels, eps=0.0).to(device, torch.float64).eval()  # mean 0, var 1
    call = Call(impl.fuse_conv_bn, conv, bn)
    assert_close(call.out.weight, conv.weight, call=call, what="fused weight",
                 why="a BN with mean 0, variance 1, scale 1, shift 0 and eps 0 is the identity")
    assert_close(call.out.bias, conv.bias, call=call, what="fused bias")


def test_result_shares_no_storage_with_conv(impl, device):
    conv, bn, x = make_pair("bias", device, torch.float64, seed=6)
    before = expected_output(conv, bn, x)
    fused = impl.fuse_conv_bn(conv, bn)
    with torch.no_grad():
        fused.weight.mul_(2.0)
        fused.bias.add_(1.0)
    assert_close(expected_output(conv, bn, x), before, what="bn(conv(x)) after changing the fused conv",
                 why="the fused conv must own its weights; changing it must not change `conv`")


@pytest.mark.contract("bn without running statistics: ValueError")
def test_no_running_statistics_raises(impl, device):
    conv, _, _ = make_pair("plain", device, torch.float32)
    bn = nn.BatchNorm2d(conv.out_channels, track_running_stats=False).to(device).eval()
    assert_raises(ValueError, impl.fuse_conv_bn, conv, bn,
                  why="without running statistics there is no eval-mode BN to fold")
