"""Tests for nn/batchnorm. Run: pytest katas/nn/batchnorm

Correctness tests of the running statistics accept either momentum convention and either batch
variance (biased or unbiased); each of those two choices has a hand-built convention test of its
own, as has the output dtype. The shape checks are a contract test."""

import numpy as np
import pytest

from cvkatas import (
    Call,
    assert_array,
    assert_close,
    assert_gradient_close,
    assert_raises,
    assert_returns,
    fail,
    numerical_gradient,
    show,
    torch_backward,
)


def axes_of(x):
    return (0,) if x.ndim == 2 else (0, 2, 3)


def per_channel(v, x):
    return np.asarray(v, np.float64).reshape((1, -1) + (1,) * (x.ndim - 2))


def expected_forward(x, gamma, beta, eps=1e-5):
    """The definition in float64: biased variance over every axis but the channel axis."""
    x = x.astype(np.float64)
    mean = x.mean(axis=axes_of(x), keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes_of(x), keepdims=True)
    return per_channel(gamma, x) * (x - mean) / np.sqrt(var + eps) + per_channel(beta, x)


def make(shape, rng, dtype=np.float64, offset=0.0):
    x = (rng.normal(size=shape) * rng.uniform(0.5, 3.0) + offset).astype(dtype)
    c = shape[1]
    return x, rng.normal(size=c).astype(dtype), rng.normal(size=c).astype(dtype)


SHAPES = [(2, 1), (4, 3), (16, 5), (2, 3, 1, 1), (3, 2, 4, 5), (8, 4, 3, 3)]


def torch_reference(x, gamma, beta, eps=1e-5):
    """Training-mode batch norm and its autograd gradients from torch, float64."""
    torch = pytest.importorskip("torch")
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    g = torch.tensor(gamma, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(beta, dtype=torch.float64, requires_grad=True)
    out = torch.nn.functional.batch_norm(xt, None, None, g, b, training=True, eps=eps)
    return out, (xt, g, b)


# 1. By hand.

def test_forward_by_hand(impl):
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    # column 0: mean 2, biased variance 1; column 1: mean 4, biased variance 4 -> x_hat = [-1, 1]
    call = Call(impl.batchnorm_forward, x, np.array([2.0, 3.0]), np.array([1.0, -1.0]), eps=0.0)
    assert_close(call.out[0], [[-1.0, -4.0], [3.0, 2.0]], call=call, what="out",
                 why="variance divides by the count N (biased), not N - 1")


def test_eval_by_hand(impl):
    x = np.array([[5.0, 0.0]])
    call = Call(impl.batchnorm_eval, x, np.array([2.0, 1.0]), np.array([0.0, 1.0]),
                np.array([1.0, 0.0]), np.array([4.0, 1.0]), eps=0.0)
    assert_close(call.out, [[4.0, 1.0]], call=call, what="out",
                 why="2 * (5 - 1) / sqrt(4) + 0 and 1 * (0 - 0) / 1 + 1, running statistics only")


# 2. Against the definition and torch, seeded.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_matches_definition(impl, dtype):
    for shape in SHAPES:
        rng = np.random.default_rng(sum(shape))
        x, gamma, beta = make(shape, rng, dtype)
        call = Call(impl.batchnorm_forward, x, gamma, beta)
        out = assert_returns(call, "out", "cache")[0]
        if np.shape(out) != shape:
            fail(f"out: shape {np.shape(out)}, expected {shape}", call=call, got=show(out))
        assert_close(out, expected_forward(x, gamma, beta), call=call, what="out")


def test_forward_matches_torch(impl):
    for shape in [(4, 3), (3, 2, 4, 5)]:
        rng = np.random.default_rng(1)
        x, gamma, beta = make(shape, rng)
        expected, _ = torch_reference(x, gamma, beta)
        call = Call(impl.batchnorm_forward, x, gamma, beta)
        assert_close(call.out[0], expected, call=call, what="out")


def test_nchw_statistics_are_per_channel(impl):
    # Channel 0 varies across positions; per-position statistics would flatten it to 0 everywhere.
    x = np.array([[[[0.0, 4.0]], [[1.0, 1.0]]], [[[2.0, 6.0]], [[3.0, 3.0]]]])  # (2, 2, 1, 2)
    call = Call(impl.batchnorm_forward, x, np.ones(2), np.zeros(2), eps=0.0)
    assert_close(call.out[0], expected_forward(x, np.ones(2), np.zeros(2), eps=0.0), call=call, what="out",
                 why="channel c is normalised with one mean and variance over N, H and W together")


def test_small_variance_channel_keeps_eps_inside_the_root(impl):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(32, 3))
    x[:, 1] *= 1e-3  # variance 1e-6, smaller than eps
    call = Call(impl.batchnorm_forward, x, np.ones(3), np.zeros(3))
    assert_close(call.out[0], expected_forward(x, np.ones(3), np.zeros(3)), call=call, what="out",
                 why="divide by sqrt(var + eps), not sqrt(var) + eps")


def test_large_offset_float32(impl):
    rng = np.random.default_rng(3)
    x, gamma, beta = make((64, 4), rng, np.float32, offset=100.0)
    call = Call(impl.batchnorm_forward, x, gamma, beta)
    assert_close(call.out[0], expected_forward(x, gamma, beta), rtol=1e-4, atol=1e-4, call=call, what="out",
                 why="subtract the mean before squaring (and accumulate in float64) to keep precision")


# 6. Gradients.

@pytest.mark.parametrize("shape", [(3, 2), (2, 3, 2, 2)])
def test_backward_matches_numerical_gradient(impl, shape):
    rng = np.random.default_rng(10 + len(shape))
    x, gamma, beta = make(shape, rng)
    dout = rng.normal(size=shape)
    out, cache = impl.batchnorm_forward(x, gamma, beta)
    call = Call(impl.batchnorm_backward, dout, cache)
    dx, dgamma, dbeta = call.out
    assert_gradient_close(dx, numerical_gradient(lambda v: expected_forward(v, gamma, beta), x, dout),
                          call=call, what="dx", why="mean and variance depend on x: keep their terms")
    assert_gradient_close(dgamma, numerical_gradient(lambda g: expected_forward(x, g, beta), gamma, dout),
                          call=call, what="dgamma")
    assert_gradient_close(dbeta, numerical_gradient(lambda b: expected_forward(x, gamma, b), beta, dout),
                          call=call, what="dbeta")


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5, 5)])
def test_backward_matches_torch_autograd(impl, shape):
    rng = np.random.default_rng(20 + len(shape))
    x, gamma, beta = make(shape, rng)
    dout = rng.normal(size=shape)
    out_t, leaves = torch_reference(x, gamma, beta)
    torch_backward(out_t, pytest.importorskip("torch").tensor(dout))
    _, cache = impl.batchnorm_forward(x, gamma, beta)
    call = Call(impl.batchnorm_backward, dout, cache)
    for got, leaf, name in zip(assert_returns(call, "dx", "dgamma", "dbeta"), leaves, ("dx", "dgamma", "dbeta")):
        if np.shape(got) != tuple(leaf.shape):
            fail(f"{name}: shape {np.shape(got)}, expected {tuple(leaf.shape)}", call=call, got=show(got))
        assert_gradient_close(got, leaf.grad, call=call, what=name)


def test_backward_float32_constant_dout(impl):
    rng = np.random.default_rng(4)
    x, gamma, beta = make((6, 3, 2, 2), rng, np.float32)
    _, cache = impl.batchnorm_forward(x, gamma, beta)
    call = Call(impl.batchnorm_backward, np.ones_like(x), cache)
    # With dout = 1 everywhere, shifting the output does not change the loss: dx is 0.
    assert_close(call.out[0], np.zeros_like(x), atol=1e-5, call=call, what="dx for dout = 1",
                 why="sum(out) does not depend on x once x is normalised")
    assert_close(call.out[2], np.full(3, 24.0), call=call, what="dbeta for dout = 1")


# Running statistics and eval mode.

def running_alternatives(x, mean0, var0, momentum):
    """The new running statistics under each convention a learner may follow (float64)."""
    axes = axes_of(x)
    x = x.astype(np.float64)
    out = {}
    for keep, new, conv in ((1 - momentum, momentum, "torch momentum"), (momentum, 1 - momentum, "cs231n momentum")):
        for ddof in (1, 0):
            out[f"{conv}, ddof={ddof}"] = (keep * mean0 + new * x.mean(axis=axes),
                                           keep * var0 + new * x.var(axis=axes, ddof=ddof))
    return out


def test_running_stats_match_torch(impl):
    torch = pytest.importorskip("torch")
    for shape in [(5, 3), (4, 2, 3, 3)]:
        for momentum in (0.1, 0.3, 1.0):
            rng = np.random.default_rng(30)
            x, _, _ = make(shape, rng)
            mean0, var0 = rng.normal(size=shape[1]), rng.uniform(0.5, 2.0, size=shape[1])
            rm, rv = torch.tensor(mean0), torch.tensor(var0)
            torch.nn.functional.batch_norm(torch.tensor(x), rm, rv, training=True, momentum=momentum)
            call = Call(impl.update_running_stats, x, mean0, var0, momentum=momentum)
            got = assert_returns(call, "new_running_mean", "new_running_var")
            alts = running_alternatives(x, mean0, var0, momentum)
            ok = [k for k, (m, v) in alts.items() if np.allclose(np.asarray(got[0], np.float64), m, 1e-5, 1e-6)
                  and np.allclose(np.asarray(got[1], np.float64), v, 1e-5, 1e-6)]
            if not ok:  # none of the conventions: show torch's values
                assert_close(got[0], rm, call=call, what="new running mean",
                             why="new = (1 - momentum) * old + momentum * batch mean")
                assert_close(got[1], rv, call=call, what="new running var",
                             why="new = (1 - momentum) * old + momentum * var(batch, ddof=1)")


@pytest.mark.parametrize("shape", [(5, 3), (4, 2, 3, 3)])
def test_eval_matches_torch(impl, shape):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(40)
    x, gamma, beta = make(shape, rng)
    rm, rv = rng.normal(size=shape[1]), rng.uniform(0.5, 2.0, size=shape[1])
    expected = torch.nn.functional.batch_norm(torch.tensor(x), torch.tensor(rm), torch.tensor(rv),
                                              torch.tensor(gamma), torch.tensor(beta), training=False)
    call = Call(impl.batchnorm_eval, x, gamma, beta, rm, rv)
    assert_close(call.out, expected, call=call, what="out")
    one = Call(impl.batchnorm_eval, x[:1], gamma, beta, rm, rv)
    assert_close(one.out, expected[:1], call=one, what="out for the first sample alone",
                 why="in eval mode a sample's output does not depend on the rest of the batch")


# 4. Properties.

def test_output_has_channel_mean_beta_and_std_gamma(impl):
    rng = np.random.default_rng(5)
    x, gamma, beta = make((50, 4, 3, 3), rng)
    call = Call(impl.batchnorm_forward, x, gamma, beta, eps=0.0)
    out = np.asarray(call.out[0])
    assert_close(out.mean(axis=(0, 2, 3)), beta, atol=1e-9, call=call, what="per-channel mean of out")
    assert_close(out.std(axis=(0, 2, 3)), np.abs(gamma), call=call, what="per-channel std of out")


# Conventions and bad input.

@pytest.mark.convention("running stats: torch momentum (1 - m) old + m batch")
def test_running_mean_uses_torch_momentum(impl):
    x = np.array([[1.0], [3.0]])  # batch mean 2
    call = Call(impl.update_running_stats, x, np.array([0.0]), np.array([1.0]))  # momentum omitted: 0.1
    assert_close(call.out[0], [0.2], call=call, what="new running mean",
                 why="torch: new = (1 - momentum) * old + momentum * batch = 0.9 * 0 + 0.1 * 2; cs231n's "
                     "momentum * old + (1 - momentum) * batch would give 1.8")


@pytest.mark.convention("running variance: unbiased batch variance (N - 1)")
def test_running_var_is_unbiased(impl):
    x = np.array([[1.0], [3.0]])  # unbiased variance 2, biased 1
    # momentum 0.5: both momentum conventions give 0.5 * old + 0.5 * batch
    call = Call(impl.update_running_stats, x, np.array([0.0]), np.array([1.0]), momentum=0.5)
    assert_close(call.out[1], [1.5], call=call, what="new running var",
                 why="torch keeps the unbiased batch variance, var(ddof=1) = 2: 0.5 * 1 + 0.5 * 2 (the biased 1 "
                     "would give 1.0)")


@pytest.mark.convention("outputs keep the input dtype")
def test_keeps_input_dtype(impl):
    rng = np.random.default_rng(4)
    for dtype in (np.float32, np.float64):
        for shape in [(4, 3), (3, 3, 2, 2)]:
            x, gamma, beta = make(shape, rng, dtype)
            call = Call(impl.batchnorm_forward, x, gamma, beta)
            assert_array(call.out[0], dtype=dtype, shape=shape, call=call, what="out")
            back = Call(impl.batchnorm_backward, rng.normal(size=shape).astype(dtype), call.out[1])
            assert_array(back.out[0], dtype=dtype, shape=shape, call=back, what="dx")
            ev = Call(impl.batchnorm_eval, x, gamma, beta, beta * 0, gamma * 0 + 1)
            assert_array(ev.out, dtype=dtype, shape=shape, call=ev, what="eval out")


@pytest.mark.contract("x not 2-D/4-D, gamma/beta not (C,): ValueError")
def test_bad_shapes_raise_value_error(impl):
    # Each would broadcast silently without the checks: (N, C, L) and 5-D inputs reduce over axes
    # that exist, and a (1,) gamma or beta broadcasts over every channel.
    assert_raises(ValueError, impl.batchnorm_forward, np.ones((2, 3, 4)), np.ones(3), np.zeros(3),
                  why="x must be (N, D) or (N, C, H, W)")
    assert_raises(ValueError, impl.batchnorm_forward, np.ones((2, 3, 2, 2, 2)), np.ones(3), np.zeros(3),
                  why="x must be (N, D) or (N, C, H, W)")
    assert_raises(ValueError, impl.batchnorm_forward, np.ones((2, 3)), np.ones(1), np.zeros(3),
                  why="gamma must have shape (C,) = (3,)")
    assert_raises(ValueError, impl.batchnorm_forward, np.ones((2, 3)), np.ones(3), np.zeros(1),
                  why="beta must have shape (C,) = (3,)")
