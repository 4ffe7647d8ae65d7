"""Tests for torch/weight_init. Run: pytest katas/torch/weight_init

Fans and gains are exact. The initialisers are random, so their tests are statistical, on fixed
seeds (torch.Generator on the tensor's device) and with tolerances of about 7 standard errors, so
that any correct sampler passes and a wrong fan, gain or bound (off by 10% or more) does not. The
expected standard deviations come from torch.nn.init's own fan and gain rules
(torch.nn.init._calculate_fan_in_and_fan_out, torch.nn.init.calculate_gain), and torch.nn.init's
initialisers are held to the same checks. Correctness tests check the body of the normal (some
values beyond 2 std) but not its far tail, which is the "untruncated" convention test."""

import math

import pytest
import torch
from torch import nn

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, fail

DTYPES = [torch.float32, torch.float64]
IDS = ["float32", "float64"]
CONV = (96, 32, 3, 3)  # 27648 values: fan_in 288, fan_out 864
SQRT5 = math.sqrt(5)


def gen(device, seed):
    return torch.Generator(device=device).manual_seed(seed)


def torch_fans(shape):
    return torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


def check_stats(call, t, std, kind, device, dtype, why):
    """Uniform: inside [-b, b] and reaching near b; both: mean 0 and the standard deviation `std`."""
    __tracebackhide__ = True
    assert_array(t, kind="tensor", dtype=dtype, device=device, call=call, what="the initialised tensor")
    x = t.detach().double().cpu().flatten()
    n = x.numel()
    got_std = x.std().item()
    mean_tol = 7 * std / math.sqrt(n)
    if abs(x.mean().item()) > mean_tol:
        fail(f"the mean of the {n} values is {x.mean().item():.4g}, expected 0 (+- {mean_tol:.2g})", call=call, why=why)
    std_tol = 7 * (0.45 if kind == "uniform" else 0.71) / math.sqrt(n)  # relative standard errors of a sample std
    if abs(got_std / std - 1) > std_tol:
        fail(f"standard deviation {got_std:.5g}, expected {std:.5g} (+- {100 * std_tol:.1f}%)", call=call, why=why)
    top = x.abs().max().item()
    if kind == "uniform":
        bound = math.sqrt(3) * std
        if top > bound * (1 + 1e-6) or top < 0.995 * bound:
            fail(f"largest |value| {top:.5g}: a U(-b, b) draw of {n} values lies inside b = {bound:.5g} and "
                 "comes within 0.5% of it", call=call, why=why)
    elif top < 2.2 * std:
        fail(f"largest |value| {top:.4g} is only {top / std:.2f} std: a normal draw of {n} values has many beyond "
             "2.2 std (is it uniform?)", call=call, why=why)


def result(call, t):
    """What the initialiser produced: its return value, or the tensor given when it returns None (in place
    and the return value are the convention test's business)."""
    return call.out if isinstance(call.out, torch.Tensor) else t


def weight(device, dtype, shape=CONV):
    return torch.empty(shape, device=device, dtype=dtype)


# 1. Fans and gains, exact.

@pytest.mark.parametrize("shape,fans", [((5, 3), (3, 5)), ((8, 4, 3, 3), (36, 72)), ((2, 6, 5), (30, 10)),
                                        ((4, 2, 1, 3, 2), (12, 24)), ((1, 1), (1, 1)), ((0, 3), (3, 0)),
                                        ((7, 5, 0), (0, 0))], ids=str)
def test_fans_by_hand(impl, device, shape, fans):
    t = torch.empty(shape, device=device)
    call = Call(impl.calculate_fan_in_and_fan_out, t)
    out = call.out
    if not (isinstance(out, tuple) and len(out) == 2 and all(isinstance(v, int) and not isinstance(v, bool)
                                                             for v in out)):
        fail("calculate_fan_in_and_fan_out must return a tuple of two Python ints", call=call, got=repr(out))
    assert_equal(out, fans, call=call, what="(fan_in, fan_out)",
                 why=f"fan_in = shape[1] * prod(shape[2:]), fan_out = shape[0] * prod(shape[2:]); torch gives "
                     f"{torch_fans(shape)}")


@pytest.mark.parametrize("name,param", [("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None),
                                        ("conv_transpose2d", None), ("sigmoid", None), ("tanh", None),
                                        ("relu", None), ("relu", 0.3), ("leaky_relu", None), ("leaky_relu", 0.2),
                                        ("leaky_relu", SQRT5), ("leaky_relu", 0), ("selu", None)], ids=str)
def test_gains_match_torch(impl, device, name, param):
    call = Call(impl.calculate_gain, name) if param is None else Call(impl.calculate_gain, name, param)
    want = torch.nn.init.calculate_gain(name, param)
    if not isinstance(call.out, (float, int)) or isinstance(call.out, bool):
        fail("calculate_gain must return a Python float", call=call, got=repr(call.out))
    assert_close(call.out, want, rtol=1e-12, atol=0, call=call, what=f"gain of {name}",
                 why="torch.nn.init.calculate_gain; leaky_relu: sqrt(2 / (1 + slope^2)), slope 0.01 when param "
                     "is None, so slope sqrt(5) gives sqrt(1/3) (nn.Linear's default init) and slope 0 gives sqrt(2)")


# 2. The initialisers' statistics, against torch.nn.init's rules.

def xavier_cases():
    return [("xavier_uniform_", "uniform", {}), ("xavier_uniform_", "uniform", {"gain": 5 / 3}),
            ("xavier_normal_", "normal", {}), ("xavier_normal_", "normal", {"gain": 0.5})]


def kaiming_cases():
    return [("kaiming_uniform_", "uniform", {}), ("kaiming_uniform_", "uniform", {"a": SQRT5}),
            ("kaiming_uniform_", "uniform", {"mode": "fan_out", "nonlinearity": "relu"}),
            ("kaiming_uniform_", "uniform", {"nonlinearity": "tanh", "a": 3.0}),
            ("kaiming_normal_", "normal", {}), ("kaiming_normal_", "normal", {"a": 0.5, "mode": "fan_out"}),
            ("kaiming_normal_", "normal", {"nonlinearity": "selu"})]


def expected_std(name, shape, kw):
    fan_in, fan_out = torch_fans(shape)
    if name.startswith("xavier"):
        return kw.get("gain", 1.0) * math.sqrt(2.0 / (fan_in + fan_out))
    gain = torch.nn.init.calculate_gain(kw.get("nonlinearity", "leaky_relu"), kw.get("a", 0))
    return gain / math.sqrt(fan_in if kw.get("mode", "fan_in") == "fan_in" else fan_out)


def describe(name, shape, kw):
    fan_in, fan_out = torch_fans(shape)
    if name.startswith("xavier"):
        rule = f"gain * sqrt(2 / (fan_in + fan_out)) with gain {kw.get('gain', 1.0):.4g}"
    else:
        gain = torch.nn.init.calculate_gain(kw.get("nonlinearity", "leaky_relu"), kw.get("a", 0))
        rule = (f"gain / sqrt({kw.get('mode', 'fan_in')}) with gain {gain:.4g} "
                f"(nonlinearity {kw.get('nonlinearity', 'leaky_relu')!r}, a {kw.get('a', 0):.4g})")
    return (f"shape {shape}: fan_in {fan_in}, fan_out {fan_out} (the 3x3 kernel counts in both); std = {rule}"
            + ("; uniform bound sqrt(3) * std" if "uniform" in name else ""))


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
@pytest.mark.parametrize("case", range(len(xavier_cases()) + len(kaiming_cases())))
def test_statistics_match_torch_rules(impl, device, dtype, case):
    name, kind, kw = (xavier_cases() + kaiming_cases())[case]
    shape = CONV if case % 2 == 0 else (300, 120)  # a conv weight and a linear weight
    std = expected_std(name, shape, kw)
    why = describe(name, shape, kw)
    theirs = getattr(torch.nn.init, name)(weight(device, dtype, shape), **kw, generator=gen(device, 1))
    check_stats(f"torch.nn.init.{name}(..., {kw})", theirs, std, kind, device, dtype, "the oracle itself")
    t = weight(device, dtype, shape)
    call = Call(getattr(impl, name), t, mutates=True, **kw, generator=gen(device, case))
    check_stats(call, result(call, t), std, kind, device, dtype, why)


def test_defaults(impl, device):
    for name, kind in [("xavier_uniform_", "uniform"), ("xavier_normal_", "normal"),
                       ("kaiming_uniform_", "uniform"), ("kaiming_normal_", "normal")]:
        t = weight(device, torch.float32)
        torch.manual_seed(0)
        if device == "cuda":
            torch.cuda.manual_seed(0)
        call = Call(getattr(impl, name), t, mutates=True)  # every optional argument omitted, the global generator
        check_stats(call, result(call, t), expected_std(name, CONV, {}), kind, device, torch.float32,
                    "defaults: gain 1 for Xavier; a = 0, mode 'fan_in', nonlinearity 'leaky_relu' (gain sqrt(2)) "
                    "for Kaiming. " + describe(name, CONV, {}))


# 3. Generators, parameters, empty and tiny tensors.

def test_same_generator_state_same_values(impl, device):
    for name in ("xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"):
        fn = getattr(impl, name)
        a = fn(weight(device, torch.float64, (6, 4)), generator=gen(device, 7))
        b = fn(weight(device, torch.float64, (6, 4)), generator=gen(device, 7))
        c = fn(weight(device, torch.float64, (6, 4)), generator=gen(device, 8))
        assert_equal(a, b, what=f"{name} twice with torch.Generator().manual_seed(7)",
                     why="all the randomness comes from `generator`: the same state gives the same values")
        if torch.equal(a, c):
            fail(f"{name} gave the same values for seeds 7 and 8", why="the values must come from the generator")


def test_parameter_that_requires_grad(impl, device):
    for name in ("xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"):
        p = nn.Parameter(torch.zeros(40, 30, device=device))
        call = Call(getattr(impl, name), p, mutates=True, generator=gen(device, 3))
        out = result(call, p)
        if not (p.requires_grad and p.grad_fn is None and p.is_leaf):
            fail(f"{name}(parameter) changed the parameter's autograd state", got=f"requires_grad {p.requires_grad}, "
                 f"grad_fn {p.grad_fn}", why="fill it under torch.no_grad(): no history, still a trainable leaf")
        if out.grad_fn is not None:
            fail(f"{name}(parameter) returned a tensor with autograd history", got=str(out.grad_fn),
                 why="under torch.no_grad() nothing is recorded")
        if (out == 0).float().mean() > 0.01:
            fail(f"{name}(parameter) gave zeros", call=call, why="the weights must be drawn")


def test_empty_and_single_element(impl, device):
    for name in ("xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"):
        for shape in [(0, 3), (4, 0, 3, 3)]:
            t = weight(device, torch.float32, shape)
            kw = {"mode": "fan_out"} if name.startswith("kaiming") else {}
            call = Call(getattr(impl, name), t, mutates=True, **kw)
            assert_array(result(call, t), kind="tensor", dtype=torch.float32, shape=shape, device=device, call=call,
                         what="the empty tensor")
        t = torch.zeros(1, 1, dtype=torch.float64, device=device)
        call = Call(getattr(impl, name), t, mutates=True, generator=gen(device, 4))
        std = expected_std(name, (1, 1), {})
        v = abs(result(call, t).item())
        if v == 0 or ("uniform" in name and v > math.sqrt(3) * std * (1 + 1e-9)) or v > 8 * std:
            fail(f"{name} on a (1, 1) tensor gave {v!r} (in absolute value)", call=call,
                 why=f"fans (1, 1): std {std:.4g}; a uniform value lies within sqrt(3) * std")


# 4. Conventions.

@pytest.mark.convention("in place: fills and returns the same tensor")
def test_in_place_returns_the_tensor(impl, device):
    for name in ("xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"):
        t = torch.zeros(20, 10, device=device, dtype=torch.float64)
        call = Call(getattr(impl, name), t, mutates=True, generator=gen(device, 5))
        if call.out is not t:
            fail(f"{name} must return the tensor it was given", call=call,
                 why="the trailing underscore: torch.nn.init fills the tensor in place and returns it, so "
                     "nn.init.kaiming_normal_(conv.weight) initialises the layer")
        if (t == 0).all():
            fail(f"{name} left the tensor it was given at zero", call=call, why="the tensor is filled in place")


@pytest.mark.convention("normals are not truncated (torch, not Keras)")
def test_normals_are_not_truncated(impl, device):
    for name in ("xavier_normal_", "kaiming_normal_"):
        t = weight(device, torch.float64, (256, 64, 3, 3))  # 147456 values
        call = Call(getattr(impl, name), t, mutates=True, generator=gen(device, 6))
        std = expected_std(name, tuple(t.shape), {})
        beyond = (result(call, t).abs() > 2.5 * std).double().mean().item()
        want = math.erfc(2.5 / math.sqrt(2))  # 1.24% of a normal lies beyond 2.5 std
        if abs(beyond - want) > 7 * math.sqrt(want * (1 - want) / t.numel()):
            fail(f"{name}: {100 * beyond:.2f}% of the values lie beyond 2.5 std, expected {100 * want:.2f}%",
                 call=call, why="torch.nn.init draws an untruncated normal: tensor.normal_(0, std). Keras' "
                                "he_normal truncates at 2 std (then rescales), so nothing lies beyond 2.27 std")


@pytest.mark.contract("mode other than fan_in / fan_out: ValueError")
def test_bad_mode(impl, device):
    for name in ("kaiming_uniform_", "kaiming_normal_"):
        assert_raises(ValueError, getattr(impl, name), weight(device, torch.float32, (4, 3)), mode="fan_avg",
                      why="only 'fan_in' and 'fan_out' are modes: a typo must not pick fan_out silently")


@pytest.mark.contract("fewer than 2 dimensions: ValueError")
def test_fewer_than_two_dims(impl, device):
    assert_raises(ValueError, impl.calculate_fan_in_and_fan_out, torch.empty(5, device=device),
                  why="a 1-D tensor (a bias) has no fan_in and fan_out")
    for name in ("xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"):
        assert_raises(ValueError, getattr(impl, name), torch.empty(5, device=device),
                      why="fans need at least 2 dimensions; biases are initialised otherwise")


@pytest.mark.contract("unknown nonlinearity: ValueError")
def test_unknown_nonlinearity(impl, device):
    assert_raises(ValueError, impl.calculate_gain, "gelu", why="gelu has no gain in the table: raise, do not guess 1")
    assert_raises(ValueError, impl.kaiming_normal_, weight(device, torch.float32, (4, 3)), nonlinearity="swish",
                  why="the gain comes from calculate_gain, which raises for an unknown name")
