"""Tests for nn/norms. Run: pytest katas/nn/norms

Oracles: torch.nn.functional.layer_norm / group_norm / instance_norm with autograd (float64), and a
float64 definition written here for centred-difference gradients. The output dtype is a convention
test; the shape checks are contract tests."""

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
)

torch = pytest.importorskip("torch")
F = torch.nn.functional


# The three norms as (forward, backward, extra positional args, axes over which statistics are taken,
# torch oracle). `axes` and the per-feature parameter shape describe the definition below.

def define(x, gamma, beta, kind, groups=None, eps=1e-5):
    """Float64 definition: statistics per sample over the axes the kind names, biased variance."""
    x = np.asarray(x, np.float64)
    gamma, beta = np.asarray(gamma, np.float64), np.asarray(beta, np.float64)
    if kind == "layer":
        axes = tuple(range(x.ndim - gamma.ndim, x.ndim))
        xr, g, b = x, gamma, beta
    else:
        n, c, *spatial = x.shape
        groups = c if kind == "instance" else groups
        xr = x.reshape(n, groups, c // groups, *spatial)
        axes = tuple(range(2, xr.ndim))
        shape = (1, c) + (1,) * len(spatial)
        g, b = gamma.reshape(shape), beta.reshape(shape)
    mean = xr.mean(axis=axes, keepdims=True)
    var = ((xr - mean) ** 2).mean(axis=axes, keepdims=True)
    return g * ((xr - mean) / np.sqrt(var + eps)).reshape(x.shape) + b


def torch_norm(x, gamma, beta, kind, groups=None):
    """torch's forward in float64 with leaves that require grad."""
    xt, g, b = (torch.tensor(np.asarray(a, np.float64), requires_grad=True) for a in (x, gamma, beta))
    if kind == "layer":
        out = F.layer_norm(xt, tuple(g.shape), g, b, eps=1e-5)
    elif kind == "group":
        out = F.group_norm(xt, groups, g, b, eps=1e-5)
    else:
        out = F.instance_norm(xt, weight=g, bias=b, use_input_stats=True, eps=1e-5)
    return out, (xt, g, b)


def forward_of(impl, kind):
    return {"layer": impl.layernorm_forward, "group": impl.groupnorm_forward,
            "instance": impl.instancenorm_forward}[kind]


def backward_of(impl, kind):
    return {"layer": impl.layernorm_backward, "group": impl.groupnorm_backward,
            "instance": impl.instancenorm_backward}[kind]


def run_forward(impl, kind, x, gamma, beta, groups=None, **kw):
    args = (x, groups, gamma, beta) if kind == "group" else (x, gamma, beta)
    return Call(forward_of(impl, kind), *args, **kw)


def make(x_shape, p_shape, rng, dtype=np.float64, offset=0.0):
    x = (rng.normal(size=x_shape) * rng.uniform(0.5, 3.0) + offset).astype(dtype)
    return x, rng.normal(size=p_shape).astype(dtype), rng.normal(size=p_shape).astype(dtype)


# kind, x shape, parameter shape, groups
CASES = [
    ("layer", (0, 4), (4,), None), ("layer", (1, 1), (1,), None), ("layer", (5,), (5,), None),
    ("layer", (3, 5), (5,), None),
    ("layer", (2, 3, 4), (4,), None), ("layer", (2, 3, 4), (3, 4), None),
    ("group", (1, 4), (4,), 2), ("group", (2, 6, 5), (6,), 3), ("group", (3, 4, 2, 3), (4,), 1),
    ("group", (2, 4, 3, 3), (4,), 4), ("group", (0, 4, 3), (4,), 2),
    ("instance", (1, 1, 5), (1,), None), ("instance", (2, 3, 4), (3,), None),
    ("instance", (2, 3, 3, 4), (3,), None),
]


# 1. By hand.

def test_layernorm_by_hand(impl):
    x = np.array([[1.0, 3.0], [5.0, 1.0]])
    # row 0: mean 2, biased variance 1 -> x_hat [-1, 1]; row 1: mean 3, variance 4 -> x_hat [1, -1]
    call = Call(impl.layernorm_forward, x, np.array([1.0, 2.0]), np.array([0.0, 1.0]), eps=0.0)
    assert_close(assert_returns(call, "out", "cache")[0], [[-1.0, 3.0], [1.0, -1.0]], call=call, what="out",
                 why="each row is normalised with its own mean and biased variance, never across the batch")


def test_groupnorm_by_hand(impl):
    x = np.array([0.0, 2.0, 10.0, 14.0]).reshape(1, 4, 1)
    # 2 groups of contiguous channels: {0, 1} holds 0, 2 (mean 1, var 1); {2, 3} holds 10, 14 (mean 12, var 4)
    call = Call(impl.groupnorm_forward, x, 2, np.array([1.0, 2.0, 3.0, 4.0]), np.zeros(4), eps=0.0)
    assert_close(assert_returns(call, "out", "cache")[0], np.array([-1.0, 2.0, -3.0, 4.0]).reshape(1, 4, 1),
                 call=call, what="out",
                 why="group g holds channels g*C/G .. (g+1)*C/G - 1 and gamma scales each channel")


def test_instancenorm_by_hand(impl):
    x = np.array([[[0.0, 2.0], [1.0, 5.0]]])  # (1, 2, 2): channel 0 mean 1 var 1, channel 1 mean 3 var 4
    call = Call(impl.instancenorm_forward, x, np.array([2.0, 1.0]), np.array([0.0, 3.0]), eps=0.0)
    assert_close(assert_returns(call, "out", "cache")[0], [[[-2.0, 2.0], [2.0, 4.0]]], call=call, what="out",
                 why="each channel of each sample is normalised over its own positions")


# 2. Against torch, seeded.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_matches_torch(impl, dtype):
    for i, (kind, xs, ps, groups) in enumerate(CASES):
        x, gamma, beta = make(xs, ps, np.random.default_rng(i), dtype)
        call = run_forward(impl, kind, x, gamma, beta, groups)
        out = assert_returns(call, "out", "cache")[0]
        if np.shape(out) != xs:
            fail(f"out: shape {np.shape(out)}, expected {xs}", call=call, got=show(out))
        if kind == "instance" and xs[0] == 0:
            continue  # torch's instance_norm fails on an empty batch
        assert_close(out, torch_norm(x, gamma, beta, kind, groups)[0], call=call, what=f"{kind} norm out")


@pytest.mark.parametrize("kind", ["layer", "group", "instance"])
def test_backward_matches_torch_autograd(impl, kind):
    for i, (k, xs, ps, groups) in enumerate(CASES):
        if k != kind or (kind == "instance" and xs[0] == 0) or (kind == "layer" and np.prod(ps) == 1):
            continue  # (blocks of one value: test_single_value_blocks_give_beta)
        rng = np.random.default_rng(100 + i)
        x, gamma, beta = make(xs, ps, rng)
        dout = rng.normal(size=xs)
        out_t, leaves = torch_norm(x, gamma, beta, kind, groups)
        # a scalar loss: out.backward(tensor) first imports torch's symbolic-shape machinery (~1.3 s)
        (out_t * torch.tensor(dout)).sum().backward()
        _, cache = run_forward(impl, kind, x, gamma, beta, groups).out
        call = Call(backward_of(impl, kind), dout, cache)
        got = assert_returns(call, "dx", "dgamma", "dbeta")
        for g, leaf, name in zip(got, leaves, ("dx", "dgamma", "dbeta")):
            if np.shape(g) != tuple(leaf.shape):
                fail(f"{name}: shape {np.shape(g)}, expected {tuple(leaf.shape)}", call=call, got=show(g))
            assert_gradient_close(g, leaf.grad, call=call, what=name,
                                  why="the mean and variance depend on x: dx keeps their two extra terms")


@pytest.mark.parametrize("kind, xs, ps, groups", [("layer", (3, 2, 3), (2, 3), None),
                                                  ("group", (2, 4, 3), (4,), 2),
                                                  ("instance", (2, 2, 2, 2), (2,), None)])
def test_backward_matches_numerical_gradient(impl, kind, xs, ps, groups):
    rng = np.random.default_rng(7)
    x, gamma, beta = make(xs, ps, rng)
    dout = rng.normal(size=xs)
    _, cache = run_forward(impl, kind, x, gamma, beta, groups).out
    call = Call(backward_of(impl, kind), dout, cache)
    dx, dgamma, dbeta = assert_returns(call, "dx", "dgamma", "dbeta")
    assert_gradient_close(dx, numerical_gradient(lambda v: define(v, gamma, beta, kind, groups), x, dout),
                          call=call, what="dx", why="centred differences of the float64 definition")
    assert_gradient_close(dgamma, numerical_gradient(lambda g: define(x, g, beta, kind, groups), gamma, dout),
                          call=call, what="dgamma")
    assert_gradient_close(dbeta, numerical_gradient(lambda b: define(x, gamma, b, kind, groups), beta, dout),
                          call=call, what="dbeta")


# 3. Edge cases.

def test_single_value_blocks_give_beta(impl):
    beta = np.array([0.5, -2.0, 3.0])
    for kind, x, groups in (("layer", np.array([[4.0], [-1.0], [7.0]]), None),
                            ("group", np.array([[4.0, -1.0, 7.0]]), 3)):
        b = beta[:1] if kind == "layer" else beta
        call = run_forward(impl, kind, x, np.full(b.shape, 2.0), b, groups)
        out, cache = assert_returns(call, "out", "cache")
        assert_close(out, np.broadcast_to(b, x.shape), call=call, what="out",
                     why="a block of one value has mean equal to it and variance 0: x_hat is 0, out is beta")
        back = Call(backward_of(impl, kind), np.ones_like(x), cache)
        assert_close(back.out[0], np.zeros_like(x), call=back, what="dx",
                     why="x_hat is 0 whatever x is, so the output does not depend on x")


def test_small_variance_keeps_eps_inside_the_root(impl):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 8)) * np.array([[1.0], [1e-3], [1.0]])  # row 1 has variance ~1e-6 < eps
    call = Call(impl.layernorm_forward, x, np.ones(8), np.zeros(8))
    assert_close(call.out[0], define(x, np.ones(8), np.zeros(8), "layer"), call=call, what="out",
                 why="divide by sqrt(var + eps), not sqrt(var) + eps")


def test_large_offset_float32(impl):
    rng = np.random.default_rng(3)
    x, gamma, beta = make((4, 2, 16), (2,), rng, np.float32, offset=300.0)
    call = Call(impl.groupnorm_forward, x, 1, gamma, beta)
    assert_close(call.out[0], define(x, gamma, beta, "group", 1), rtol=1e-4, atol=1e-4, call=call, what="out",
                 why="subtract the mean before squaring (and accumulate in float64) to keep precision")


# 4. Properties.

@pytest.mark.parametrize("kind", ["layer", "group", "instance"])
def test_samples_are_independent(impl, kind):
    rng = np.random.default_rng(5)
    x, gamma, beta = make((5, 4, 3), (4,) if kind != "layer" else (3,), rng)
    x[1:] *= 10.0  # other samples on another scale: batch statistics would change sample 0's output
    whole = run_forward(impl, kind, x, gamma, beta, 2)
    one = run_forward(impl, kind, x[:1], gamma, beta, 2)
    assert_close(one.out[0], np.asarray(whole.out[0])[:1], call=one, what="out of sample 0 alone",
                 why="these norms use each sample's own statistics: the rest of the batch cannot matter")


# Conventions and bad input.

@pytest.mark.convention("outputs keep the input dtype")
def test_keeps_input_dtype(impl):
    rng = np.random.default_rng(4)
    for dtype in (np.float32, np.float64):
        for kind, xs, ps, groups in (("layer", (3, 4), (4,), None), ("group", (2, 4, 3), (4,), 2),
                                     ("instance", (2, 3, 4), (3,), None)):
            x, gamma, beta = make(xs, ps, rng, dtype)
            call = run_forward(impl, kind, x, gamma, beta, groups)
            assert_array(call.out[0], dtype=dtype, shape=xs, call=call, what=f"{kind} norm out")
            back = Call(backward_of(impl, kind), rng.normal(size=xs).astype(dtype), call.out[1])
            for got, shape, name in zip(back.out, (xs, ps, ps), ("dx", "dgamma", "dbeta")):
                assert_array(got, dtype=dtype, shape=shape, call=back, what=name)


@pytest.mark.contract("GroupNorm: C not divisible by num_groups raises ValueError")
def test_groupnorm_channels_must_divide_into_groups(impl):
    # C = 3, G = 2, and C * H * W = 6: a reshape to (N, G, -1) would pass silently, mixing channels.
    assert_raises(ValueError, impl.groupnorm_forward, np.ones((1, 3, 2)), 2, np.ones(3), np.zeros(3),
                  why="3 channels cannot be split into 2 equal groups")
    assert_raises(ValueError, impl.groupnorm_forward, np.ones((1, 6, 1)), 4, np.ones(6), np.zeros(6),
                  why="6 channels cannot be split into 4 equal groups")


@pytest.mark.contract("gamma/beta of the wrong shape, x without spatial axes: ValueError")
def test_bad_shapes_raise_value_error(impl):
    # Each would broadcast or reduce silently without a check.
    assert_raises(ValueError, impl.layernorm_forward, np.ones((2, 3)), np.ones(1), np.zeros(1),
                  why="gamma must be the trailing shape of x, (3,); a (1,) gamma would broadcast")
    assert_raises(ValueError, impl.layernorm_forward, np.ones((2, 3)), np.ones(3), np.zeros((2, 3)),
                  why="gamma and beta must have the same shape")
    assert_raises(ValueError, impl.groupnorm_forward, np.ones((2, 4, 2, 2)), 2, np.ones((1, 4, 1, 1)),
                  np.zeros((1, 4, 1, 1)), why="gamma and beta must have shape (C,) = (4,), not cs231n's (1, C, 1, 1)")
    assert_raises(ValueError, impl.layernorm_forward, np.ones((2, 3)), np.array(1.0), np.array(0.0),
                  why="a 0-D gamma names no axes to normalise over")
    assert_raises(ValueError, impl.instancenorm_forward, np.ones((2, 4, 3)), np.ones((1, 4, 1)),
                  np.zeros((1, 4, 1)), why="gamma and beta must have shape (C,) = (4,)")
    assert_raises(ValueError, impl.instancenorm_forward, np.ones((2, 3)), np.ones(3), np.zeros(3),
                  why="InstanceNorm needs at least one spatial axis: (N, C) has nothing to normalise over")
