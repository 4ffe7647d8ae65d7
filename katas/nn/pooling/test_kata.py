"""Tests for nn/pooling. Run: pytest katas/nn/pooling

Correctness tests use inputs without ties, sizes where rounding the output size down or up agree,
and accept average pooling with or without the padding in its divisor; each of those choices (tie
order, floor, count_include_pad) has a hand-built convention test of its own, as has the dtype."""

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

F = torch.nn.functional
KINDS = ["max", "avg"]

# (kernel_size, stride, padding): ints and pairs, stride None, overlapping windows, padding.
CONFIGS = [(2, None, 0), (3, 2, 1), ((2, 3), (1, 2), (1, 0)), (3, 1, 1), (1, 1, 0), (3, 3, 0), (2, 1, 1)]
TIES = ("a tie sends the gradient to one position only: the first maximum in row-major order within "
        "the window, as torch's CPU kernel does")
TORCH_WHY = "overlapping windows add their gradients"


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def forward(impl, kind):
    return getattr(impl, f"{kind}pool2d_forward")


def backward(impl, kind):
    return getattr(impl, f"{kind}pool2d_backward")


def torch_pool(kind, x, kernel_size, stride, padding, dout=None, include_pad=True):
    """torch's pooling output and, given dout, its autograd gradient (float64)."""
    t = torch.tensor(np.asarray(x, np.float64), requires_grad=True)
    if kind == "max":
        out = F.max_pool2d(t, kernel_size, stride, padding)
    else:
        out = F.avg_pool2d(t, kernel_size, stride, padding, count_include_pad=include_pad)
    if dout is None:
        return out.detach().numpy(), None
    torch_backward(out, torch.tensor(np.asarray(dout, np.float64)))
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


def exact_size(config, rows=3, cols=4):
    """An (H, W) for which the windows tile the padded input exactly: rounding down or up agree."""
    k, s, p = config
    (kh, kw), (sh, sw), (ph, pw) = pair(k), pair(s if s is not None else k), pair(p)
    return kh + sh * rows - 2 * ph, kw + sw * cols - 2 * pw


def run_forward(impl, kind, x, *config):
    call = Call(forward(impl, kind), x, *config)
    return call, assert_returns(call, "out", "cache")


def check_against_torch(kind, got, x, config, dout=None, *, call, what, grad_tol=None):
    """Compare with torch; average pooling with padding may follow count_include_pad either way."""
    __tracebackhide__ = True
    index = 0 if dout is None else 1
    options = [torch_pool(kind, x, *config, dout=dout)[index]]
    if kind == "avg" and max(pair(config[2])) > 0:
        options.append(torch_pool(kind, x, *config, dout=dout, include_pad=False)[index])
    g = np.asarray(got, np.float64)
    for expected in options:
        if g.shape == expected.shape and np.allclose(g, expected, rtol=1e-5, atol=1e-6):
            return
    why = f"torch.nn.functional.{kind}_pool2d(x, {config[0]}, {config[1]}, {config[2]})"
    if dout is not None:
        why += ": " + TORCH_WHY
        if kind == "max":
            why += "; each window sends its dout to the position of its maximum"
    if grad_tol and dout is not None:
        assert_gradient_close(got, options[0], tol=grad_tol, call=call, what=what, why=why)
    assert_close(got, options[0], call=call, what=what, why=why)


# 1. By hand.

def test_maxpool_by_hand(impl):
    x = np.array([[[[1, 2, 5, 0], [3, 4, 1, 2], [0, 9, 8, 7], [6, 1, 2, 3]]]], dtype=np.float64)
    call, (out, cache) = run_forward(impl, "max", x, 2)  # stride and padding omitted: kernel_size and 0
    assert_close(out, [[[[4, 5], [9, 8]]]], call=call, what="out", why="the maximum of each 2x2 block")
    back = Call(impl.maxpool2d_backward, np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), cache)
    expected = np.zeros((1, 1, 4, 4))
    expected[0, 0, 1, 1], expected[0, 0, 0, 2], expected[0, 0, 2, 1], expected[0, 0, 2, 2] = 1, 2, 3, 4
    assert_close(back.out, expected, call=back, what="dx",
                 why="each window's gradient goes to the position of its maximum, every other position gets 0")


def test_maxpool_padding_never_wins(impl):
    x = -np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    call, (out, _) = run_forward(impl, "max", x, 2, 1, 1)
    assert_close(out, -np.array([[[[1, 1, 2], [1, 1, 2], [3, 3, 4]]]]), call=call, what="out",
                 why="padding counts as -inf for max pooling: a corner window of negative values returns its one real "
                     "value, not a padded 0")


def test_overlapping_windows_accumulate_by_hand(impl):
    x = np.array([[[[1, 2, 3], [4, 9, 5], [6, 7, 8]]]], dtype=np.float64)
    call, (out, cache) = run_forward(impl, "max", x, 2, 1)
    assert_close(out, np.full((1, 1, 2, 2), 9.0), call=call, what="out")
    back = Call(impl.maxpool2d_backward, np.ones((1, 1, 2, 2)), cache)
    expected = np.zeros((1, 1, 3, 3))
    expected[0, 0, 1, 1] = 4.0
    assert_close(back.out, expected, call=back, what="dx",
                 why="the centre is the maximum of all four windows; their gradients add up: 1 + 1 + 1 + 1")


def test_avgpool_by_hand(impl):
    x = np.array([[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]])
    call, (out, cache) = run_forward(impl, "avg", x, 2, 1)
    assert_close(out, [[[[3.0, 4.0], [6.0, 7.0]]]], call=call, what="out", why="the mean of each 2x2 window")
    back = Call(impl.avgpool2d_backward, np.ones((1, 1, 2, 2)), cache)
    assert_close(back.out, [[[[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]]]], call=back, what="dx",
                 why="each window spreads dout / 4 over its four positions; the centre sits in all four windows")


# 2. Against torch, seeded.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", KINDS)
def test_forward_matches_torch(impl, kind, dtype):
    for n, config in enumerate(CONFIGS):
        rng = np.random.default_rng(n)
        x = rng.normal(size=(2, 3) + exact_size(config)).astype(dtype)
        call, (out, _) = run_forward(impl, kind, x, *config)
        check_against_torch(kind, out, x, config, call=call, what="out")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", KINDS)
def test_backward_matches_torch_autograd(impl, kind, dtype):
    for n, config in enumerate(CONFIGS):
        rng = np.random.default_rng(10 + n)
        x = rng.normal(size=(2, 3) + exact_size(config)).astype(dtype)
        out, _ = torch_pool(kind, x, *config)
        dout = rng.normal(size=out.shape)
        _, (_, cache) = run_forward(impl, kind, x, *config)
        call = Call(backward(impl, kind), dout.astype(dtype), cache)
        if np.shape(call.out) != x.shape:
            fail(f"dx: shape {np.shape(call.out)}, expected {x.shape}", call=call, got=show(call.out))
        check_against_torch(kind, call.out, x, config, dout, call=call, what="dx",
                            grad_tol=1e-6 if dtype == np.float64 else None)


@pytest.mark.parametrize("kind", KINDS)
def test_backward_matches_numerical_gradient(impl, kind):
    configs = [(2, None, 0), ((2, 3), (1, 2), (1, 0)), (3, 1, 1)]
    if kind == "avg":  # with padding, the divisor is test_avgpool_counts_padding_in_the_divisor's business
        configs = [(2, None, 0), (3, 1, 0)]
    for config in configs:
        rng = np.random.default_rng(30)
        x = distinct((1, 2) + exact_size(config, 2, 2), rng)
        dout = rng.normal(size=definition(kind, x, *config).shape)
        _, (_, cache) = run_forward(impl, kind, x, *config)
        call = Call(backward(impl, kind), dout, cache)
        expected = numerical_gradient(lambda v, c=config: definition(kind, v, *c), x, dout)
        assert_gradient_close(call.out, expected, call=call, what="dx",
                              why="compared with centered differences of pooling written window by window")


# 3. Edge cases.

@pytest.mark.parametrize("kind", KINDS)
def test_empty_batch_and_channels(impl, kind):
    for shape, out_shape in (((0, 3, 7, 7), (0, 3, 4, 4)), ((2, 0, 7, 7), (2, 0, 4, 4))):
        x = np.zeros(shape, dtype=np.float32)
        call, (out, cache) = run_forward(impl, kind, x, 3, 2, 1)
        if np.shape(out) != out_shape:
            fail(f"out: shape {np.shape(out)}, expected {out_shape}", call=call, got=show(out))
        back = Call(backward(impl, kind), np.zeros(out_shape, np.float32), cache)
        if np.shape(back.out) != shape:
            fail(f"dx: shape {np.shape(back.out)}, expected {shape}", call=back, got=show(back.out))


# 4. Conventions and bad input.

@pytest.mark.convention("max-pool ties: first maximum in row-major order")
def test_maxpool_ties_go_to_the_first_maximum(impl):
    x = np.array([[[[1.0, 1.0], [1.0, 1.0]], [[0.0, 2.0], [2.0, 1.0]]]])  # (1, 2, 2, 2): ties in both channels
    _, (_, cache) = run_forward(impl, "max", x, 2)
    back = Call(impl.maxpool2d_backward, np.array([[[[5.0]], [[3.0]]]]), cache)
    assert_close(back.out, [[[[5.0, 0.0], [0.0, 0.0]], [[0.0, 3.0], [0.0, 0.0]]]], call=back, what="dx", why=TIES)


@pytest.mark.convention("avg pool: padding counts in the divisor")
def test_avgpool_counts_padding_in_the_divisor(impl):
    x = np.ones((1, 1, 2, 2))
    call, (out, cache) = run_forward(impl, "avg", x, 2, 1, 1)
    why = ("padding zeros count in the divisor (torch's count_include_pad=True): a corner window holds one real 1 "
           "and three padded 0s, so it averages to 1/4")
    assert_close(out, [[[[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]]]], call=call, what="out", why=why)
    back = Call(impl.avgpool2d_backward, np.ones((1, 1, 3, 3)), cache)
    assert_close(back.out, np.ones((1, 1, 2, 2)), call=back, what="dx",
                 why="every input sits in 4 overlapping windows, each sending 1/4: they add up to 1")


@pytest.mark.convention("output size rounds down (ceil_mode=False)")
@pytest.mark.parametrize("kind", KINDS)
def test_output_size_rounds_down(impl, kind):
    x = np.arange(35, dtype=np.float64).reshape(1, 1, 5, 7)
    for config, shape in [((2, None, 0), (2, 3)), ((3, 2, 1), (3, 4)), (((2, 3), (1, 2), (1, 0)), (6, 3)),
                          ((5, 1, 2), (5, 7)), ((4, 4, 0), (1, 1))]:
        call, (out, _) = run_forward(impl, kind, x, *config)
        k, s, p = config
        (kh, kw), (sh, sw), (ph, pw) = pair(k), pair(s if s is not None else k), pair(p)
        if np.shape(out) != (1, 1) + shape:
            fail(f"out: shape {np.shape(out)}, expected {(1, 1) + shape}", call=call,
                 why=f"rounding down, H_out = (5 + 2 * {ph} - {kh}) // {sh} + 1 = {shape[0]} and "
                     f"W_out = (7 + 2 * {pw} - {kw}) // {sw} + 1 = {shape[1]}")


@pytest.mark.convention("outputs keep the input dtype")
def test_keeps_input_dtype(impl):
    rng = np.random.default_rng(5)
    for dtype in (np.float32, np.float64):
        x = rng.normal(size=(1, 2, 4, 4)).astype(dtype)
        for kind in KINDS:
            call, (out, cache) = run_forward(impl, kind, x, 2)
            assert_array(out, dtype=dtype, shape=(1, 2, 2, 2), call=call, what="out")
            back = Call(backward(impl, kind), np.ones((1, 2, 2, 2), dtype), cache)
            assert_array(back.out, dtype=dtype, shape=x.shape, call=back, what="dx")


@pytest.mark.contract("bad x or kernel/stride/padding: ValueError")
@pytest.mark.parametrize("kind", KINDS)
def test_bad_arguments_raise_value_error(impl, kind):
    fwd, x = forward(impl, kind), np.zeros((1, 2, 5, 5))
    assert_raises(ValueError, fwd, np.zeros((2, 5, 5)), 2, why="x must be 4-D (N, C, H, W)")
    assert_raises(ValueError, fwd, np.zeros((1, 1, 2, 5, 5)), 2, why="x must be 4-D (N, C, H, W)")
    assert_raises(ValueError, fwd, x, 3, 1, 2, why="padding 2 is more than kernel // 2 = 1 (torch's rule)")
    assert_raises(ValueError, fwd, x, (3, 3), 1, (1, 2), why="padding 2 is more than kernel // 2 = 1 (torch's rule)")
    assert_raises(ValueError, fwd, np.zeros((1, 2, 3, 3)), 5, why="a 5x5 window does not fit a 3x3 input")
    assert_raises(ValueError, fwd, x, 2, 0, why="stride must be at least 1")
    assert_raises(ValueError, fwd, x, 0, 1, why="kernel_size must be at least 1")


@pytest.mark.contract("dout not the output's shape: ValueError")
@pytest.mark.parametrize("kind", KINDS)
def test_backward_bad_dout_raises_value_error(impl, kind):
    _, (_, cache) = run_forward(impl, kind, np.zeros((1, 2, 4, 4)), 2)  # output (1, 2, 2, 2)
    for bad in (np.zeros((1, 2, 1, 1)), np.zeros((1, 2, 3, 3))):  # the first broadcasts silently
        assert_raises(ValueError, backward(impl, kind), bad, cache,
                      why="dout must have the forward output's shape (1, 2, 2, 2)")
