"""Tests for nn/batchnorm. Run: pytest katas/nn/batchnorm"""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_gradient_close, assert_raises, numerical_gradient


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


def test_running_stats_by_hand(impl):
    x = np.array([[1.0], [3.0]])  # batch mean 2, unbiased variance 2
    call = Call(impl.update_running_stats, x, np.array([0.0]), np.array([1.0]), momentum=0.1)
    assert_close(call.out[0], [0.2], call=call, what="new running mean", why="0.9 * 0 + 0.1 * 2")
    assert_close(call.out[1], [1.1], call=call, what="new running var",
                 why="0.9 * 1 + 0.1 * 2: the running variance uses the unbiased batch variance")


def test_eval_by_hand(impl):
    x = np.array([[5.0, 0.0]])
    call = Call(impl.batchnorm_eval, x, np.array([2.0, 1.0]), np.array([0.0, 1.0]),
                np.array([1.0, 0.0]), np.array([4.0, 1.0]), eps=0.0)
    assert_close(call.out, [[4.0, 1.0]], call=call, what="out",
                 why="2 * (5 - 1) / sqrt(4) + 0 and 1 * (0 - 0) / 1 + 1, running statistics only")


# 2. Against the definition and torch, seeded.

@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_matches_definition(impl, shape, dtype):
    rng = np.random.default_rng(sum(shape))
    x, gamma, beta = make(shape, rng, dtype)
    call = Call(impl.batchnorm_forward, x, gamma, beta)
    out = call.out[0]
    assert_array(out, dtype=dtype, shape=shape, call=call, what="out")
    assert_close(out, expected_forward(x, gamma, beta), call=call, what="out")


@pytest.mark.parametrize("shape", [(4, 3), (3, 2, 4, 5)])
def test_forward_matches_torch(impl, shape):
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

@pytest.mark.parametrize("shape", [(3, 2), (5, 4), (2, 3, 2, 2)])
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
    out_t.backward(pytest.importorskip("torch").tensor(dout))
    _, cache = impl.batchnorm_forward(x, gamma, beta)
    call = Call(impl.batchnorm_backward, dout, cache)
    for got, leaf, name in zip(call.out, leaves, ("dx", "dgamma", "dbeta")):
        assert_array(got, shape=leaf.shape, call=call, what=name)
        assert_gradient_close(got, leaf.grad, call=call, what=name)


def test_backward_float32_keeps_dtype(impl):
    rng = np.random.default_rng(4)
    x, gamma, beta = make((6, 3, 2, 2), rng, np.float32)
    _, cache = impl.batchnorm_forward(x, gamma, beta)
    call = Call(impl.batchnorm_backward, np.ones_like(x), cache)
    assert_array(call.out[0], dtype=np.float32, shape=x.shape, call=call, what="dx")
    # With dout = 1 everywhere, shifting the output does not change the loss: dx is 0.
    assert_close(call.out[0], np.zeros_like(x), atol=1e-5, call=call, what="dx for dout = 1",
                 why="sum(out) does not depend on x once x is normalised")
    assert_close(call.out[2], np.full(3, 24.0), call=call, what="dbeta for dout = 1")


# Running statistics and eval mode.

@pytest.mark.parametrize("shape", [(5, 3), (4, 2, 3, 3)])
@pytest.mark.parametrize("momentum", [0.1, 0.5, 1.0])
def test_running_stats_match_torch(impl, shape, momentum):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(30)
    x, _, _ = make(shape, rng)
    mean0, var0 = rng.normal(size=shape[1]), rng.uniform(0.5, 2.0, size=shape[1])
    rm, rv = torch.tensor(mean0), torch.tensor(var0)
    torch.nn.functional.batch_norm(torch.tensor(x), rm, rv, training=True, momentum=momentum)
    call = Call(impl.update_running_stats, x, mean0, var0, momentum=momentum)
    assert_close(call.out[0], rm, call=call, what="new running mean")
    assert_close(call.out[1], rv, call=call, what="new running var",
                 why="torch keeps the unbiased batch variance: new = (1 - m) * old + m * var(ddof=1)")


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


# Bad input.

def test_bad_shapes_raise_value_error(impl):
    assert_raises(ValueError, impl.batchnorm_forward, np.zeros((2, 3, 4)), np.ones(3), np.zeros(3))
    assert_raises(ValueError, impl.batchnorm_forward, np.zeros((2, 3)), np.ones(4), np.zeros(4))
