"""Tests for nn/linear. Run: pytest katas/nn/linear"""

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
    show,
)

LAYOUT = "w has torch's layout (D_out, D_in): out[n, j] = sum_i x[n, i] * w[j, i] + b[j], i.e. x @ w.T + b"


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
    out.backward(torch.tensor(dout, dtype=torch.float64))
    return out.detach(), [None if v is None else v.grad for v in leaves]


def float32_atol(x, w):
    # A float32 matrix product rounds each of its D_in terms: allow 1e-6 of the largest sum |x_i w_ji|.
    return 1e-6 * max(1.0, float((np.abs(x.astype(np.float64)) @ np.abs(w.astype(np.float64)).T).max(initial=0)))


# 1. By hand.

def test_forward_by_hand(impl):
    x = np.array([[1.0, 2.0]])
    w = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # D_out = 3, D_in = 2
    call = Call(impl.linear_forward, x, w, np.array([0.5, -1.0, 0.0]))
    assert_array(call.out[0], dtype=np.float64, shape=(1, 3), call=call, what="out")
    assert_close(call.out[0], [[1.5, 1.0, 3.0]], call=call, what="out", why=LAYOUT)


def test_square_weight_is_not_transposed(impl):
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    call = Call(impl.linear_forward, x, w, None)
    assert_close(call.out[0], [[1.0, 3.0], [2.0, 4.0]], call=call, what="out",
                 why="with x the identity, out = w.T: " + LAYOUT)


def test_backward_by_hand(impl):
    x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])  # N = 3, D_in = 2
    w = np.array([[1.0, 2.0], [3.0, 4.0]])  # D_out = 2, square, so a transposed w keeps the shapes
    cache = Call(impl.linear_forward, x, w, np.zeros(2)).out[1]
    call = Call(impl.linear_backward, np.ones((3, 2)), cache)
    dx, dw, db = call.out
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


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES)
def test_forward_matches_torch(impl, shape, dtype, bias):
    rng = np.random.default_rng(sum(shape) + bias)
    x, w, b = make(*shape, rng, dtype, bias)
    expected, _ = torch_linear(x, w, b, np.zeros((shape[0], shape[2])))
    call = Call(impl.linear_forward, x, w, b)
    assert_array(call.out[0], dtype=dtype, shape=(shape[0], shape[2]), call=call, what="out")
    atol = float32_atol(x, w) if dtype == np.float32 else 1e-9
    assert_close(call.out[0], expected, atol=atol, call=call, what="out", why=LAYOUT)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", SHAPES)
def test_backward_matches_torch_autograd(impl, shape, bias):
    rng = np.random.default_rng(100 + sum(shape))
    x, w, b = make(*shape, rng, bias=bias)
    dout = rng.normal(size=(shape[0], shape[2]))
    _, grads = torch_linear(x, w, b, dout)
    cache = Call(impl.linear_forward, x, w, b).out[1]
    call = Call(impl.linear_backward, dout, cache)
    if not isinstance(call.out, tuple) or len(call.out) != 3:
        fail("linear_backward must return a tuple (dx, dw, db)", call=call)
    for got, leaf, src, name in zip(call.out, grads, (x, w, b), ("dx", "dw", "db")):
        if src is None:
            if got is not None:
                fail(f"{name} must be None for a layer without bias", call=call, got=repr(got))
            continue
        assert_array(got, dtype=np.float64, shape=src.shape, call=call, what=name)
        assert_gradient_close(got, leaf, call=call, what=name,
                              why={"dx": "dx = dout @ w (w is (D_out, D_in))",
                                   "dw": "dw = dout.T @ x, the layout of w",
                                   "db": "db = dout.sum(axis=0)"}[name])


@pytest.mark.parametrize("shape", [(3, 2, 4), (4, 3, 3)])
def test_backward_matches_numerical_gradient(impl, shape):
    rng = np.random.default_rng(200 + sum(shape))
    x, w, b = make(*shape, rng)
    dout = rng.normal(size=(shape[0], shape[2]))
    cache = Call(impl.linear_forward, x, w, b).out[1]
    call = Call(impl.linear_backward, dout, cache)
    dx, dw, db = call.out
    assert_gradient_close(dx, numerical_gradient(lambda v: definition(v, w, b), x, dout), call=call, what="dx")
    assert_gradient_close(dw, numerical_gradient(lambda v: definition(x, v, b), w, dout), call=call, what="dw")
    assert_gradient_close(db, numerical_gradient(lambda v: definition(x, w, v), b, dout), call=call, what="db")


def test_backward_float32_keeps_dtypes(impl):
    rng = np.random.default_rng(5)
    x, w, b = make(8, 5, 3, rng, np.float32)
    dout = rng.normal(size=(8, 3)).astype(np.float32)
    _, grads = torch_linear(x, w, b, dout)
    cache = Call(impl.linear_forward, x, w, b).out[1]
    call = Call(impl.linear_backward, dout, cache)
    for got, leaf, name in zip(call.out, grads, ("dx", "dw", "db")):
        assert_array(got, dtype=np.float32, shape=tuple(leaf.shape), call=call, what=name)
        assert_close(got, leaf, rtol=1e-5, atol=1e-5, call=call, what=name)  # float32 sums of 3 to 8 terms


# 3. Edge cases.

def test_empty_batch(impl):
    rng = np.random.default_rng(6)
    x, w, b = make(0, 4, 3, rng)
    call = Call(impl.linear_forward, x, w, b)
    assert_array(call.out[0], dtype=np.float64, shape=(0, 3), call=call, what="out for N = 0")
    back = Call(impl.linear_backward, np.zeros((0, 3)), call.out[1])
    assert_array(back.out[0], shape=(0, 4), call=back, what="dx for N = 0")
    assert_close(back.out[1], np.zeros((3, 4)), call=back, what="dw for N = 0", why="no sample, no gradient")
    assert_close(back.out[2], np.zeros(3), call=back, what="db for N = 0")


def test_bad_shapes_raise_value_error(impl):
    x, w, b = np.ones((2, 3)), np.ones((4, 3)), np.ones(4)
    assert_raises(ValueError, impl.linear_forward, np.ones(3), w, b, why="x must be 2-D (N, D_in)")
    assert_raises(ValueError, impl.linear_forward, x, np.ones((3, 4)), b,
                  why="w is (D_out, D_in) = (4, 3); a (3, 4) weight does not match D_in = 3")
    assert_raises(ValueError, impl.linear_forward, x, w, np.ones(3), why="b must have shape (D_out,)")
    cache = Call(impl.linear_forward, x, w, b).out[1]
    assert_raises(ValueError, impl.linear_backward, np.ones((2, 3)), cache, why="dout must be (N, D_out)")


# 4. Properties.

def test_linear_in_x(impl):
    rng = np.random.default_rng(7)
    x, w, b = make(6, 4, 5, rng)
    x2 = rng.normal(size=x.shape)
    call = Call(impl.linear_forward, x + 2 * x2, w, b)
    one, two = Call(impl.linear_forward, x, w, b).out[0], Call(impl.linear_forward, x2, w, None).out[0]
    assert_close(call.out[0], one + 2 * two, call=call, what="out",
                 why="the layer is affine: f(x + 2 x2) = f(x) + 2 (x2 @ w.T)")
