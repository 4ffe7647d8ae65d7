"""Tests for nn/linear. Run: pytest katas/nn/linear

Correctness tests read values (and shapes); that outputs keep the input dtype and that a layer
without bias has ``db = None`` are convention tests of their own, the shape checks contract tests."""

import numpy as np
import pytest
import torch

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

LAYOUT = "w has torch's layout (D_out, D_in): out[n, j] = sum_i x[n, i] * w[j, i] + b[j], i.e. x @ w.T + b"
WHY = {"dx": "dx = dout @ w (w is (D_out, D_in))", "dw": "dw = dout.T @ x, the layout of w",
       "db": "db = dout.sum(axis=0)"}


def definition(x, w, b=None):
    """The affine map in float64 by its definition: out[n, j] = sum_i x[n, i] * w[j, i] + b[j]."""
    x, w = np.asarray(x, np.float64), np.asarray(w, np.float64)
    out = (x[:, None, :] * w[None, :, :]).sum(axis=2)
    return out if b is None else out + np.asarray(b, np.float64)


def make(n, d_in, d_out, rng, dtype=np.float64, bias=True):
    x = rng.normal(size=(n, d_in)).astype(dtype)
    w = rng.normal(size=(d_out, d_in)).astype(dtype)
    b = rng.normal(size=d_out).astype(dtype) if bias else None
    return x, w, b


def torch_linear(x, w, b, dout):
    """torch's forward and autograd gradients, float64."""
    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) if v is not None else None for v in (x, w, b)]
    out = torch.nn.functional.linear(*leaves)
    torch_backward(out, torch.tensor(dout, dtype=torch.float64))
    return out.detach(), [None if v is None else v.grad for v in leaves]


def product_atol(x, w):
    # A float32 matrix product rounds each of its D_in terms: allow 1e-6 of the largest sum |x_i w_ji|.
    return 1e-6 * max(1.0, float((np.abs(x.astype(np.float64)) @ np.abs(w.astype(np.float64)).T).max(initial=0)))


def forward(impl, *args):
    call = Call(impl.linear_forward, *args)
    return call, assert_returns(call, "out", "cache")


def backward(impl, dout, cache):
    call = Call(impl.linear_backward, dout, cache)
    return call, assert_returns(call, "dx", "dw", "db")


# 1. By hand.

def test_forward_by_hand(impl):
    x = np.array([[1.0, 2.0]])
    w = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # D_out = 3, D_in = 2
    call, (out, _) = forward(impl, x, w, np.array([0.5, -1.0, 0.0]))
    assert_close(out, [[1.5, 1.0, 3.0]], call=call, what="out", why=LAYOUT)


def test_square_weight_is_not_transposed_and_b_defaults_to_none(impl):
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    call, (out, _) = forward(impl, x, w)  # b omitted: its default None, no bias
    assert_close(out, [[1.0, 3.0], [2.0, 4.0]], call=call, what="out",
                 why="with x the identity and no bias, out = w.T: " + LAYOUT)


def test_backward_by_hand(impl):
    x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])  # N = 3, D_in = 2
    w = np.array([[1.0, 2.0], [3.0, 4.0]])  # D_out = 2, square, so a transposed w keeps the shapes
    _, (_, cache) = forward(impl, x, w, np.zeros(2))
    call, (dx, dw, db) = backward(impl, np.ones((3, 2)), cache)
    assert_close(dx, [[4.0, 6.0]] * 3, call=call, what="dx",
                 why="dx = dout @ w: with dout = 1, dx[n, i] = sum_j w[j, i], the column sums of w")
    assert_close(dw, [[9.0, 12.0], [9.0, 12.0]], call=call, what="dw",
                 why="dw = dout.T @ x, shape (D_out, D_in) like w: with dout = 1, dw[j, i] = sum_n x[n, i]")
    if np.shape(db) != (2,):
        fail(f"db: shape {np.shape(db)}, expected (2,)", call=call, got=show(db),
             why="db has b's shape (D_out,): sum dout over the batch axis 0, not over the features")
    assert_close(db, [3.0, 3.0], call=call, what="db", why="db = dout summed over the batch axis 0")


# 2. Against torch, seeded.

SHAPES = [(1, 1, 1), (4, 3, 5), (7, 6, 6), (5, 2, 5), (16, 32, 10)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_matches_torch(impl, dtype):
    for shape in SHAPES:
        for bias in (True, False):
            rng = np.random.default_rng(sum(shape) + bias)
            x, w, b = make(*shape, rng, dtype, bias)
            expected, _ = torch_linear(x, w, b, np.zeros((shape[0], shape[2])))
            call, (out, _) = forward(impl, x, w, b)
            assert_close(out, expected, atol=product_atol(x, w), call=call, what="out", why=LAYOUT)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_backward_matches_torch_autograd(impl, dtype):
    for shape in SHAPES:
        for bias in (True, False):
            rng = np.random.default_rng(100 + sum(shape) + bias)
            x, w, b = make(*shape, rng, dtype, bias)
            dout = rng.normal(size=(shape[0], shape[2])).astype(dtype)
            _, grads = torch_linear(x, w, b, dout)
            _, (_, cache) = forward(impl, x, w, b)
            call, got = backward(impl, dout, cache)
            for g, leaf, src, name in zip(got, grads, (x, w, b), ("dx", "dw", "db")):
                if src is None:
                    continue  # no bias: that db is None is test_no_bias_gives_db_none's business
                if np.shape(g) != src.shape:
                    fail(f"{name}: shape {np.shape(g)}, expected {src.shape}", call=call, got=show(g), why=WHY[name])
                if dtype == np.float32:  # float32 sums of up to 16 terms
                    assert_close(g, leaf, rtol=1e-5, atol=1e-5, call=call, what=name, why=WHY[name])
                else:
                    assert_gradient_close(g, leaf, call=call, what=name, why=WHY[name])


def test_backward_matches_numerical_gradient(impl):
    rng = np.random.default_rng(209)
    x, w, b = make(3, 2, 4, rng)
    dout = rng.normal(size=(3, 4))
    _, (_, cache) = forward(impl, x, w, b)
    call, (dx, dw, db) = backward(impl, dout, cache)
    assert_gradient_close(dx, numerical_gradient(lambda v: definition(v, w, b), x, dout), call=call, what="dx")
    assert_gradient_close(dw, numerical_gradient(lambda v: definition(x, v, b), w, dout), call=call, what="dw")
    assert_gradient_close(db, numerical_gradient(lambda v: definition(x, w, v), b, dout), call=call, what="db")


# 3. Edge cases.

@pytest.mark.convention("empty batch N = 0: (0, D_out) out, zero dw and db")
def test_empty_batch(impl):
    # torch.nn.functional.linear accepts N = 0; cs231n's x.reshape(N, -1) cannot infer -1 for it.
    rng = np.random.default_rng(6)
    x, w, b = make(0, 4, 3, rng)
    call, (out, cache) = forward(impl, x, w, b)
    if np.shape(out) != (0, 3):
        fail(f"out for N = 0: shape {np.shape(out)}, expected (0, 3)", call=call, got=show(out))
    back, (dx, dw, db) = backward(impl, np.zeros((0, 3)), cache)
    if np.shape(dx) != (0, 4):
        fail(f"dx for N = 0: shape {np.shape(dx)}, expected (0, 4)", call=back, got=show(dx))
    assert_close(dw, np.zeros((3, 4)), call=back, what="dw for N = 0", why="no sample, no gradient")
    assert_close(db, np.zeros(3), call=back, what="db for N = 0", why="no sample, no gradient")


# 4. Properties.

def test_linear_in_x(impl):
    rng = np.random.default_rng(7)
    x, w, b = make(6, 4, 5, rng)
    x2 = rng.normal(size=x.shape)
    call, (out, _) = forward(impl, x + 2 * x2, w, b)
    one, two = forward(impl, x, w, b)[1][0], forward(impl, x2, w, None)[1][0]
    assert_close(out, one + 2 * np.asarray(two), call=call, what="out",
                 why="the layer is affine: f(x + 2 x2) = f(x) + 2 (x2 @ w.T)")


# 5. Conventions and input checks.

@pytest.mark.convention("out and gradients keep the input dtype")
def test_keeps_input_dtype(impl):
    rng = np.random.default_rng(8)
    for dtype in (np.float32, np.float64):
        x, w, b = make(4, 3, 2, rng, dtype)
        call, (out, cache) = forward(impl, x, w, b)
        assert_array(out, dtype=dtype, shape=(4, 2), call=call, what="out")
        back, grads = backward(impl, rng.normal(size=(4, 2)).astype(dtype), cache)
        for g, src, name in zip(grads, (x, w, b), ("dx", "dw", "db")):
            assert_array(g, dtype=dtype, shape=src.shape, call=back, what=name)


@pytest.mark.convention("no bias: db is None")
def test_no_bias_gives_db_none(impl):
    x, w = np.array([[1.0, 2.0]]), np.array([[3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    _, (_, cache) = forward(impl, x, w, None)
    call, (dx, dw, db) = backward(impl, np.ones((1, 3)), cache)
    if db is not None:
        fail("db must be None for a layer without bias", call=call, got=show(db),
             why="b=None means the layer has no bias parameter, so there is no gradient to return for it")


@pytest.mark.contract("bad shapes in the forward: ValueError")
def test_forward_bad_shapes_raise_value_error(impl):
    # Each of these runs silently through x @ w.T + b (or a broadcast) without an explicit check.
    x, w, b = np.ones((2, 3)), np.ones((4, 3)), np.ones(4)
    assert_raises(ValueError, impl.linear_forward, np.ones(3), w, b, why="x must be 2-D (N, D_in)")
    assert_raises(ValueError, impl.linear_forward, np.ones((1, 2, 3)), w, b, why="x must be 2-D (N, D_in)")
    assert_raises(ValueError, impl.linear_forward, x, np.ones(3), np.ones(1), why="w must be 2-D (D_out, D_in)")
    assert_raises(ValueError, impl.linear_forward, x, np.ones((4, 1)), b,
                  why="w is (D_out, D_in) = (4, 1); its D_in 1 does not match x's D_in 3")
    assert_raises(ValueError, impl.linear_forward, x, w, np.ones(1), why="b must have shape (D_out,) = (4,)")
    assert_raises(ValueError, impl.linear_forward, x, w, np.ones((2, 4)), why="b must have shape (D_out,) = (4,)")


@pytest.mark.contract("dout not (N, D_out): ValueError")
def test_backward_bad_dout_raises_value_error(impl):
    x, w, b = np.ones((1, 3)), np.ones((4, 3)), np.ones(4)
    _, (_, cache) = forward(impl, x, w, b)
    # (1, N, D_out) broadcasts through dout @ w, dout.T @ x and dout.sum(0) without an explicit check.
    assert_raises(ValueError, impl.linear_backward, np.ones((1, 1, 4)), cache, why="dout must be (N, D_out) = (1, 4)")
    assert_raises(ValueError, impl.linear_backward, np.ones((1, 3)), cache, why="dout must be (N, D_out) = (1, 4)")
