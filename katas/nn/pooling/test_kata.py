"""Tests for nn/pooling. Run: pytest katas/nn/pooling"""

import numpy as np
import pytest
import torch

from cvkatas import Call, assert_array, assert_close, assert_gradient_close, assert_raises, fail, numerical_gradient

F = torch.nn.functional
KINDS = ["max", "avg"]

# (kernel_size, stride, padding): ints and pairs, stride None, overlapping windows, padding.
CONFIGS = [(2, None, 0), (3, 2, 1), ((2, 3), (1, 2), (1, 0)), (3, 1, 1), (1, 1, 0), (3, 3, 0), (2, 1, 1)]
CONFIG_IDS = [f"k{k}-s{s}-p{p}".replace(" ", "") for k, s, p in CONFIGS]
TIES = ("a tie sends the gradient to one position only: the first maximum in row-major order within "
        "the window, as torch's CPU kernel does")


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def forward(impl, kind):
    return getattr(impl, f"{kind}pool2d_forward")


def backward(impl, kind):
    return getattr(impl, f"{kind}pool2d_backward")


def torch_pool(kind, x, kernel_size, stride, padding, dout=None):
    """torch's pooling output and, given dout, its autograd gradient (float64)."""
    t = torch.tensor(np.asarray(x, np.float64), requires_grad=True)
    out = (F.max_pool2d if kind == "max" else F.avg_pool2d)(t, kernel_size, stride, padding)
    if dout is None:
        return out.detach().numpy(), None
    out.backward(torch.tensor(np.asarray(dout, np.float64)))
    return out.detach().numpy(), t.grad.numpy()


def definition(kind, x, kernel_size, stride, padding):
    """Pooling window by window in float64: max of the real values, or their sum / (k_h * k_w)."""
    (kh, kw), (ph, pw) = pair(kernel_size), pair(padding)
    sh, sw = pair(stride if stride is not None else kernel_size)
    x = np.asarray(x, np.float64)
    h, w = x.shape[2:]
    out = np.zeros(x.shape[:2] + ((h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            rows = [r for r in range(i * sh - ph, i * sh - ph + kh) if 0 <= r < h]
            cols = [c for c in range(j * sw - pw, j * sw - pw + kw) if 0 <= c < w]
            window = x[:, :, rows][:, :, :, cols]
            out[:, :, i, j] = window.max(axis=(2, 3)) if kind == "max" else window.sum(axis=(2, 3)) / (kh * kw)
    return out


def distinct(shape, rng):
    """Values at least 0.1 apart: no ties, not even after a 1e-6 nudge of centered differences."""
    return rng.permutation(int(np.prod(shape))).reshape(shape) * 0.1 + rng.uniform(0, 0.01, shape)


# 1. By hand.

def test_maxpool_by_hand(impl):
    x = np.array([[[[1, 2, 5, 0], [3, 4, 1, 2], [0, 9, 8, 7], [6, 1, 2, 3]]]], dtype=np.float64)
    call = Call(impl.maxpool2d_forward, x, 2)
    out, cache = call.out
    assert_array(out, dtype=np.float64, shape=(1, 1, 2, 2), call=call, what="out")
    assert_close(out, [[[[4, 5], [9, 8]]]], call=call, what="out", why="the maximum of each 2x2 block")
    back = Call(impl.maxpool2d_backward, np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), cache)
    expected = np.zeros((1, 1, 4, 4))
    expected[0, 0, 1, 1], expected[0, 0, 0, 2], expected[0, 0, 2, 1], expected[0, 0, 2, 2] = 1, 2, 3, 4
    assert_close(back.out, expected, call=back, what="dx",
                 why="each window's gradient goes to the position of its maximum, every other position gets 0")


def test_maxpool_tie_by_hand(impl):
    x = np.ones((1, 1, 2, 2))
    cache = Call(impl.maxpool2d_forward, x, 2).out[1]
    back = Call(impl.maxpool2d_backward, np.array([[[[5.0]]]]), cache)
    assert_close(back.out, [[[[5.0, 0.0], [0.0, 0.0]]]], call=back, what="dx", why=TIES)


def test_avgpool_counts_padding_by_hand(impl):
    x = np.ones((1, 1, 2, 2))
    call = Call(impl.avgpool2d_forward, x, 2, stride=1, padding=1)
    out, cache = call.out
    assert_close(out, [[[[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]]]], call=call, what="out",
                 why="padding zeros count in the divisor (count_include_pad=True): a corner window holds "
                     "one real 1 and three padded 0s, so it averages to 1/4")
    back = Call(impl.avgpool2d_backward, np.ones((1, 1, 3, 3)), cache)
    assert_close(back.out, np.ones((1, 1, 2, 2)), call=back, what="dx",
                 why="every input sits in 4 overlapping windows, each sending 1/4: they add up to 1")


def test_overlapping_windows_accumulate_by_hand(impl):
    x = np.array([[[[1, 2, 3], [4, 9, 5], [6, 7, 8]]]], dtype=np.float64)
    call = Call(impl.maxpool2d_forward, x, 2, stride=1)
    assert_close(call.out[0], np.full((1, 1, 2, 2), 9.0), call=call, what="out")
    back = Call(impl.maxpool2d_backward, np.ones((1, 1, 2, 2)), call.out[1])
    expected = np.zeros((1, 1, 3, 3))
    expected[0, 0, 1, 1] = 4.0
    assert_close(back.out, expected, call=back, what="dx",
                 why="the centre is the maximum of all four windows; their gradients add up: 1 + 1 + 1 + 1")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("config, shape", [((2, None, 0), (2, 3)), ((3, 2, 1), (3, 4)),
                                           (((2, 3), (1, 2), (1, 0)), (6, 3)), ((5, 1, 2), (5, 7)),
                                           ((4, 4, 0), (1, 1))])
def test_output_size_rounds_down(impl, kind, config, shape):
    x = np.arange(35, dtype=np.float64).reshape(1, 1, 5, 7)
    call = Call(forward(impl, kind), x, *config)
    k, s, p = config
    (kh, kw), (sh, sw), (ph, pw) = pair(k), pair(s if s is not None else k), pair(p)
    if np.shape(call.out[0]) != (1, 1) + shape:
        fail(f"out: shape {np.shape(call.out[0])}, expected {(1, 1) + shape}", call=call,
             why=f"rounding down, H_out = (5 + 2 * {ph} - {kh}) // {sh} + 1 = {shape[0]} and "
                 f"W_out = (7 + 2 * {pw} - {kw}) // {sw} + 1 = {shape[1]}")
    assert_array(call.out[0], dtype=np.float64, shape=(1, 1) + shape, call=call, what="out")
    assert_close(call.out[0], torch_pool(kind, x, k, s, p)[0], call=call, what="out",
                 why="H_out = (H + 2 * pad - k) // stride + 1: every window fits inside the padded input")


# 2. Against torch, seeded.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("config", CONFIGS, ids=CONFIG_IDS)
@pytest.mark.parametrize("kind", KINDS)
def test_forward_matches_torch(impl, kind, config, dtype):
    rng = np.random.default_rng(CONFIGS.index(config))
    x = rng.normal(size=(2, 3, 7, 9)).astype(dtype)
    expected, _ = torch_pool(kind, x, *config)
    call = Call(forward(impl, kind), x, *config)
    assert_array(call.out[0], dtype=dtype, shape=expected.shape, call=call, what="out")
    assert_close(call.out[0], expected, call=call, what="out",
                 why=f"torch.nn.functional.{kind}_pool2d(x, {config[0]}, {config[1]}, {config[2]})")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("config", CONFIGS, ids=CONFIG_IDS)
@pytest.mark.parametrize("kind", KINDS)
def test_backward_matches_torch_autograd(impl, kind, config, dtype):
    rng = np.random.default_rng(10 + CONFIGS.index(config))
    x = rng.normal(size=(2, 3, 7, 9)).astype(dtype)
    out, _ = torch_pool(kind, x, *config)
    dout = rng.normal(size=out.shape)
    _, expected = torch_pool(kind, x, *config, dout=dout)
    cache = Call(forward(impl, kind), x, *config).out[1]
    call = Call(backward(impl, kind), dout.astype(dtype), cache)
    assert_array(call.out, dtype=dtype, shape=x.shape, call=call, what="dx")
    if dtype == np.float64:
        assert_gradient_close(call.out, expected, call=call, what="dx",
                              why="overlapping windows add their gradients" + (" " if kind == "avg" else
                                  "; each window sends its dout to the position of its maximum"))
    else:
        assert_close(call.out, expected, call=call, what="dx")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("config", CONFIGS, ids=CONFIG_IDS)
def test_maxpool_ties_match_torch(impl, config, dtype):
    rng = np.random.default_rng(20 + CONFIGS.index(config))
    x = rng.integers(0, 3, size=(2, 2, 6, 7)).astype(dtype)  # three values only: ties everywhere
    out, _ = torch_pool("max", x, *config)
    dout = rng.integers(1, 5, size=out.shape).astype(np.float64)
    _, expected = torch_pool("max", x, *config, dout=dout)
    cache = Call(impl.maxpool2d_forward, x, *config).out[1]
    call = Call(impl.maxpool2d_backward, dout.astype(dtype), cache)
    assert_close(call.out, expected, call=call, what="dx", why=TIES)


@pytest.mark.parametrize("config", [(2, None, 0), (3, 2, 1), ((2, 3), (1, 2), (1, 0)), (3, 1, 1)])
@pytest.mark.parametrize("kind", KINDS)
def test_backward_matches_numerical_gradient(impl, kind, config):
    rng = np.random.default_rng(30)
    x = distinct((1, 2, 5, 6), rng)
    dout = rng.normal(size=definition(kind, x, *config).shape)
    cache = Call(forward(impl, kind), x, *config).out[1]
    call = Call(backward(impl, kind), dout, cache)
    expected = numerical_gradient(lambda v: definition(kind, v, *config), x, dout)
    assert_gradient_close(call.out, expected, call=call, what="dx",
                          why="compared with centered differences of pooling written window by window")


# 3. Edge cases.

@pytest.mark.parametrize("kind", KINDS)
def test_empty_batch(impl, kind):
    x = np.zeros((0, 3, 6, 6), dtype=np.float32)
    call = Call(forward(impl, kind), x, 3, 2, 1)
    assert_array(call.out[0], dtype=np.float32, shape=(0, 3, 3, 3), call=call, what="out for N = 0")
    back = Call(backward(impl, kind), np.zeros((0, 3, 3, 3), np.float32), call.out[1])
    assert_array(back.out, dtype=np.float32, shape=(0, 3, 6, 6), call=back, what="dx for N = 0")


@pytest.mark.parametrize("kind", KINDS)
def test_bad_arguments_raise_value_error(impl, kind):
    fwd, x = forward(impl, kind), np.zeros((1, 2, 5, 5))
    assert_raises(ValueError, fwd, np.zeros((2, 5, 5)), 2, why="x must be 4-D (N, C, H, W)")
    assert_raises(ValueError, fwd, x, 3, 1, 2, why="padding 2 is more than kernel // 2 = 1 (torch's rule)")
    assert_raises(ValueError, fwd, np.zeros((1, 2, 3, 3)), 5, why="a 5x5 window does not fit a 3x3 input")
    assert_raises(ValueError, fwd, x, 2, 0, why="stride must be at least 1")
    cache = Call(fwd, x, 2).out[1]  # output (1, 2, 2, 2)
    assert_raises(ValueError, backward(impl, kind), np.zeros((1, 2, 3, 3)), cache,
                  why="dout must have the forward output's shape (1, 2, 2, 2)")
