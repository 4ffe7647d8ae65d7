"""Tests for nn/conv2d. Run: pytest katas/nn/conv2d

The oracles are the statement's formula in float64, one group and one kernel tap at a time, and its
adjoint for the gradients (numpy only: importing torch alone would cost seconds; these are what
torch.nn.functional.conv2d and its autograd compute), with centered differences on a small case.
Correctness tests read values whatever their dtype; dtypes and db = None are convention tests."""

import numpy as np
import pytest

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


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Matrix products on one BLAS thread, for candidate and reference alike: on a busy machine a
    multi-threaded BLAS stalls for tens of milliseconds at random, which would make speed ratios noise."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(1, user_api="blas"):
        yield


# float32 results hold sums of up to ~100 products of unit-size numbers; their rounding error is a
# few 1e-6 in absolute terms, which atol 1e-6 would reject on outputs that happen to be near zero.
TOL = {np.float64: {"rtol": 1e-9, "atol": 1e-9}, np.float32: {"rtol": 1e-5, "atol": 1e-5}}


def pair(v):
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def out_hw(x_shape, w_shape, stride, padding, dilation):
    (sh, sw), (ph, pw), (dh, dw) = pair(stride), pair(padding), pair(dilation)
    oh = (x_shape[2] + 2 * ph - dh * (w_shape[2] - 1) - 1) // sh + 1
    ow = (x_shape[3] + 2 * pw - dw * (w_shape[3] - 1) - 1) // sw + 1
    return oh, ow


def definition(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """The formula of the statement in float64: one kernel tap and one group at a time."""
    x, w = np.asarray(x, np.float64), np.asarray(w, np.float64)
    (sh, sw), (ph, pw), (dh, dw) = pair(stride), pair(padding), pair(dilation)
    n, f, cg = x.shape[0], w.shape[0], w.shape[1]
    oh, ow = out_hw(x.shape, w.shape, stride, padding, dilation)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((n, f, oh, ow))
    fg = f // groups
    for g in range(groups):
        for u in range(w.shape[2]):
            for v in range(w.shape[3]):
                seen = xp[:, g * cg : (g + 1) * cg, u * dh : u * dh + sh * (oh - 1) + 1 : sh,
                          v * dw : v * dw + sw * (ow - 1) + 1 : sw]
                out[:, g * fg : (g + 1) * fg] += np.einsum("nchw,fc->nfhw", seen, w[g * fg : (g + 1) * fg, :, u, v])
    return out if b is None else out + np.asarray(b, np.float64).reshape(1, -1, 1, 1)


def definition_backward(x, w, b, kw, dout):
    """The adjoint of `definition`: every tap sends dout * w back to the pixel it read; dw and db
    sum over the batch and every position."""
    x, w, dout = (np.asarray(a, np.float64) for a in (x, w, dout))
    (sh, sw), (ph, pw), (dh, dw_) = pair(kw["stride"]), pair(kw["padding"]), pair(kw["dilation"])
    groups, f, cg = kw["groups"], w.shape[0], w.shape[1]
    oh, ow = dout.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    fg = f // groups
    for g in range(groups):
        cs, fs = slice(g * cg, (g + 1) * cg), slice(g * fg, (g + 1) * fg)
        for u in range(w.shape[2]):
            for v in range(w.shape[3]):
                rows = slice(u * dh, u * dh + sh * (oh - 1) + 1, sh)
                cols = slice(v * dw_, v * dw_ + sw * (ow - 1) + 1, sw)
                dw[fs, :, u, v] = np.einsum("nchw,nfhw->fc", xp[:, cs, rows, cols], dout[:, fs])
                dxp[:, cs, rows, cols] += np.einsum("nfhw,fc->nchw", dout[:, fs], w[fs, :, u, v])
    dx = dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]]
    return dx, dw, (None if b is None else dout.sum(axis=(0, 2, 3)))


# name: (N, C, H, W, F, KH, KW, stride, padding, dilation, groups, bias)
CONFIGS = {
    "1x1_everything": (1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, True),
    "same_3x3": (2, 3, 6, 5, 4, 3, 3, 1, 1, 1, 1, True),
    "valid_no_bias": (2, 2, 5, 6, 3, 3, 2, 1, 0, 1, 1, False),
    "stride_2": (2, 3, 7, 8, 2, 3, 3, 2, 1, 1, 1, True),
    "stride_pair": (1, 2, 9, 7, 3, 3, 2, (3, 2), (1, 0), 1, 1, True),
    "dilation_2": (2, 2, 7, 7, 3, 3, 3, 1, 2, 2, 1, True),
    "dilation_pair": (1, 3, 8, 9, 2, 2, 3, (2, 1), (0, 2), (3, 2), 1, True),
    "groups_2": (2, 4, 5, 6, 6, 3, 3, 1, 1, 1, 2, True),
    "depthwise": (2, 3, 6, 6, 3, 3, 3, 2, 1, 1, 3, True),
    "depthwise_multiplier": (1, 2, 5, 5, 4, 3, 3, 1, 1, 1, 2, False),
    "groups_stride_dilation": (2, 6, 9, 8, 4, 3, 2, (2, 3), (2, 1), (2, 3), 2, True),
    "empty_batch": (0, 2, 5, 5, 2, 3, 3, 1, 1, 1, 1, True),
    "tiny_all_options": (1, 4, 5, 4, 2, 2, 2, (2, 1), (1, 0), (1, 2), 2, True),
}


def make(name, dtype=np.float64):
    n, c, h, wd, f, kh, kw, stride, padding, dilation, groups, bias = CONFIGS[name]
    rng = np.random.default_rng(len(name))
    x = rng.standard_normal((n, c, h, wd)).astype(dtype)
    w = rng.standard_normal((f, c // groups, kh, kw)).astype(dtype)
    b = rng.standard_normal(f).astype(dtype) if bias else None
    return x, w, b, {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}


def forward(impl, x, w, b, kw, expected=None, why=None):
    """Run the forward pass, check the output's shape and compare it with `expected` (default: the
    formula). Any float ndarray is read: that it keeps x's dtype is the convention test's business."""
    __tracebackhide__ = True
    call = Call(impl.conv2d_forward, x, w, b, **kw)
    if not isinstance(call.out, tuple) or len(call.out) != 2:
        fail("conv2d_forward must return a pair (out, cache)", call=call)
    shape = (x.shape[0], w.shape[0], *out_hw(x.shape, w.shape, kw["stride"], kw["padding"], kw["dilation"]))
    out = call.out[0]
    if isinstance(out, np.ndarray) and out.shape != shape:
        fail(f"out has shape {out.shape}, expected {shape}", call=call,
             why="OH = floor((H + 2*ph - dh*(KH - 1) - 1) / sh) + 1: a dilated kernel spans dh*(KH - 1) + 1 rows; "
                 "padding adds zeros on both sides")
    assert_array(out, shape=shape, call=call, what="out")
    if expected is None:
        expected = definition(x, w, b, **kw)
    assert_close(out, expected, **TOL[x.dtype.type], call=call, what="out",
                 why=why or "out[n, f, i, j] = b[f] + sum xp[n, g*C/G + c, i*sh + u*dh, j*sw + v*dw] * w[f, c, u, v] "
                            "(cross-correlation; groups in contiguous blocks), as torch.nn.functional.conv2d")
    return call.out


def backward(impl, cache, dout):
    __tracebackhide__ = True
    call = Call(impl.conv2d_backward, dout, cache)
    if not isinstance(call.out, tuple) or len(call.out) != 3:
        fail("conv2d_backward must return a triple (dx, dw, db)", call=call)
    return call


# 1. Small cases you can check on paper.

def test_by_hand_cross_correlation(impl):
    x = np.arange(16, dtype=np.float64).reshape(1, 1, 4, 4)
    w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    kw = {"stride": 1, "padding": 0, "dilation": 1, "groups": 1}
    forward(impl, x, w, None, kw, expected=np.full((1, 1, 3, 3), -5.0),
            why="out[i, j] = x[i, j] - x[i+1, j+1] = -5 everywhere; +5 means the kernel was flipped "
                "(frameworks compute cross-correlation)")


def test_by_hand_dilation(impl):
    x = np.arange(25, dtype=np.float64).reshape(1, 1, 5, 5)
    w = np.array([[[[1.0, -1.0]]]])
    kw = {"stride": 1, "padding": 0, "dilation": 2, "groups": 1}
    forward(impl, x, w, None, kw, expected=np.full((1, 1, 5, 3), -2.0),
            why="dilation 2 puts the two taps 2 columns apart: out[i, j] = x[i, j] - x[i, j+2] = -2, and the "
                "kernel spans 2*(2-1)+1 = 3 columns, so OW = 5 - 3 + 1 = 3; dilation is not padding")


def test_by_hand_groups_take_contiguous_channel_blocks(impl):
    x = np.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 4, 1, 1)
    w = np.array([[1.0, 10.0], [100.0, 1000.0]]).reshape(2, 2, 1, 1)
    kw = {"stride": 1, "padding": 0, "dilation": 1, "groups": 2}
    forward(impl, x, w, None, kw, expected=np.array([21.0, 4300.0]).reshape(1, 2, 1, 1),
            why="group 0 sees channels 0 and 1: 1*1 + 10*2 = 21; group 1 sees channels 2 and 3: "
                "100*3 + 1000*4 = 4300 (contiguous blocks, not every G-th channel)")


def test_by_hand_backward(impl):
    x = np.ones((2, 1, 3, 3))
    kw = {"stride": 1, "padding": 0, "dilation": 1, "groups": 1}
    _, cache = forward(impl, x, np.ones((1, 1, 2, 2)), np.zeros(1), kw, expected=np.full((2, 1, 2, 2), 4.0))
    call = backward(impl, cache, np.ones((2, 1, 2, 2)))
    dx, dw, db = call.out
    assert_close(dw, np.full((1, 1, 2, 2), 8.0), call=call, what="dw",
                 why="each weight multiplies one input pixel in each of the 2 x 2 x 2 = 8 outputs of the batch: "
                     "sum over the whole batch, not one sample")
    assert_close(db, [8.0], call=call, what="db", why="the bias is added to all 8 outputs: sum over N, OH, OW")
    per_sample = np.array([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]])
    assert_close(dx, np.broadcast_to(per_sample, (2, 1, 3, 3)), call=call, what="dx",
                 why="a pixel's gradient counts the 2x2 windows that contain it: 1 at a corner, 4 in the middle")


# 2. Against the formula on seeded random inputs.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(CONFIGS))
def test_forward_matches_the_formula(impl, name, dtype):
    x, w, b, kw = make(name, dtype)
    forward(impl, x, w, b, kw)


def test_forward_many_random_shapes(impl):
    rng = np.random.default_rng(0)
    for _ in range(10):
        groups = int(rng.choice([1, 1, 2, 3]))
        c, f = groups * rng.integers(1, 3, size=2)
        kh, kw_, sh, sw, dh, dw = rng.integers(1, 4, size=6)
        ph, pw = rng.integers(0, 3, size=2)
        h, wd = dh * (kh - 1) + rng.integers(1, 6), dw * (kw_ - 1) + rng.integers(1, 6)
        x = rng.standard_normal((2, int(c), int(h), int(wd)))
        w = rng.standard_normal((int(f), int(c) // groups, int(kh), int(kw_)))
        kw = {"stride": (int(sh), int(sw)), "padding": (int(ph), int(pw)), "dilation": (int(dh), int(dw)),
              "groups": groups}
        b = rng.standard_normal(int(f))
        forward(impl, x, w, b, kw, expected=definition(x, w, b, **kw))


# 6. Gradients.

GRAD_CONFIGS = ["same_3x3", "valid_no_bias", "stride_pair", "dilation_pair", "groups_2", "depthwise",
                "groups_stride_dilation"]


def check_gradients(impl, name, expected_fn=definition_backward, dtype=np.float64, tol=1e-6):
    __tracebackhide__ = True
    x, w, b, kw = make(name, dtype)
    out, cache = forward(impl, x, w, b, kw)
    dout = np.random.default_rng(1).standard_normal(np.shape(out)).astype(dtype)
    call = backward(impl, cache, dout)
    dx, dw, db = call.out
    ex, ew, eb = expected_fn(x, w, b, kw, dout)
    assert_gradient_close(dw, ew, tol=tol, call=call, what="dw",
                          why="dw[f, c, u, v] sums dout * the input pixel that tap (u, v) read, over the whole batch "
                              "and every output position")
    assert_gradient_close(dx, ex, tol=tol, call=call, what="dx",
                          why="each output sends dout * w[f, c, u, v] back to the pixel that tap read: "
                              "row i*sh + u*dh - ph, column j*sw + v*dw - pw")
    if b is not None:
        assert_gradient_close(db, eb, tol=tol, call=call, what="db", why="db[f] sums dout[:, f] over N, OH and OW")
    return call


@pytest.mark.parametrize("name", GRAD_CONFIGS)
def test_backward_matches_the_adjoint(impl, name):
    check_gradients(impl, name)


def test_backward_matches_numerical_gradient(impl):
    def expected(x, w, b, kw, dout):
        return (numerical_gradient(lambda v: definition(v, w, b, **kw), x, dout),
                numerical_gradient(lambda v: definition(x, v, b, **kw), w, dout),
                numerical_gradient(lambda v: definition(x, w, v, **kw), b, dout))

    check_gradients(impl, "tiny_all_options", expected)


def test_backward_float32_and_empty_batch(impl):
    # float32 sums of a few hundred terms: relative error ~1e-7, well inside 1e-5
    check_gradients(impl, "groups_stride_dilation", dtype=np.float32, tol=1e-5)
    x, w, b, kw = make("empty_batch")
    out, cache = forward(impl, x, w, b, kw)
    call = backward(impl, cache, np.zeros(np.shape(out)))
    assert_array(call.out[0], shape=x.shape, call=call, what="dx for an empty batch")
    assert_close(call.out[1], np.zeros(w.shape), call=call, what="dw for an empty batch")
    assert_close(call.out[2], np.zeros(b.shape), call=call, what="db for an empty batch")


@pytest.mark.convention("out, dx, dw, db keep the inputs' dtypes")
def test_outputs_keep_the_input_dtypes(impl):
    for dtype in (np.float32, np.float64):
        x, w, b, kw = make("groups_stride_dilation", dtype)
        call = Call(impl.conv2d_forward, x, w, b, **kw)
        out, cache = call.out
        assert_array(out, dtype=np.dtype(dtype), call=call, what="out")
        bcall = Call(impl.conv2d_backward, np.ones(out.shape, dtype), cache)
        for got, like, name in zip(bcall.out, (x, w, b), ("dx", "dw", "db")):
            assert_array(got, dtype=np.dtype(dtype), shape=like.shape, call=bcall, what=name)


@pytest.mark.convention("b=None: db is None")
def test_no_bias_gives_db_none(impl):
    x, w, _, kw = make("valid_no_bias")
    out, cache = Call(impl.conv2d_forward, x, w, None, **kw).out
    call = Call(impl.conv2d_backward, np.ones(np.shape(out)), cache)
    if call.out[2] is not None:
        fail("db must be None when the forward had b=None", call=call, got=show(call.out[2]),
             why="there is no bias to differentiate; None says so, a zero array would pretend there is one")


# 3. Edge cases and bad input.

@pytest.mark.contract("bad shapes or groups: ValueError")
def test_bad_shapes_or_groups_raise_value_error(impl):
    x, w = np.zeros((1, 4, 5, 5)), np.zeros((2, 4, 3, 3))
    assert_raises(ValueError, impl.conv2d_forward, np.zeros((1, 1, 4, 5, 5)), w, None, why="x must be 4-D")
    assert_raises(ValueError, impl.conv2d_forward, x, np.zeros((2, 4, 3)), None, why="w must be 4-D")
    assert_raises(ValueError, impl.conv2d_forward, x, np.zeros((2, 3, 3, 3)), None,
                  why="w has 3 input channels per group, x has 4")
    assert_raises(ValueError, impl.conv2d_forward, x, np.zeros((2, 2, 3, 3)), None, groups=3,
                  why="groups=3 divides neither C=4 nor F=2")
    assert_raises(ValueError, impl.conv2d_forward, x, np.zeros((3, 2, 3, 3)), None, groups=2,
                  why="groups=2 divides C=4 but not F=3")


@pytest.mark.contract("b not of shape (F,): ValueError")
def test_bad_bias_raises_value_error(impl):
    x, w = np.zeros((1, 4, 5, 5)), np.zeros((2, 4, 3, 3))
    # shape (1,) would broadcast silently onto both channels
    assert_raises(ValueError, impl.conv2d_forward, x, w, np.zeros(1), why="b must have shape (F,) = (2,)")
    assert_raises(ValueError, impl.conv2d_forward, x, w, np.zeros(3), why="b must have shape (F,) = (2,)")


@pytest.mark.contract("stride, dilation < 1 or padding < 0: ValueError")
def test_bad_stride_dilation_padding_raise_value_error(impl):
    x, w = np.zeros((1, 4, 5, 5)), np.zeros((2, 4, 3, 3))
    assert_raises(ValueError, impl.conv2d_forward, x, w, None, stride=0, why="stride must be at least 1")
    assert_raises(ValueError, impl.conv2d_forward, x, w, None, dilation=0, why="dilation must be at least 1")
    assert_raises(ValueError, impl.conv2d_forward, x, w, None, dilation=(1, -1), why="dilation must be at least 1")
    assert_raises(ValueError, impl.conv2d_forward, x, w, None, padding=-1, why="padding cannot be negative")


@pytest.mark.contract("dilated kernel larger than the input: ValueError")
def test_kernel_larger_than_the_input_raises_value_error(impl):
    x, w = np.zeros((1, 4, 5, 5)), np.zeros((2, 4, 3, 3))
    assert_raises(ValueError, impl.conv2d_forward, x, w, None, dilation=3,
                  why="a 3x3 kernel with dilation 3 spans 7 pixels, more than the 5x5 input")
    assert_raises(ValueError, impl.conv2d_forward, x, np.zeros((2, 4, 8, 3)), None, padding=1,
                  why="an 8-row kernel does not fit in 5 + 2 padded rows")


# 4. Properties.

def test_depthwise_equals_separate_single_channel_convolutions(impl):
    x, w, b, kw = make("depthwise")
    out = forward(impl, x, w, b, kw)[0]
    one = dict(kw, groups=1)
    for ch in range(x.shape[1]):
        single = Call(impl.conv2d_forward, x[:, ch : ch + 1], w[ch : ch + 1], b[ch : ch + 1], **one)
        assert_close(single.out[0], np.asarray(out)[:, ch : ch + 1], rtol=1e-9, atol=1e-9, call=single,
                     what=f"channel {ch} on its own",
                     why="a depthwise convolution (groups = C = F) filters each channel on its own")


# 7. Speed.

@pytest.mark.perf
def test_speed_forward_4x16x24x24(impl, reference, speed):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 16, 24, 24), dtype=np.float32)
    w = rng.standard_normal((16, 16, 3, 3), dtype=np.float32) * np.float32(0.05)
    b = rng.standard_normal(16, dtype=np.float32)
    Call(impl.conv2d_forward, x[:1, :, :6, :6], w, b, padding=1)  # a cheap call first: fail fast if not written
    speed(impl.conv2d_forward, reference.conv2d_forward, x, w, b, padding=1)


@pytest.mark.perf
def test_speed_backward_2x16x16x16(impl, reference, speed):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 16, 16, 16), dtype=np.float32)
    w = rng.standard_normal((16, 16, 3, 3), dtype=np.float32) * np.float32(0.05)
    b = rng.standard_normal(16, dtype=np.float32)
    dout = rng.standard_normal((2, 16, 16, 16), dtype=np.float32)
    # The backward needs the candidate's own cache: time its forward on this input first, so that a
    # hopeless forward is stopped early here too instead of running to the end.
    speed(impl.conv2d_forward, reference.conv2d_forward, x, w, b, padding=1)
    cache = Call(impl.conv2d_forward, x, w, b, padding=1).out[1]
    ref_cache = reference.conv2d_forward(x, w, b, padding=1)[1]
    speed(lambda: impl.conv2d_backward(dout, cache), lambda: reference.conv2d_backward(dout, ref_cache))
