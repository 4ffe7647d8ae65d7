"""Tests for torch/quantize. Run: pytest katas/torch/quantize

Oracles: torch.quantize_per_tensor / quantize_per_channel (int_repr, dequantize) and
torch.fake_quantize_per_tensor_affine / fake_quantize_per_channel_affine with their autograd.
Random inputs are drawn as (integer + u) * scale with |u| <= 0.4, so that no x / scale lies near a
half and the rounding rule decides nothing there: half to even has its own convention test."""

import warnings

import pytest
import torch

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, fail, torch_backward

warnings.filterwarnings("ignore", message=".*quantize.* deprecated", category=UserWarning)


def draw(shape, scale, seed, spread=150):
    """float32 values (k + u) * scale, k integer in [-spread, spread], |u| <= 0.4, scale broadcast."""
    gen = torch.Generator().manual_seed(seed)
    k = torch.randint(-spread, spread + 1, shape, generator=gen).double()
    u = (torch.rand(shape, generator=gen, dtype=torch.float64) - 0.5) * 0.8
    return ((k + u) * scale).float()


def along(v, axis, ndim):
    shape = [1] * ndim
    shape[axis] = -1
    return v.reshape(shape)


def check(call, expected, dtype, what, why, exact=True):
    __tracebackhide__ = True
    assert_array(call.out, kind="tensor", dtype=dtype, shape=tuple(expected.shape), device=expected.device,
                 call=call, what=what)
    if exact:
        assert_equal(call.out, expected, call=call, what=what, why=why)
    else:
        assert_close(call.out, expected, rtol=1e-6, atol=1e-7, call=call, what=what, why=why)


# 1. By hand.

def test_by_hand(impl, device):
    x = torch.tensor([0.0, 0.3, -0.6, 1.0, 40.0, -40.0], device=device)
    call = Call(impl.quantize, x, 0.25, 3)
    check(call, torch.tensor([3, 4, 1, 7, 127, -128], dtype=torch.int8, device=device), torch.int8, "q",
          "round(x / 0.25) + 3: 0 -> 3, 1.2 -> 1 + 3, -2.4 -> -2 + 3, 4 + 3; 160 + 3 and -160 + 3 saturate at "
          "127 and -128")
    call = Call(impl.dequantize, call.out, 0.25, 3)
    check(call, torch.tensor([0.0, 0.25, -0.5, 1.0, 31.0, -32.75], device=device), torch.float32, "dequantized",
          "(q - 3) * 0.25; (127 - 3) * 0.25 = 31 and (-128 - 3) * 0.25 = -32.75: compute q - zero_point wider "
          "than int8")
    call = Call(impl.quantize, x, torch.tensor(0.25, device=device), torch.tensor(3, device=device))
    check(call, torch.tensor([3, 4, 1, 7, 127, -128], dtype=torch.int8, device=device), torch.int8, "q",
          "scale and zero_point may also be 0-d tensors: the same per-tensor quantisation")
    call = Call(impl.fake_quantize, x, 0.25, 3)
    check(call, torch.tensor([0.0, 0.25, -0.5, 1.0, 31.0, -32.75], device=device), torch.float32, "fake-quantized",
          "dequantize(quantize(x)) in one step")


def test_per_channel_by_hand(impl, device):
    w = torch.tensor([[4.2, -2.2, 6.6], [4.2, -2.2, 6.6]], device=device)  # 2 output channels, axis 0
    scales = torch.tensor([0.5, 2.0], device=device)
    zps = torch.tensor([0, -1], device=device)
    call = Call(impl.quantize, w, scales, zps, axis=0)
    check(call, torch.tensor([[8, -4, 13], [1, -2, 2]], dtype=torch.int8, device=device), torch.int8, "q",
          "row 0 uses scale 0.5, zero point 0: round([8.4, -4.4, 13.2]); row 1 scale 2, zero point -1: "
          "round([2.1, -1.1, 3.3]) - 1. Each row is one channel along axis 0")


# 2. Against torch.

PER_TENSOR = [((5, 7), 0.05, 0), ((0,), 0.1, 3), ((1,), 0.2, -7), ((2, 3, 4, 4), 0.013, 11), ((64,), 1.5, -128)]


def test_quantize_per_tensor_matches_torch(impl, device):
    for k, (shape, s, z) in enumerate(PER_TENSOR):
        x = draw(shape, s, k).to(device)
        expected = torch.quantize_per_tensor(x.cpu(), s, z, torch.qint8).int_repr().to(device)
        check(Call(impl.quantize, x, s, z), expected, torch.int8, "q",
              "torch.quantize_per_tensor(x, scale, zero_point, torch.qint8).int_repr()")
        q = expected
        deq = torch._make_per_tensor_quantized_tensor(q.cpu(), s, z).dequantize().to(device)
        check(Call(impl.dequantize, q, s, z), deq, torch.float32, "dequantized", "torch's dequantize()",
              exact=False)


PER_CHANNEL = [((4, 6), 0), ((3, 4, 2, 2), 1), ((4, 4), 0), ((2, 3, 5), -1), ((1, 1), 0), ((0, 3), 1)]


def channel_params(c, seed):
    gen = torch.Generator().manual_seed(seed)
    return (torch.rand(c, generator=gen, dtype=torch.float64) * 0.2 + 0.01,
            torch.randint(-20, 21, (c,), generator=gen))


def test_quantize_per_channel_matches_torch(impl, device):
    for k, (shape, axis) in enumerate(PER_CHANNEL):
        c = shape[axis]
        scales, zps = channel_params(c, 100 + k)
        x = draw(shape, along(scales, axis, len(shape)), k)
        expected = torch.quantize_per_channel(x, scales, zps, axis % len(shape), torch.qint8)
        s, z = scales.float().to(device), zps.to(device)
        why = (f"channel c along axis {axis} uses scales[c] and zero_points[c] "
               "(torch.quantize_per_channel(...).int_repr())")
        check(Call(impl.quantize, x.to(device), s, z, axis=axis), expected.int_repr().to(device), torch.int8, "q", why)
        check(Call(impl.dequantize, expected.int_repr().to(device), s, z, axis=axis),
              expected.dequantize().to(device), torch.float32, "dequantized", "torch's dequantize()", exact=False)


def test_round_trip_error_is_at_most_half_a_step(impl, device):
    x = draw((200,), 0.07, 7, spread=100).to(device)  # inside the int8 range for zero point 5
    call = Call(impl.dequantize, impl.quantize(x, 0.07, 5), 0.07, 5)
    err = (call.out - x).abs().max().item()
    if err > 0.035 + 1e-6:
        fail(f"|dequantize(quantize(x)) - x| reaches {err:.4g}", call=call, why="rounding moves at most half a "
             "step, scale / 2 = 0.035, for values inside the range")


# 3. Fake-quant: forward and straight-through gradient against torch.

def test_fake_quantize_per_tensor_matches_torch(impl, device):
    for k, (shape, s, z, qmin, qmax) in enumerate([((6, 5), 0.05, 2, -128, 127), ((40,), 0.3, 0, 0, 15),
                                                    ((2, 3, 3), 0.02, -3, -8, 7), ((0, 2), 0.1, 0, -128, 127)]):
        x = draw(shape, s, 20 + k, spread=200).to(device).requires_grad_(True)
        ref = x.detach().clone().requires_grad_(True)
        kw = {} if (qmin, qmax) == (-128, 127) else {"quant_min": qmin, "quant_max": qmax}
        out = impl.fake_quantize(x, s, z, **kw)
        expected = torch.fake_quantize_per_tensor_affine(ref, s, z, qmin, qmax)
        call = f"fake_quantize(x of shape {shape}, {s}, {z}{', ' + str(kw) if kw else ''})"
        assert_array(out, kind="tensor", dtype=torch.float32, shape=shape, device=device, call=call)
        assert_close(out, expected, rtol=1e-6, atol=1e-7, call=call, what="forward",
                     why=f"torch.fake_quantize_per_tensor_affine(x, {s}, {z}, {qmin}, {qmax})")
        g = draw(shape, 0.01, 30 + k).to(device)
        if not out.requires_grad:
            fail("fake_quantize's result does not require grad", call=call,
                 why="the straight-through estimator lets the gradient pass the rounding")
        torch_backward(out, g)
        torch_backward(expected, g)
        assert_close(x.grad, ref.grad, rtol=0, atol=0, call=call, what="gradient",
                     why="straight through where round(x / scale) + zero_point is inside [quant_min, quant_max], "
                         "0 where the value was clipped")


def test_fake_quantize_per_channel_matches_torch(impl, device):
    for k, (shape, axis) in enumerate(PER_CHANNEL[:4]):
        c = shape[axis]
        scales, zps = channel_params(c, 200 + k)
        s, z = scales.float(), zps.to(torch.int32)
        base = draw(shape, along(s.double(), axis, len(shape)), 40 + k, spread=200)
        x, ref = base.clone().to(device).requires_grad_(True), base.clone().requires_grad_(True)
        out = impl.fake_quantize(x, s.to(device), z.to(device), axis=axis)
        expected = torch.fake_quantize_per_channel_affine(ref, s, z, axis % len(shape), -128, 127)
        call = f"fake_quantize(x of shape {shape}, scales, zero_points, axis={axis})"
        assert_array(out, kind="tensor", dtype=torch.float32, shape=shape, device=device, call=call)
        assert_close(out, expected, rtol=1e-6, atol=1e-7, call=call, what="forward",
                     why="torch.fake_quantize_per_channel_affine: channel c along `axis` uses scales[c]")
        g = draw(shape, 0.01, 50 + k)
        torch_backward(out, g.to(device))
        torch_backward(expected, g)
        assert_close(x.grad, ref.grad, rtol=0, atol=0, call=call, what="gradient",
                     why="straight through where not clipped, 0 where clipped")


# 4. Convention and input checks.

@pytest.mark.convention("rounding: half to even")
def test_rounding_is_half_to_even(impl, device):
    x = torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5], device=device)
    expected = torch.tensor([0, 2, 2, 0, -2, -2], device=device)
    why = ("torch.round and torch.quantize_per_tensor round halves to the even integer: 0.5 -> 0, 2.5 -> 2, "
           "-0.5 -> 0; floor(v + 0.5) rounds them all up")
    check(Call(impl.quantize, x, 1.0, 0), expected.to(torch.int8), torch.int8, "q", why)
    check(Call(impl.fake_quantize, x, 1.0, 0), expected.float(), torch.float32, "fake-quantized", why)


@pytest.mark.contract("scale not > 0: ValueError")
def test_bad_scale_raises(impl, device):
    x = torch.tensor([0.3, -1.2], device=device)
    assert_raises(ValueError, impl.quantize, x, 0.0, 0, why="scale 0 divides by zero and saturates silently")
    assert_raises(ValueError, impl.fake_quantize, x, -0.1, 0, why="a negative scale silently flips the signs")
    assert_raises(ValueError, impl.quantize, torch.ones(2, 3, device=device), torch.tensor([0.1, -0.1], device=device),
                  torch.tensor([0, 0], device=device), axis=0, why="every per-channel scale must be > 0")


@pytest.mark.contract("per-channel length: ValueError")
def test_per_channel_length_must_match(impl, device):
    w = torch.ones(3, 4, device=device)
    one_s, one_z = torch.tensor([0.1], device=device), torch.tensor([0], device=device)
    assert_raises(ValueError, impl.quantize, w, one_s, one_z, axis=0,
                  why="one scale for 3 channels would broadcast silently")
    assert_raises(ValueError, impl.dequantize, w.to(torch.int8), torch.full((4,), 0.1, device=device),
                  torch.zeros(4, dtype=torch.long, device=device), axis=0,
                  why="4 scales for the 3 channels along axis 0 (they fit axis 1): broadcasting would hide it")
