"""Tests for torch/merge_conv_avgpool. Run: pytest katas/torch/merge_conv_avgpool

Correctness tests compare merged(x) with pool(conv(x)); they read a merged conv of another dtype
leniently (at float32 tolerance). That the result keeps conv.weight's dtype, and that it owns fresh
leaf parameters, are convention tests of their own."""

import copy

import pytest
import torch
from torch import nn

from cvkatas import Call, assert_close, assert_raises, fail

# name: (in, out, conv kernel, conv keyword arguments, pool kernel, pool keyword arguments)
CONFIGS = {
    "basic": (3, 4, 3, {"padding": 1}, 2, {}),
    "conv_stride": (3, 5, 3, {"stride": 2, "padding": 1}, 2, {}),
    "patchify": (4, 4, 2, {"stride": 2}, 2, {}),
    "overlapping_pool": (3, 4, 3, {}, 3, {"stride": 1}),
    "pool_stride_ne_kernel": (2, 3, 3, {"stride": 2, "padding": 1}, 3, {"stride": 2}),
    "rectangular": (2, 3, (1, 3), {"stride": (2, 1), "padding": (0, 1)}, (2, 3), {"stride": (1, 2)}),
    "groups_bias": (6, 4, 3, {"groups": 2, "padding": 1, "bias": True}, 2, {}),
    "depthwise": (4, 4, 3, {"groups": 4, "stride": 2}, 2, {}),
    "bias_big_pool": (3, 4, 3, {"padding": 1, "bias": True}, 3, {}),
    "reflect": (3, 4, 3, {"padding": 1, "padding_mode": "reflect", "bias": True}, 2, {}),
    "pointwise": (3, 4, 1, {"bias": True}, 2, {}),
    "divisor_override": (3, 4, 3, {"stride": 2, "bias": True}, 2, {"divisor_override": 3}),
}
# float32: the merged kernel sums k2h * k2w shifted copies first, a different order of rounding.
TOL = {torch.float64: {"rtol": 1e-7, "atol": 1e-8}, torch.float32: {"rtol": 1e-4, "atol": 1e-5}}
FLOAT32_CONFIGS = ["basic", "divisor_override", "groups_bias", "rectangular"]


def pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def make(name, device, dtype, *, seed=0, hw=(11, 12)):
    """A conv with random weights (and bias), the pool after it, and an input."""
    cin, cout, k, conv_kw, pk, pool_kw = CONFIGS[name]
    gen = torch.Generator().manual_seed(seed)
    conv = nn.Conv2d(cin, cout, k, **{"bias": False, **conv_kw})
    with torch.no_grad():
        conv.weight.copy_(torch.randn(conv.weight.shape, generator=gen))
        if conv.bias is not None:
            conv.bias.copy_(torch.randn(cout, generator=gen) * 3)
    conv = conv.to(device, dtype)
    x = torch.randn((2, cin, *hw), generator=gen).to(device, dtype)
    return conv, nn.AvgPool2d(pk, **pool_kw), x


def composed(conv, pool, x):
    with torch.no_grad():
        return copy.deepcopy(pool)(copy.deepcopy(conv)(x))


def check_merged(call, conv, pool, x, dtype, why=None):
    __tracebackhide__ = True
    merged = call.out
    if not isinstance(merged, nn.Conv2d):
        fail(f"merge_conv_avgpool must return an nn.Conv2d, got {type(merged).__name__}", call=call)
    if merged is conv:
        fail("merge_conv_avgpool returned `conv` itself; return a new module", call=call)
    (k1h, k1w), (s1h, s1w) = conv.kernel_size, conv.stride
    (k2h, k2w), (s2h, s2w) = pair(pool.kernel_size), pair(pool.stride)
    want = {
        "kernel_size": ((k1h + (k2h - 1) * s1h, k1w + (k2w - 1) * s1w),
                        f"k1 + (k2 - 1) * s1 per axis: the pool window spans k2 conv outputs that are s1 "
                        f"input pixels apart, so {k1h} + ({k2h} - 1) * {s1h} rows, {k1w} + ({k2w} - 1) * {s1w} "
                        "columns"),
        "stride": ((s1h * s2h, s1w * s2w), f"s1 * s2 per axis: moving the pool by {s2h} conv output(s) moves "
                                           f"{s1h} * {s2h} input rows"),
        "padding": (conv.padding, "the merged conv reads the same padded input as the conv"),
        "dilation": ((1, 1), "the merged kernel is dense"),
        "groups": (conv.groups, "the pool works per channel, so the grouping does not change"),
        "padding_mode": (conv.padding_mode, "the merged conv pads the input the way the conv did"),
        "in_channels": (conv.in_channels, None),
        "out_channels": (conv.out_channels, None),
    }
    for name, (value, why_attr) in want.items():
        if getattr(merged, name) != value:
            fail(f"the merged conv has {name}={getattr(merged, name)!r}, expected {value!r}", call=call,
                 why=why_attr)
    if (merged.bias is None) != (conv.bias is None):
        fail(f"the merged conv {'has no' if merged.bias is None else 'has a'} bias; the conv "
             f"{'has one' if conv.bias is not None else 'has none'}", call=call,
             why="averaging a constant gives the constant: the bias carries over, and only then")
    # Another dtype or device is the convention test's business: read the values leniently here.
    w = merged.weight
    with torch.no_grad():
        got = merged(x.to(w.device, w.dtype))
    tol = TOL[dtype] if w.dtype == dtype else TOL[torch.float32]
    assert_close(got, composed(conv, pool, x), **tol, call=call, what="merged(x)",
                 why=why or "must equal pool(conv(x))")


# 1. Small cases you can check on paper.

def test_patchify_conv_then_2x2_pool_by_hand(impl, device):
    dt = torch.float64
    conv = nn.Conv2d(1, 1, 2, stride=2, bias=False).to(device, dt)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 1, 2, 2))
    call = Call(impl.merge_conv_avgpool, conv, nn.AvgPool2d(2))
    tile = torch.tensor([[1.0, 2, 1, 2], [3, 4, 3, 4], [1, 2, 1, 2], [3, 4, 3, 4]], dtype=dt)
    assert_close(call.out.weight, (tile / 4).reshape(1, 1, 4, 4), atol=1e-12, call=call, what="merged weight",
                 why="the pool averages 2x2 conv outputs that do not overlap (conv stride 2 = kernel 2): four "
                     "copies of the kernel side by side, each divided by 4")
    if call.out.stride != (4, 4):
        fail(f"merged stride {call.out.stride}, expected (4, 4)", call=call, why="conv stride 2 times pool stride 2")


def test_stride_one_conv_then_2x2_pool_by_hand(impl, device):
    dt = torch.float64
    conv = nn.Conv2d(1, 1, 2, bias=True).to(device, dt)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 1, 2, 2))
        conv.bias.fill_(5.0)
    call = Call(impl.merge_conv_avgpool, conv, nn.AvgPool2d(2))
    want = torch.tensor([[1.0, 3, 2], [4, 10, 6], [3, 7, 4]], dtype=dt) / 4
    assert_close(call.out.weight, want.reshape(1, 1, 3, 3), atol=1e-12, call=call, what="merged weight",
                 why="conv stride 1: the four copies of [[1, 2], [3, 4]] are shifted by one pixel and overlap; "
                     "add them up (the centre collects 4 + 3 + 2 + 1 = 10), then divide by 4")
    assert_close(call.out.bias, torch.tensor([5.0], dtype=dt), atol=1e-12, call=call, what="merged bias",
                 why="the average of four outputs that each carry the bias 5 still carries 5")


# 2. Against pool(conv(x)) on seeded random layers.

@pytest.mark.parametrize("name, dtype", [(n, torch.float64) for n in sorted(CONFIGS)]
                         + [(n, torch.float32) for n in FLOAT32_CONFIGS])
def test_matches_conv_then_pool(impl, device, name, dtype):
    conv, pool, x = make(name, device, dtype, seed=sorted(CONFIGS).index(name))
    check_merged(Call(impl.merge_conv_avgpool, conv, pool), conv, pool, x, dtype)


def test_divisor_override_scales_kernel_and_bias(impl, device):
    conv, pool, x = make("divisor_override", device, torch.float64, seed=20)
    check_merged(Call(impl.merge_conv_avgpool, conv, pool), conv, pool, x, torch.float64,
                 why="with divisor_override=3 each window's sum of 4 conv outputs is divided by 3: the kernel "
                     "copies by 3, and the bias (present 4 times in the sum) becomes bias * 4 / 3")


# 3. Edge cases.

@pytest.mark.parametrize("shape", [(0, 2, 11, 12), (1, 2, 5, 5), (1, 2, 6, 7)])
def test_smallest_and_empty_inputs(impl, device, shape):
    # conv 3x3 stride 2 padding 1, then pool 3 stride 2: a 5x5 input is the smallest with an output.
    conv, pool, _ = make("pool_stride_ne_kernel", device, torch.float64, seed=21)
    x = torch.randn(shape, generator=torch.Generator().manual_seed(22), dtype=torch.float64).to(device)
    check_merged(Call(impl.merge_conv_avgpool, conv, pool), conv, pool, x, torch.float64)


@pytest.mark.contract("pool padding or ceil_mode: ValueError")
def test_unsupported_pool_raises_value_error(impl, device):
    conv, _, _ = make("basic", device, torch.float32)
    assert_raises(ValueError, impl.merge_conv_avgpool, conv, nn.AvgPool2d(2, padding=1),
                  why="a padded pool averages zeros that the conv never produced (and count_include_pad "
                      "changes the divisor at the border): not one conv")
    assert_raises(ValueError, impl.merge_conv_avgpool, conv, nn.AvgPool2d(2, ceil_mode=True),
                  why="ceil_mode adds partial windows at the border with their own divisor: not one conv")


@pytest.mark.contract("conv dilation or string padding: ValueError")
def test_unsupported_conv_raises_value_error(impl, device):
    dilated = nn.Conv2d(3, 4, 3, dilation=2).to(device)
    assert_raises(ValueError, impl.merge_conv_avgpool, dilated, nn.AvgPool2d(2),
                  why="the statement supports dilation 1 only")
    # A stride-1 pool, so that copying padding="same" onto the merged (stride 1) conv does not raise
    # by itself: it would pad the larger kernel by more and return a conv of another output size.
    same = nn.Conv2d(3, 4, 3, padding="same").to(device)
    assert_raises(ValueError, impl.merge_conv_avgpool, same, nn.AvgPool2d(3, stride=1),
                  why="padding='same' is a rule for the conv's own kernel, not numbers to copy onto a larger one")
    valid = nn.Conv2d(3, 4, 3, padding="valid").to(device)
    assert_raises(ValueError, impl.merge_conv_avgpool, valid, nn.AvgPool2d(2),
                  why="the statement asks for numeric conv padding: a string padding raises ValueError")


# 5. The result is a new, independent layer.

@pytest.mark.convention("a new conv with its own fresh leaf parameters")
def test_result_owns_fresh_leaf_parameters(impl, device):
    conv, pool, x = make("groups_bias", device, torch.float32, seed=23)
    before = composed(conv, pool, x)
    call = Call(impl.merge_conv_avgpool, conv, pool)
    merged = call.out
    for pname in ("weight", "bias"):
        p = getattr(merged, pname)
        if not (isinstance(p, nn.Parameter) and p.is_leaf and p.requires_grad):
            fail(f"merged.{pname} must be a trainable leaf nn.Parameter", call=call,
                 got=f"{type(p).__name__}, is_leaf={p.is_leaf}, requires_grad={p.requires_grad}",
                 why="build the new weights under torch.no_grad() and copy them into a fresh nn.Conv2d")
    merged(x).sum().backward()
    if conv.weight.grad is not None or conv.bias.grad is not None:
        fail("backward through the merged conv reached the original conv's parameters", call=call,
             why="the merged conv must not stay connected to the original conv's graph")
    with torch.no_grad():
        merged.weight.mul_(2.0)
        merged.bias.add_(1.0)
    assert_close(composed(conv, pool, x), before, call=call, what="pool(conv(x)) after changing the merged conv",
                 why="the merged conv must own its weights; changing it must not change `conv`")


@pytest.mark.convention("the merged conv keeps conv.weight's dtype")
def test_keeps_dtype_and_device_of_conv(impl, device):
    for dtype in (torch.float64, torch.float32):
        conv, pool, _ = make("basic", device, dtype, seed=24)
        call = Call(impl.merge_conv_avgpool, conv, pool)
        w = call.out.weight
        if w.dtype != dtype or w.device.type != torch.device(device).type:
            fail(f"the merged conv lives on {w.device} as {w.dtype}, expected {device} as {dtype}", call=call,
                 why="build the new nn.Conv2d with device=conv.weight.device, dtype=conv.weight.dtype")
