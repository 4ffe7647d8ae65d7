"""Tests for nn/softmax. Run: pytest katas/nn/softmax

Correctness tests read values leniently; that the output keeps the input's dtype is a convention
test of its own, the documented ValueErrors are contract tests."""

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

NAMES = ["softmax", "log_softmax"]


def torch_forward(name, x, axis, dtype=torch.float64):
    t = torch.tensor(np.asarray(x, np.float64), dtype=dtype)
    return getattr(torch, name)(t, dim=axis)


def torch_gradient(name, x, dout, axis):
    """torch's output and autograd gradient, float64."""
    t = torch.tensor(np.asarray(x, np.float64), requires_grad=True)
    out = getattr(torch, name)(t, dim=axis)
    torch_backward(out, torch.tensor(dout, dtype=torch.float64))
    return out.detach().numpy(), t.grad


def definition(name, x, axis):
    """The textbook formulas in float64 (fine for the moderate logits they are used on)."""
    e = np.exp(np.asarray(x, np.float64))
    s = e / e.sum(axis=axis, keepdims=True)
    return s if name == "softmax" else np.log(s)


OVERFLOW = ("subtract the maximum of each slice first: softmax(x) = softmax(x - max), and exp of a "
            "number <= 0 never overflows; for log_softmax use (x - max) - log(sum(exp(x - max)))")
UNDERFLOW = ("exp(-800) underflows to 0, so log(softmax(x)) takes log(0) = -inf; compute "
             "(x - max) - log(sum(exp(x - max))) instead, where the sum is at least 1")


def call_quietly(fn, *args, why=OVERFLOW, **kwargs):
    """`quiet_call` with this kata's explanation of how to avoid the warning."""
    __tracebackhide__ = True
    return quiet_call(fn, *args, why=why, **kwargs)


# 1. By hand.

def test_by_hand(impl):
    x = np.array([[0.0, math.log(3.0)], [5.0, 5.0]])
    call = Call(impl.softmax, x)  # axis omitted: its default -1
    assert_close(call.out, [[0.25, 0.75], [0.5, 0.5]], call=call,
                 why="exp(0) : exp(ln 3) = 1 : 3, and equal logits share equally")
    log = Call(impl.log_softmax, x)
    assert_close(log.out, np.log([[0.25, 0.75], [0.5, 0.5]]), call=log, why="the logs of the softmax above")


def test_square_input_normalises_along_axis(impl):
    # Three rows with very different sums: dividing by the wrong axis's sums is visible.
    x = np.log(np.array([[1.0, 1.0, 2.0], [1.0, 3.0, 6.0], [10.0, 20.0, 70.0]]))
    rows = np.array([[0.25, 0.25, 0.5], [0.1, 0.3, 0.6], [0.1, 0.2, 0.7]])
    call = Call(impl.softmax, x, axis=-1)
    assert_close(call.out, rows, call=call, why="axis=-1: each row is normalised by its own sum "
                                                 "(sum with keepdims=True, so it broadcasts along the row)")
    cols = np.array([[1 / 12, 1 / 24, 2 / 78], [1 / 12, 3 / 24, 6 / 78], [10 / 12, 20 / 24, 70 / 78]])
    call = Call(impl.softmax, x, axis=0)
    assert_close(call.out, cols, call=call, why="axis=0: each column is normalised by its own sum")


# 2. Against torch, seeded.

CONFIGS = [((1, 1), -1), ((4, 7), -1), ((4, 7), 0), ((2, 3, 5), 1), ((2, 3, 5), -1), ((6,), 0), ((0, 5), -1)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_matches_torch(impl, name, dtype):
    for shape, axis in CONFIGS:
        rng = np.random.default_rng(len(shape) * 10 + axis)
        x = (rng.normal(size=shape) * 3).astype(dtype)
        call = Call(getattr(impl, name), x, axis=axis)
        if np.shape(call.out) != shape:
            fail(f"{name}: shape {np.shape(call.out)}, expected {shape}", call=call, got=show(call.out))
        assert_close(call.out, torch_forward(name, x, axis), call=call, why=f"torch.{name}(x, dim={axis})")


# 3. Extreme and masked logits.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_logits_of_1e4_are_exact_and_quiet(impl, name, dtype):
    x = np.array([[1e4, 0.0, -1e4], [1e4, 1e4 - 1, 1e4 - 2], [-1e4, -1e4, -1e4 + 5]], dtype=dtype)
    call = call_quietly(getattr(impl, name), x)
    why = "softmax does not change when a constant is subtracted from a slice; subtract its maximum"
    if name == "log_softmax":
        why += ("; and keep the subtraction first, (x - max) - log(sum(exp(x - max))): x - (max + log(sum(...))) "
                "rounds max + log(sum) to float32's step near 1e4 (about 1e-3) before subtracting")
    assert_close(call.out, torch_forward(name, x, -1), call=call, why=why)


def test_log_softmax_of_very_negative_logits_is_finite(impl):
    x = np.array([[0.0, -1e4], [0.0, -800.0]])
    call = call_quietly(impl.log_softmax, x, why=UNDERFLOW)
    if not np.all(np.isfinite(call.out)):
        fail("log_softmax returned -inf for a finite logit", call=call, got=show(call.out),
             expected=show(np.array([[0.0, -1e4], [0.0, -800.0]])), why=UNDERFLOW)
    assert_close(call.out, [[0.0, -1e4], [0.0, -800.0]], call=call, why="log(1 + exp(-800)) is 0 in float64")


@pytest.mark.parametrize("name", NAMES)
def test_masked_logits(impl, name):
    x = np.array([[0.0, -np.inf, math.log(3.0)], [-np.inf, 2.0, -np.inf]])
    probs = np.array([[0.25, 0.0, 0.75], [0.0, 1.0, 0.0]])
    call = call_quietly(getattr(impl, name), x, why="exp(-inf - max) is exactly 0 without a warning; only log(0) "
                        "warns, so do not take the log of a probability")
    with np.errstate(divide="ignore"):
        expected = probs if name == "softmax" else np.log(probs)
    assert_close(call.out, expected, call=call, why="a -inf logit gets probability 0 (log-probability -inf)")


# 4. Properties.

def test_slices_sum_to_one_and_shift_invariance(impl):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 6, 4)) * 50
    call = call_quietly(impl.softmax, x, axis=1)
    assert_close(np.asarray(call.out).sum(axis=1), np.ones((3, 4)), call=call, what="sums along axis 1")
    moved = call_quietly(impl.softmax, x + 700.0, axis=1)
    assert_close(moved.out, call.out, call=moved, what="softmax(x + 700)",
                 why="adding a constant to every logit does not change softmax")


# 6. Gradients.

BACKWARD_CONFIGS = [((1, 1), -1), ((4, 5), -1), ((4, 5), 0), ((2, 3, 4), 1)]


@pytest.mark.parametrize("name", NAMES)
def test_backward_matches_torch_autograd(impl, name):
    for shape, axis in BACKWARD_CONFIGS:
        rng = np.random.default_rng(40 + len(shape) + axis)
        x = rng.normal(size=shape) * 2
        dout = rng.normal(size=shape) + 0.5  # not summing to 0 or -1 along the axis
        out, expected = torch_gradient(name, x, dout, axis)
        call = Call(getattr(impl, name + "_backward"), dout, out, axis=axis)
        assert_gradient_close(call.out, expected, call=call, what="dx",
                              why="every output of a slice depends on every input of the slice: the full "
                                  "Jacobian, not only its diagonal")


@pytest.mark.parametrize("name", NAMES)
def test_backward_matches_numerical_gradient(impl, name):
    for axis in (0, None):
        rng = np.random.default_rng(50 + (axis or 0))
        x = rng.normal(size=(3, 4))
        dout = rng.normal(size=(3, 4))
        fn = getattr(impl, name + "_backward")
        if axis is None:  # axis omitted: its default -1
            call, axis = Call(fn, dout, definition(name, x, -1)), -1
        else:
            call = Call(fn, dout, definition(name, x, axis), axis=axis)
        expected = numerical_gradient(lambda v, a=axis: definition(name, v, a), x, dout)
        assert_gradient_close(call.out, expected, call=call, what="dx")


def test_softmax_gradient_sums_to_zero(impl):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(5, 6))
    dout = rng.normal(size=(5, 6)) + 1.0
    call = Call(impl.softmax_backward, dout, definition("softmax", x, -1))
    assert_close(np.asarray(call.out).sum(axis=-1), np.zeros(5), atol=1e-9, call=call, what="row sums of dx",
                 why="adding c to a whole row leaves softmax unchanged, so the gradient along (1, ..., 1) is 0")


@pytest.mark.parametrize("name", NAMES)
def test_backward_float32(impl, name):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(4, 6))
    dout = rng.normal(size=(4, 6)).astype(np.float32)
    out, expected = torch_gradient(name, x, dout.astype(np.float64), -1)
    call = Call(getattr(impl, name + "_backward"), dout, out.astype(np.float32))
    assert_close(call.out, expected, rtol=1e-5, atol=2e-6, call=call, what="dx")  # out itself rounded to float32


# 5. Conventions and bad input.

@pytest.mark.convention("outputs and gradients keep the input dtype")
def test_keeps_input_dtype(impl):
    rng = np.random.default_rng(8)
    for dtype in (np.float32, np.float64):
        x = rng.normal(size=(2, 3)).astype(dtype)
        for name in NAMES:
            call = Call(getattr(impl, name), x)
            assert_array(call.out, dtype=dtype, shape=(2, 3), call=call, what=name)
            back = Call(getattr(impl, name + "_backward"), np.ones_like(x), np.asarray(call.out))
            assert_array(back.out, dtype=dtype, shape=(2, 3), call=back, what=f"{name}_backward")


@pytest.mark.contract("empty softmax axis: ValueError")
def test_empty_axis_raises_value_error(impl):
    for name in NAMES:
        assert_raises(ValueError, getattr(impl, name), np.zeros((3, 0)), why="no entry to normalise along axis -1")
        assert_raises(ValueError, getattr(impl, name), np.zeros((0, 4)), axis=0,
                      why="no entry to normalise along axis 0")


@pytest.mark.contract("dout not of out's shape: ValueError")
def test_backward_bad_dout_raises_value_error(impl):
    # Both broadcast silently through the backward formulas without an explicit check.
    for name in NAMES:
        fn = getattr(impl, name + "_backward")
        assert_raises(ValueError, fn, np.ones((2, 4)), np.full((1, 4), 0.25), why="dout must have out's shape")
        assert_raises(ValueError, fn, np.ones((1, 4)), np.full((2, 4), 0.25), why="dout must have out's shape")
