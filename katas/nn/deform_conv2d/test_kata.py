"""Tests for nn/deform_conv2d. Run: pytest katas/nn/deform_conv2d

Oracles: zero offsets against torch.nn.functional.conv2d, a uniform integer offset against conv2d
of the shifted image, and fractional offsets and masks against the per-sample bilinear loop below
(float64); torchvision.ops.deform_conv2d too where it is installed. Random fractional offsets keep
every sample inside [0, H - 1] x [0, W - 1], so how samples just outside the image are read is
decided only by its convention test."""

import math

import numpy as np
import pytest
import torch

from cvkatas import Call, assert_array, assert_close, assert_raises


def pair(v):
    return (v, v) if np.isscalar(v) else tuple(v)


def out_size(H, W, KH, KW, stride, padding, dilation):
    (sh, sw), (ph, pw), (dh, dw) = pair(stride), pair(padding), pair(dilation)
    return (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1, (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1


def bilinear(img, y, x):
    """img (C, H, W) at the fractional position (y, x); neighbours outside the image count as 0."""
    _, H, W = img.shape
    y0, x0 = math.floor(y), math.floor(x)
    total = np.zeros(img.shape[0])
    for yy, wy in ((y0, 1 - (y - y0)), (y0 + 1, y - y0)):
        for xx, wx in ((x0, 1 - (x - x0)), (x0 + 1, x - x0)):
            if 0 <= yy < H and 0 <= xx < W:
                total += wy * wx * img[:, yy, xx]
    return total


def deform_loop(x, offset, weight, bias=None, stride=1, padding=0, dilation=1, mask=None):
    """The definition, one output position, offset group and tap at a time, float64."""
    x, offset, weight = (np.asarray(a, np.float64) for a in (x, offset, weight))
    (sh, sw), (ph, pw), (dh, dw) = pair(stride), pair(padding), pair(dilation)
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    K, (OH, OW) = KH * KW, offset.shape[2:]
    G = offset.shape[1] // (2 * K)
    Cg = C // G
    out = np.zeros((N, F, OH, OW))
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                for g in range(G):
                    for u in range(KH):
                        for v in range(KW):
                            k = u * KW + v
                            dy, dx = offset[n, g * 2 * K + 2 * k, i, j], offset[n, g * 2 * K + 2 * k + 1, i, j]
                            y, xx = i * sh - ph + u * dh + dy, j * sw - pw + v * dw + dx
                            s = bilinear(x[n, g * Cg:(g + 1) * Cg], y, xx)
                            if mask is not None:
                                s = s * mask[n, g * K + k, i, j]
                            out[n, :, i, j] += weight[:, g * Cg:(g + 1) * Cg, u, v] @ s
    return out if bias is None else out + np.asarray(bias, np.float64)[None, :, None, None]


def inside_offsets(rng, N, G, KH, KW, H, W, OH, OW, stride, padding, dilation, spread=1.5):
    """Random fractional offsets whose samples all land in [0.05, H - 1.05] x [0.05, W - 1.05]."""
    (sh, sw), (ph, pw), (dh, dw) = pair(stride), pair(padding), pair(dilation)
    off = rng.uniform(-spread, spread, size=(N, G, KH, KW, 2, OH, OW))
    base_y = (np.arange(OH) * sh - ph)[None, :, None] + (np.arange(KH) * dh)[:, None, None]  # (KH, OH, 1)
    base_x = (np.arange(OW) * sw - pw)[None, None, :] + (np.arange(KW) * dw)[:, None, None]  # (KW, 1, OW)
    y = np.clip(base_y[None, None, :, None] + off[:, :, :, :, 0], 0.05, H - 1.05)
    x = np.clip(base_x[None, None, None, :] + off[:, :, :, :, 1], 0.05, W - 1.05)
    off[:, :, :, :, 0] = y - base_y[None, None, :, None]
    off[:, :, :, :, 1] = x - base_x[None, None, None, :]
    return off.reshape(N, G * KH * KW * 2, OH, OW)


def conv2d(x, w, b, stride=1, padding=0, dilation=1):
    t = torch.from_numpy
    return torch.nn.functional.conv2d(t(np.asarray(x, np.float64)), t(np.asarray(w, np.float64)),
                                      None if b is None else t(np.asarray(b, np.float64)), pair(stride),
                                      pair(padding), pair(dilation)).numpy()


# 1. By hand.

def test_by_hand_one_by_one_kernel(impl):
    img = np.array([[[[0.0, 1.0], [2.0, 3.0]]]])  # value 2y + x at (y, x)
    offset = np.zeros((1, 2, 2, 2))
    offset[0, :, 0, 0] = [0.5, 0.25]  # output (0, 0) reads (0.5, 0.25): 2 * 0.5 + 0.25
    offset[0, :, 0, 1] = [1.0, 0.0]   # output (0, 1) reads (1, 1): dy moves along the rows
    call = Call(impl.deform_conv2d, img, offset, np.ones((1, 1, 1, 1)))
    assert_close(call.out, [[[[1.25, 3.0], [2.0, 3.0]]]], call=call, what="output",
                 why="1x1 kernel of weight 1: each output is the bilinear sample at its own place plus "
                     "(dy, dx); offset channel 0 is dy (rows), channel 1 is dx (columns)")


# 2. Against conv2d, the loop and torchvision.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_zero_offsets_equal_conv2d(impl, dtype):
    rng = np.random.default_rng(0)
    for N, C, F, H, W, KH, KW, stride, padding, dilation in [
            (1, 1, 1, 1, 1, 1, 1, 1, 0, 1), (2, 3, 4, 6, 5, 3, 3, 1, 1, 1), (1, 2, 3, 7, 8, 3, 2, 2, (1, 0), 1),
            (2, 4, 2, 8, 7, 3, 3, (1, 2), 2, (2, 1)), (0, 2, 2, 4, 4, 3, 3, 1, 1, 1)]:
        x, w, b = (rng.normal(size=s).astype(dtype) for s in ((N, C, H, W), (F, C, KH, KW), (F,)))
        OH, OW = out_size(H, W, KH, KW, stride, padding, dilation)
        offset = np.zeros((N, 2 * KH * KW, OH, OW), dtype)
        call = Call(impl.deform_conv2d, x, offset, w, b, stride=stride, padding=padding, dilation=dilation)
        assert_close(call.out, conv2d(x, w, b, stride, padding, dilation), call=call, what="output",
                     why="with zero offsets and no mask, deformable convolution is conv2d (zero padding)")


def test_uniform_integer_offset_equals_shifted_conv2d(impl):
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=(2, 3, 6, 7)), rng.normal(size=(2, 3, 3, 3)), rng.normal(size=2)
    m = 3
    xp = np.pad(x, ((0, 0), (0, 0), (1 + m, 1 + m), (1 + m, 1 + m)))  # padding 1, plus room for the shift
    for dy, dx in [(1, 0), (0, -2), (-1, 2), (3, 3)]:
        offset = np.zeros((2, 18, 6, 7))
        offset[:, 0::2], offset[:, 1::2] = dy, dx
        shifted = xp[:, :, m + dy:m + dy + 8, m + dx:m + dx + 9]  # the padded image moved by (dy, dx)
        call = Call(impl.deform_conv2d, x, offset, w, b, padding=1)
        assert_close(call.out, conv2d(shifted, w, b), call=call, what=f"output for every offset = ({dy}, {dx})",
                     why="an integer offset d on every tap reads the image d pixels further: a conv2d of the "
                         "shifted image, with zeros coming in from outside")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fractional_offsets_match_bilinear_loop(impl, dtype):
    rng = np.random.default_rng(2)
    for N, C, F, H, W, KH, KW, G, stride, padding, dilation, masked in [
            (1, 1, 1, 3, 3, 1, 1, 1, 1, 0, 1, False), (2, 2, 3, 5, 6, 3, 3, 1, 1, 1, 1, False),
            (1, 4, 2, 6, 5, 3, 3, 2, 1, 1, 1, True), (2, 3, 2, 7, 6, 2, 3, 1, 2, 1, (2, 1), True),
            (1, 4, 3, 5, 5, 3, 3, 4, 1, 0, 1, True)]:
        x, w, b = (rng.normal(size=s).astype(dtype) for s in ((N, C, H, W), (F, C, KH, KW), (F,)))
        OH, OW = out_size(H, W, KH, KW, stride, padding, dilation)
        offset = inside_offsets(rng, N, G, KH, KW, H, W, OH, OW, stride, padding, dilation).astype(dtype)
        mask = rng.uniform(0.1, 1.0, size=(N, G * KH * KW, OH, OW)).astype(dtype) if masked else None
        call = Call(impl.deform_conv2d, x, offset, w, b, stride=stride, padding=padding, dilation=dilation,
                    mask=mask)
        assert_close(call.out, deform_loop(x, offset, w, b, stride, padding, dilation, mask), call=call,
                     what="output", why=f"offset groups G = {G}: channels g*C/G .. (g+1)*C/G - 1 use the offsets "
                                        f"(and mask) of group g; (dy, dx) pairs per tap k = u*KW + v")


def test_matches_torchvision_where_installed(impl):
    ops = pytest.importorskip("torchvision.ops")
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(2, 4, 6, 6)), rng.normal(size=(3, 4, 3, 3)), rng.normal(size=3)
    offset = rng.normal(size=(2, 2 * 2 * 9, 6, 6)) * 2  # two offset groups, samples outside too
    mask = rng.uniform(size=(2, 2 * 9, 6, 6))
    t = torch.from_numpy
    want = ops.deform_conv2d(t(x), t(offset), t(w), t(b), padding=(1, 1), mask=t(mask))
    call = Call(impl.deform_conv2d, x, offset, w, b, padding=1, mask=mask)
    assert_close(call.out, want, call=call, what="output (torchvision.ops.deform_conv2d)")


# 3. Edge cases and properties.

def test_far_offsets_read_zeros(impl):
    rng = np.random.default_rng(4)
    x, w, b = rng.normal(size=(1, 2, 4, 4)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    for far in (50.0, -50.0):
        offset = np.full((1, 18, 4, 4), far)
        call = Call(impl.deform_conv2d, x, offset, w, b, padding=1)
        assert_close(call.out, np.broadcast_to(b[None, :, None, None], (1, 3, 4, 4)), call=call, what="output",
                     why="every sample lies far outside the image, where the input counts as 0: only the bias "
                         "is left (not the border pixels repeated)")


def test_mask_modulates_each_sample(impl):
    rng = np.random.default_rng(5)
    x, w = rng.normal(size=(1, 2, 5, 5)), rng.normal(size=(2, 2, 3, 3))
    offset = inside_offsets(rng, 1, 1, 3, 3, 5, 5, 5, 5, 1, 1, 1)
    v1 = Call(impl.deform_conv2d, x, offset, w, padding=1).out
    call = Call(impl.deform_conv2d, x, offset, w, padding=1, mask=np.ones((1, 9, 5, 5)))
    assert_close(call.out, v1, call=call, what="output with mask = 1", why="a mask of ones is v1")
    mask = np.zeros((1, 9, 5, 5))
    mask[0, 4] = 1.0  # keep only the centre tap (u, v) = (1, 1)
    call = Call(impl.deform_conv2d, x, offset, w, padding=1, mask=mask)
    centre = Call(impl.deform_conv2d, x, offset[:, 8:10], w[:, :, 1:2, 1:2]).out
    assert_close(call.out, centre, call=call, what="output with only the centre tap's mask on",
                 why="mask channel k = u*KW + v scales tap k's sample only")


# Conventions and bad input.

@pytest.mark.convention("sample just outside: blends with zero padding (torchvision)")
def test_sample_just_outside_blends_with_zero(impl):
    img = np.array([[[[4.0, 8.0], [12.0, 16.0]]]])
    offset = np.zeros((1, 2, 2, 2))
    offset[0, 0, 0, :] = -0.5   # row 0 reads y = -0.5: half row 0, half the zero row above
    offset[0, 1, 1, 1] = 0.25   # (1, 1) reads x = 1.25: three quarters of column 1, a quarter of zero
    call = Call(impl.deform_conv2d, img, offset, np.ones((1, 1, 1, 1)))
    assert_close(call.out, [[[[2.0, 4.0], [12.0, 12.0]]]], call=call, what="output",
                 why="neighbours outside the image are 0 but still take part: y = -0.5 gives 0.5 * row 0 "
                     "(torchvision's bilinear_interpolate reads 0 only for y <= -1 or y >= H); clamping to the "
                     "border would give row 0 itself, and zeroing every sample outside [0, H - 1] would give 0")


@pytest.mark.convention("output keeps the input dtype")
def test_keeps_input_dtype(impl):
    rng = np.random.default_rng(6)
    for dtype in (np.float32, np.float64):
        x, w = rng.normal(size=(1, 2, 4, 4)).astype(dtype), rng.normal(size=(3, 2, 3, 3)).astype(dtype)
        offset = rng.normal(size=(1, 18, 2, 2)).astype(dtype)
        call = Call(impl.deform_conv2d, x, offset, w, mask=np.ones((1, 9, 2, 2), dtype))
        assert_array(call.out, dtype=dtype, shape=(1, 3, 2, 2), call=call, what="output")


@pytest.mark.contract("offset or mask not (N, ..., OH, OW): ValueError")
def test_bad_shapes_raise_value_error(impl):
    x, w = np.ones((1, 2, 4, 4)), np.ones((3, 2, 3, 3))
    assert_raises(ValueError, impl.deform_conv2d, x, np.zeros((1, 18, 1, 1)), w, padding=1,
                  why="offset must be (N, 2*G*KH*KW, OH, OW) = (1, 18, 4, 4); a (1, 1) map would broadcast")
    assert_raises(ValueError, impl.deform_conv2d, x, np.zeros((1, 18, 4, 4)), w, padding=1,
                  mask=np.ones((1, 9, 1, 1)), why="mask must be (N, G*KH*KW, OH, OW) = (1, 9, 4, 4)")
    assert_raises(ValueError, impl.deform_conv2d, x, np.zeros((1, 20, 4, 4)), w, padding=1,
                  why="offset channels must be a multiple of 2*KH*KW = 18")
