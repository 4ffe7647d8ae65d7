"""Tests for nn/dropout. Run: pytest katas/nn/dropout

Correctness tests hold for any way of drawing a Bernoulli mask from the Generator (they check the
returned mask, the scaling, the statistics and the use of the generator); which uniforms are kept
(``rng.random(x.shape) >= p``) is a convention test that replays the generator, as are the output
dtype and leaving the generator alone in eval mode."""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail, quiet_call
from cvkatas.data import SeededRng


def forward(impl, x, p, seed=0, **kw):
    call = Call(impl.dropout_forward, x, p, SeededRng(seed), **kw)
    out, mask = assert_returns(call, "out", "mask")
    return call, out, mask


def check_mask(call, mask, shape):
    if not (isinstance(mask, np.ndarray) and mask.dtype == bool and mask.shape == shape):
        fail(f"mask: must be a bool array of shape {shape}", call=call,
             got=f"{type(mask).__name__} {getattr(mask, 'dtype', '')} {getattr(mask, 'shape', '')}")


# 1. Training mode: the output follows the mask it returns.

@pytest.mark.parametrize("shape, p", [((8,), 0.5), ((3, 5), 0.25), ((2, 3, 4, 4), 0.8), ((1,), 0.5), ((0, 3), 0.5)])
def test_train_output_is_masked_and_scaled(impl, shape, p):
    x = np.random.default_rng(1).uniform(0.5, 2.0, size=shape)  # no zeros: a dropped value is visible
    call, out, mask = forward(impl, x, p)
    check_mask(call, mask, shape)
    assert_close(out, np.where(mask, x / (1 - p), 0.0), call=call, what="out",
                 why=f"kept values are scaled by 1 / (1 - p) = {1 / (1 - p):.4g} (inverted dropout), "
                     "dropped ones are 0")


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_keep_fraction_and_mean(impl, p):
    n = 20000
    call, out, mask = forward(impl, np.ones(n), p, seed=2)
    check_mask(call, mask, (n,))
    kept, sd = mask.mean(), np.sqrt(p * (1 - p) / n)
    if abs(kept - (1 - p)) > 5 * sd:
        fail(f"kept {kept:.4f} of the elements, expected about 1 - p = {1 - p} (+- {5 * sd:.4f})", call=call,
             why="p is the probability of DROPPING an element")
    if abs(np.mean(out) - 1.0) > 5 * sd / (1 - p):
        fail(f"mean of out {np.mean(out):.4f}, expected about mean(x) = 1", call=call,
             why="inverted dropout keeps the expectation: E[out] = x")


def test_mask_is_drawn_per_element(impl):
    call, out, mask = forward(impl, np.ones((50, 40)), 0.5, seed=3)
    rows, cols = mask.all(axis=1) | ~mask.any(axis=1), mask.all(axis=0) | ~mask.any(axis=0)
    if rows.any() or cols.any():
        fail("whole rows or columns are kept or dropped together", call=call,
             why="every element is dropped independently, not per row, channel or sample")


def test_generator_is_used_and_advances(impl):
    x = np.ones(64)
    rng = SeededRng(4)
    first = Call(impl.dropout_forward, x, 0.5, rng)
    second = Call(impl.dropout_forward, x, 0.5, rng)
    if np.array_equal(first.out[1], second.out[1]):
        fail("two calls with the same generator gave the same mask", call=second,
             why="draw from the generator you are given, so that it advances between calls")
    again = Call(impl.dropout_forward, x, 0.5, SeededRng(4))
    assert_equal(again.out[1], first.out[1], call=again, what="mask from a fresh np.random.default_rng(4)",
                 why="the generator is the only source of randomness: the same seed gives the same mask")


def test_p_zero_keeps_everything(impl):
    x = np.array([[1.0, -2.0, 3.0]])
    call, out, mask = forward(impl, x, 0.0)
    assert_close(out, x, call=call, what="out", why="p = 0 drops nothing and scales by 1")
    assert_equal(mask, np.ones((1, 3), bool), call=call, what="mask")


def test_p_one_drops_everything(impl):
    x = np.array([1.0, -2.0, 3.0])
    call = quiet_call(impl.dropout_forward, x, 1.0, SeededRng(0), why="p = 1 must not divide 0 by 0")
    assert_close(call.out[0], np.zeros(3), call=call, what="out", why="p = 1 drops every element (torch: zeros)")
    back = quiet_call(impl.dropout_backward, np.ones(3), call.out[1], 1.0, why="p = 1 must not divide 0 by 0")
    assert_close(back.out, np.zeros(3), call=back, what="dx")


# 2. Eval mode.

def test_eval_is_identity(impl):
    x = np.array([[0.5, -1.0], [2.0, 4.0]])
    call, out, mask = forward(impl, x, 0.3, training=False)
    assert_close(out, x, call=call, what="out in eval mode",
                 why="inverted dropout scales at train time, so eval returns x unscaled")
    if mask is not None:
        fail("mask in eval mode must be None", call=call, got=repr(mask))
    back = Call(impl.dropout_backward, np.array([[1.0, 2.0], [3.0, 4.0]]), None, 0.3)
    assert_close(back.out, [[1.0, 2.0], [3.0, 4.0]], call=back, what="dx for an eval-mode forward",
                 why="eval mode is the identity, so its gradient is dout")


# 3. Backward.

def test_backward_uses_the_mask_and_the_scale(impl):
    rng = np.random.default_rng(5)
    dout = rng.normal(size=(4, 6))
    mask = rng.random((4, 6)) < 0.6
    call = Call(impl.dropout_backward, dout, mask, 0.4)
    # out = x * mask / (1 - p) is linear in x: d out / dx = mask / (1 - p), elementwise.
    assert_close(call.out, dout * mask / 0.6, call=call, what="dx",
                 why="the gradient flows only through kept elements, scaled by 1 / (1 - p) like the forward")


def test_backward_matches_forward(impl):
    x = np.random.default_rng(6).normal(size=(3, 7))
    dout = np.random.default_rng(7).normal(size=(3, 7))
    _, out, mask = forward(impl, x, 0.3, seed=8)
    back = Call(impl.dropout_backward, dout, mask, 0.3)
    # sum(out * dout) = sum(x * dx) because the map is linear and diagonal
    assert_close(np.sum(back.out * x), np.sum(np.asarray(out) * dout), call=back, what="sum(dx * x)",
                 why="for a linear map, <dx, x> = <dout, out>")


# Conventions and bad input.

@pytest.mark.convention("keep where rng.random(x.shape) >= p, one draw")
def test_mask_replays_the_generator(impl):
    x = np.ones((3, 4))
    rng = SeededRng(11)
    call = Call(impl.dropout_forward, x, 0.3, rng)
    replay = np.random.default_rng(11)
    expected = replay.random((3, 4)) >= 0.3
    assert_equal(call.out[1], expected, call=call, what="mask",
                 why="the mask is pinned: u = rng.random(x.shape), keep where u >= p (torch's bernoulli(1 - p) "
                     "or u < 1 - p keep other elements)")
    assert_equal(rng.random(), replay.random(), call=call, what="the generator's next number after the call",
                 why="draw exactly once, rng.random(x.shape)")


@pytest.mark.convention("eval mode does not advance the generator")
def test_eval_leaves_the_generator_alone(impl):
    rng = SeededRng(12)
    call = Call(impl.dropout_forward, np.ones(5), 0.5, rng, training=False)
    assert_equal(rng.random(), np.random.default_rng(12).random(), call=call,
                 what="the generator's next number after an eval-mode call",
                 why="eval mode draws nothing, so training runs stay reproducible whatever evaluation ran")


@pytest.mark.convention("out keeps the dtype of x")
def test_keeps_input_dtype(impl):
    for dtype in (np.float32, np.float64):
        x = np.ones((2, 3), dtype)
        for training in (True, False):
            call, out, _ = forward(impl, x, 0.5, training=training)
            assert_array(out, dtype=dtype, shape=(2, 3), call=call, what="out")
        back = Call(impl.dropout_backward, x, np.ones((2, 3), bool), 0.5)
        assert_array(back.out, dtype=dtype, shape=(2, 3), call=back, what="dx")


@pytest.mark.contract("p outside [0, 1]: ValueError")
def test_bad_p_raises_value_error(impl):
    # Without a check, p = 1.5 drops everything and p = -0.1 keeps everything, silently.
    for p in (1.5, -0.1):
        for training in (True, False):
            assert_raises(ValueError, impl.dropout_forward, np.ones(4), p, SeededRng(0), training=training,
                          why="p is a probability: it must lie in [0, 1]")
