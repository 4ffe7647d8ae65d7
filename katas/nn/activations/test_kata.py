"""Tests for nn/activations. Run: pytest katas/nn/activations

Correctness tests stay off the kinks (and off softplus's threshold), where the gradient is a choice;
each kink has a hand-built convention test of its own, as have the output dtype and "a new array"."""

import math

import numpy as np
import pytest
import torch

from cvkatas import (
    Call,
    assert_array,
    assert_close,
    assert_gradient_close,
    assert_raises,
    fail,
    numerical_gradient,
    quiet_call,
    show,
    torch_backward,
)

F = torch.nn.functional

# (name, keyword arguments): every activation, and the non-default parameters worth a test of their own.
CASES = [
    ("relu", {}),
    ("leaky_relu", {}),
    ("leaky_relu", {"negative_slope": 0.2}),
    ("relu6", {}),
    ("sigmoid", {}),
    ("tanh", {}),
    ("gelu", {}),
    ("gelu", {"approximate": "tanh"}),
    ("silu", {}),
    ("hardswish", {}),
    ("softplus", {}),
    ("softplus", {"beta": 2.0, "threshold": 5.0}),
]
NAMES = sorted({name for name, _ in CASES})


def cases(name):
    return [kw for n, kw in CASES if n == name]

# Points where an activation has a kink (or softplus switches to its linear branch): random inputs
# are kept away from them, where every convention of the gradient agrees.
KINKS = np.array([-3.0, 0.0, 2.5, 3.0, 6.0, 20.0])


def torch_fn(name):
    return {"sigmoid": torch.sigmoid, "tanh": torch.tanh}.get(name) or getattr(F, name)


def torch_forward_backward(name, kw, x, dout, dtype=torch.float64):
    """torch's value and autograd gradient at x (cast to `dtype`)."""
    t = torch.tensor(np.asarray(x, np.float64), dtype=dtype, requires_grad=True)
    y = torch_fn(name)(t, **kw)
    torch_backward(y, torch.tensor(np.asarray(dout, np.float64), dtype=dtype))
    return y.detach(), t.grad


def definition(name, x, kw):
    """Each activation written out in float64 from its formula (for moderate x)."""
    x = np.asarray(x, np.float64)
    if name == "relu":
        return np.where(x > 0, x, 0.0)
    if name == "leaky_relu":
        return np.where(x > 0, x, kw.get("negative_slope", 0.01) * x)
    if name == "relu6":
        return np.minimum(np.maximum(x, 0.0), 6.0)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-x))
    if name == "tanh":
        return np.sinh(x) / np.cosh(x)
    if name == "gelu" and kw.get("approximate", "none") == "none":
        return x * np.vectorize(lambda v: 0.5 * (1.0 + math.erf(v / math.sqrt(2.0))))(x)
    if name == "gelu":
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))
    if name == "silu":
        return x / (1.0 + np.exp(-x))
    if name == "hardswish":
        return x * np.minimum(np.maximum(x + 3.0, 0.0), 6.0) / 6.0
    if name == "softplus":
        beta, threshold = kw.get("beta", 1.0), kw.get("threshold", 20.0)
        return np.where(beta * x > threshold, x, np.log(1.0 + np.exp(np.minimum(beta * x, 50.0))) / beta)
    raise KeyError(name)


def away_from_kinks(x):
    """Move values within 1e-3 of a kink by 0.01, so centered differences see a smooth function."""
    x = np.array(x, np.float64)
    for k in KINKS:
        x[np.abs(x - k) < 1e-3] += 0.01
    return x


def random_input(shape, rng):
    return away_from_kinks(rng.normal(size=shape) * 4.0)


WHY_QUIET = ("large |x| must not overflow: e.g. for sigmoid use exp(-|x|), which is at most 1, "
             "and pick the formula by the sign of x; for softplus use its linear branch or logaddexp")


def call_quietly(fn, *args, **kwargs):
    """`quiet_call` with this kata's explanation of how to avoid the warning."""
    __tracebackhide__ = True
    return quiet_call(fn, *args, why=WHY_QUIET, **kwargs)


# 1. By hand.

BY_HAND = [
    ("relu", {}, [-2.0, 0.0, 3.0], [0.0, 0.0, 3.0], "max(x, 0)"),
    ("leaky_relu", {"negative_slope": 0.1}, [-2.0, 0.0, 3.0], [-0.2, 0.0, 3.0], "0.1 * x for x <= 0"),
    ("leaky_relu", {}, [-2.0, 3.0], [-0.02, 3.0], "negative_slope omitted: its default 0.01"),
    ("relu6", {}, [-1.0, 3.0, 7.0], [0.0, 3.0, 6.0], "clip to [0, 6]"),
    ("sigmoid", {}, [0.0, math.log(3.0)], [0.5, 0.75], "1 / (1 + 1/3) = 0.75"),
    ("tanh", {}, [0.0, math.log(2.0)], [0.0, 0.6], "tanh(ln 2) = (4 - 1) / (4 + 1)"),
    ("gelu", {}, [0.0, 1.0, -1.0], [0.0, 0.8413447460685429, -0.15865525393145707],
     "approximate omitted: the exact x * Phi(x), Phi(1) = 0.841345"),
    ("gelu", {"approximate": "tanh"}, [1.0], [0.8411919906082768],
     "0.5 * (1 + tanh(sqrt(2 / pi) * 1.044715))"),
    ("silu", {}, [0.0, math.log(3.0)], [0.0, 0.75 * math.log(3.0)], "x * sigmoid(x)"),
    ("hardswish", {}, [-4.0, -1.0, 1.0, 4.0], [0.0, -1.0 / 3.0, 2.0 / 3.0, 4.0], "x * clip(x + 3, 0, 6) / 6"),
    ("softplus", {"beta": 2.0, "threshold": 5.0}, [0.0, 2.6], [math.log(2.0) / 2.0, 2.6],
     "log(2) / beta at 0; beta * 2.6 = 5.2 > threshold 5, so softplus is x itself"),
    ("softplus", {}, [0.0, 21.0], [math.log(2.0), 21.0],
     "beta and threshold omitted: 1 and 20; log(2) at 0, and 21 > 20 is on the linear branch"),
]


@pytest.mark.parametrize("name, kw, x, expected, why", BY_HAND, ids=[f"{c[0]}-{i}" for i, c in enumerate(BY_HAND)])
def test_forward_by_hand(impl, name, kw, x, expected, why):
    call = Call(getattr(impl, name), np.array(x), **kw)
    assert_close(call.out, expected, call=call, why=why)


def test_backward_by_hand_and_defaults(impl):
    # Backward calls that omit every keyword argument: the defaults of the forward apply.
    x, dout = np.array([-2.0, 1.0, 22.0]), np.array([1.0, 2.0, 3.0])
    expected = {
        "leaky_relu": [0.01, 2.0, 3.0],
        "gelu": [dout[i] * (0.5 * (1 + math.erf(v / math.sqrt(2))) + v * math.exp(-v * v / 2) / math.sqrt(2 * math.pi))
                 for i, v in enumerate(x)],
        "softplus": [1 / (1 + math.exp(2.0)), 2.0 / (1 + math.exp(-1.0)), 3.0],
    }
    for name, want in expected.items():
        call = Call(getattr(impl, name + "_backward"), dout, x)
        assert_close(call.out, want, call=call, what="dx",
                     why="defaults: negative_slope=0.01, approximate='none', beta=1, threshold=20 (22 > 20: slope 1)")


# 2. Against torch, seeded.

@pytest.mark.parametrize("name", NAMES)
def test_matches_torch(impl, name):
    for kw in cases(name):
        for dtype in (np.float32, np.float64):
            rng = np.random.default_rng(len(name) + len(kw))
            for shape in [(0,), (1,), (5, 7), (2, 3, 4)]:
                x = random_input(shape, rng).astype(dtype)
                dout = rng.normal(size=shape).astype(dtype)
                expected, expected_dx = torch_forward_backward(name, kw, x, dout)
                call = Call(getattr(impl, name), x, **kw)
                if np.shape(call.out) != shape:
                    fail(f"{name}: shape {np.shape(call.out)}, expected {shape}", call=call, got=show(call.out))
                assert_close(call.out, expected, call=call, why=f"torch.nn.functional.{name}(x, **{kw}) gives these")
                back = Call(getattr(impl, name + "_backward"), dout, x, **kw)
                assert_close(back.out, expected_dx, call=back, what="dx",
                             why="dx = dout * f'(x), as torch autograd gives")


@pytest.mark.parametrize("name", NAMES)
def test_backward_matches_numerical_gradient(impl, name):
    for kw in cases(name):
        rng = np.random.default_rng(20 + len(name) + len(kw))
        x = random_input((3, 4), rng)
        dout = rng.normal(size=(3, 4))
        call = Call(getattr(impl, name + "_backward"), dout, x, **kw)
        expected = numerical_gradient(lambda v, kw=kw: definition(name, v, kw), x, dout)
        assert_gradient_close(call.out, expected, call=call, what="dx",
                              why="compared with centered differences of the float64 formula")


# 3. Kinks and extremes.

def test_forward_is_continuous_at_the_kinks(impl):
    for name, kw in CASES:
        x = KINKS
        if name == "softplus":  # at beta * x == threshold the forward itself is the convention test's business
            x = x[kw.get("beta", 1.0) * x != kw.get("threshold", 20.0)]
        expected, _ = torch_forward_backward(name, kw, x, np.zeros_like(x))
        call = Call(getattr(impl, name), x, **kw)
        assert_close(call.out, expected, call=call, why="the value at a kink is the same from both sides")


@pytest.mark.parametrize("name", NAMES)
def test_extreme_inputs_are_finite_and_quiet(impl, name):
    for kw in cases(name):
        for dtype in (np.float32, np.float64):
            x = np.array([-1e4, -1000.0, -100.0, -30.0, 30.0, 100.0, 1000.0, 1e4], dtype=dtype)
            dout = np.ones_like(x)
            expected_out, expected_dx = torch_forward_backward(name, kw, x, dout)
            call = call_quietly(getattr(impl, name), x, **kw)
            assert_close(call.out, expected_out, call=call,
                         why="far from 0 every activation is 0, x or a constant; no inf, NaN or warning")
            back = call_quietly(getattr(impl, name + "_backward"), dout, x, **kw)
            assert_close(back.out, expected_dx, call=back, what="dx", why="the gradient far out is 0 or 1")


def test_sigmoid_far_out_is_exactly_zero_and_one(impl):
    x = np.array([-1000.0, 1000.0])
    call = call_quietly(impl.sigmoid, x)
    assert_close(call.out, [0.0, 1.0], atol=0.0, rtol=0.0, call=call, why="exp(-1000) is 0 in float64")


# 4. Conventions: the gradient at each kink, as torch autograd gives it.

def check_kink(impl, name, x, expected, why, **kw):
    __tracebackhide__ = True
    for dtype in (np.float64, np.float32):
        xs = np.array(x, dtype)
        dout = np.linspace(1.0, 2.0, len(x)).astype(dtype)
        call = Call(getattr(impl, name + "_backward"), dout, xs, **kw)
        assert_close(call.out, dout * np.array(expected), call=call, what="dx", why=why)


@pytest.mark.convention("relu at x = 0: gradient 0")
def test_relu_gradient_at_zero(impl):
    check_kink(impl, "relu", [-1.0, 0.0, 1.0], [0.0, 0.0, 1.0],
               "torch passes the gradient only where x > 0: the gradient at x = 0 is 0")


@pytest.mark.convention("leaky_relu at x = 0: gradient negative_slope")
def test_leaky_relu_gradient_at_zero(impl):
    check_kink(impl, "leaky_relu", [-1.0, 0.0, 1.0], [0.2, 0.2, 1.0],
               "torch uses 1 only where x > 0: at x = 0 the gradient is negative_slope", negative_slope=0.2)


@pytest.mark.convention("relu6 at x = 0 and x = 6: gradient 0")
def test_relu6_gradient_at_kinks(impl):
    check_kink(impl, "relu6", [0.0, 3.0, 6.0], [0.0, 1.0, 0.0],
               "relu6 passes the gradient only where 0 < x < 6 (strictly): 0 at x = 0 and at x = 6")


@pytest.mark.convention("hardswish at x = -3 and 3: gradients 0 and 1")
def test_hardswish_gradient_at_kinks(impl):
    check_kink(impl, "hardswish", [-3.0, 0.0, 3.0], [0.0, 0.5, 1.0],
               "torch: 0 for x <= -3, x / 3 + 0.5 for -3 < x < 3, 1 for x >= 3; so 0 at -3 and 1 at 3")


@pytest.mark.convention("softplus: linear only where beta * x > threshold")
def test_softplus_at_threshold_uses_the_log_formula(impl):
    # beta * x == threshold: torch still uses log(1 + exp(5)) / 2 and sigmoid(5), not x and 1.
    x, kw = np.array([2.5, 2.6]), {"beta": 2.0, "threshold": 5.0}
    why = "where beta * x > threshold (strictly) softplus is x with gradient 1; at beta * x == threshold the log " \
          "formula and sigmoid(beta * x) still apply"
    call = Call(impl.softplus, x, **kw)
    assert_close(call.out, [math.log1p(math.exp(5.0)) / 2.0, 2.6], call=call, why=why)
    back = Call(impl.softplus_backward, np.ones(2), x, **kw)
    assert_close(back.out, [1 / (1 + math.exp(-5.0)), 1.0], call=back, what="dx", why=why)


@pytest.mark.convention("outputs and gradients keep the input dtype")
def test_keeps_input_dtype(impl):
    for dtype in (np.float32, np.float64):
        x = np.array([-2.5, -0.5, 0.5, 4.5], dtype)
        for name, kw in CASES:
            call = Call(getattr(impl, name), x, **kw)
            assert_array(call.out, dtype=dtype, shape=x.shape, call=call, what=name)
            back = Call(getattr(impl, name + "_backward"), np.ones_like(x), x, **kw)
            assert_array(back.out, dtype=dtype, shape=x.shape, call=back, what=f"{name}_backward")


@pytest.mark.convention("returns a new array, never x or dout itself")
def test_returns_a_new_array(impl):
    for x in (np.array([-1.5, 0.5, 2.5]), np.zeros(0), np.array([[1.5]], np.float32)):
        for name, kw in CASES:
            call = Call(getattr(impl, name), x, **kw)
            back = Call(getattr(impl, name + "_backward"), np.ones_like(x), x, **kw)
            for c, inputs in ((call, (x,)), (back, back.args)):
                if any(np.shares_memory(np.asarray(c.out), v) or c.out is v for v in inputs):
                    fail(f"{c.name} returned its input (or a view of it)", call=c, got=show(c.out),
                         why="every function returns a new array: a caller that changes the result must not "
                             "change its own x or dout")


# Bad input.

@pytest.mark.contract("gelu approximate not 'none'/'tanh': ValueError")
def test_gelu_unknown_approximation_raises(impl):
    x = np.zeros(3)
    assert_raises(ValueError, impl.gelu, x, approximate="fast", why="only 'none' and 'tanh' exist")
    assert_raises(ValueError, impl.gelu_backward, x, x, approximate="fast", why="only 'none' and 'tanh' exist")


@pytest.mark.contract("dout not of x's shape: ValueError")
def test_backward_with_mismatched_dout_raises(impl):
    for name in NAMES:
        assert_raises(ValueError, getattr(impl, name + "_backward"), np.ones((2, 4)), np.ones(4),
                      why="dout must have x's shape; broadcasting it silently would hide a bug upstream")
        assert_raises(ValueError, getattr(impl, name + "_backward"), np.ones(4), np.ones((2, 4)),
                      why="dout must have x's shape; broadcasting it silently would hide a bug upstream")
