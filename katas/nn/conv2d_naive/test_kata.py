"""Tests for nn/conv2d_naive. Run: pytest katas/nn/conv2d_naive

The oracle is the statement's formula in float64, one kernel tap at a time: numpy only, so the run
stays fast (it is what torch.nn.functional.conv2d computes; importing torch alone would cost seconds). Correctness
tests read the values whatever the output dtype; that float32 in gives float32 out is a convention
test of its own."""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail

# float32 results hold sums of up to ~100 products of unit-size numbers; their rounding error is a
# few 1e-6 in absolute terms, which atol 1e-6 would reject on outputs that happen to be near zero.
TOL = {np.float64: {"rtol": 1e-9, "atol": 1e-9}, np.float32: {"rtol": 1e-5, "atol": 1e-5}}


def pair(v):
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def definition(x, w, b=None, stride=1, padding=0) -> np.ndarray:
    """The statement's formula in float64: one kernel tap (u, v) at a time, all positions at once."""
    x, w = np.asarray(x, np.float64), np.asarray(w, np.float64)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    oh = (x.shape[2] + 2 * ph - w.shape[2]) // sh + 1
    ow = (x.shape[3] + 2 * pw - w.shape[3]) // sw + 1
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((x.shape[0], w.shape[0], oh, ow))
    for u in range(w.shape[2]):
        for v in range(w.shape[3]):
            seen = xp[:, :, u : u + sh * (oh - 1) + 1 : sh, v : v + sw * (ow - 1) + 1 : sw]
            out += np.einsum("nchw,fc->nfhw", seen, w[:, :, u, v])
    return out if b is None else out + np.asarray(b, np.float64).reshape(1, -1, 1, 1)


def check(impl, x, w, b=None, stride=1, padding=0, expected=None, why=None):
    """Run the candidate and compare its values with the formula (any float ndarray is read)."""
    __tracebackhide__ = True
    call = Call(impl.conv2d_naive, x, w, b, stride=stride, padding=padding)
    (sh, _), (ph, _) = pair(stride), pair(padding)
    expected = definition(x, w, b, stride, padding) if expected is None else np.asarray(expected)
    if not isinstance(call.out, np.ndarray):
        fail(f"conv2d_naive must return a numpy array, not {type(call.out).__name__}", call=call)
    if call.out.shape != expected.shape:
        fail(f"output shape {call.out.shape}, expected {expected.shape}", call=call,
             why=f"OH = floor((H + 2*ph - KH) / sh) + 1 = floor(({x.shape[2]} + {2 * ph} - {w.shape[2]}) / {sh}) + 1"
                 f" = {expected.shape[2]}; OW likewise = {expected.shape[3]}: a window must fit entirely inside "
                 "the padded input")
    assert_close(call.out, expected, **TOL[x.dtype.type], call=call, what="output",
                 why=why or "out[n, f, i, j] = b[f] + sum xp[n, c, i*sh + u, j*sw + v] * w[f, c, u, v]: "
                            "cross-correlation, zero padding on both sides")
    return call.out


# 1. Small cases you can check on paper.

def test_by_hand_difference_kernel(impl):
    x = np.arange(16, dtype=np.float64).reshape(1, 1, 4, 4)
    w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    call = Call(impl.conv2d_naive, x, w)  # b, stride and padding left at their defaults
    assert_close(call.out, np.full((1, 1, 3, 3), -5.0), call=call, what="output",
                 why="out[i, j] = x[i, j] * 1 + x[i+1, j+1] * (-1) = -5 everywhere (x grows by 5 along the "
                     "diagonal); +5 means the kernel was flipped: frameworks compute cross-correlation")


def test_by_hand_stride_and_padding(impl):
    x = np.arange(1, 17, dtype=np.float64).reshape(1, 1, 4, 4)
    check(impl, x, np.ones((1, 1, 3, 3)), None, stride=2, padding=1, expected=[[[[14.0, 30.0], [57.0, 99.0]]]],
          why="OH = floor((4 + 2 - 3) / 2) + 1 = 2; each output sums a 3x3 window of the input padded with "
              "one row/column of zeros on EVERY side: out[0, 0] = 1 + 2 + 5 + 6 = 14, "
              "out[1, 1] = 6 + 7 + 8 + 10 + 11 + 12 + 14 + 15 + 16 = 99")


def test_single_pixel_image_shows_the_kernel_rotated(impl):
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 1.0
    w = np.arange(1, 10, dtype=np.float64).reshape(1, 1, 3, 3)
    check(impl, x, w, None, padding=1, expected=w[:, :, ::-1, ::-1],
          why="out[i, j] = sum x[i+u-1, j+v-1] * w[u, v]; the only non-zero input is at (1, 1), so "
              "out[i, j] = w[2-i, 2-j]: cross-correlating a single bright pixel draws the kernel rotated "
              "by 180 degrees (true convolution would draw it upright)")


def test_bias_is_one_value_per_output_channel(impl):
    # 3 filters and 3 output columns: a bias lined up with the wrong axis still broadcasts, wrongly.
    x = np.zeros((2, 1, 3, 4))
    b = np.array([1.0, 2.0, 3.0])
    check(impl, x, np.zeros((3, 1, 2, 2)), b, expected=np.broadcast_to(b.reshape(1, 3, 1, 1), (2, 3, 2, 3)),
          why="with x = 0, output channel f is b[f] at every position: reshape b to (1, F, 1, 1) before "
              "adding; `out + b` lines b up with the last axis (the columns)")


def test_output_size_rounds_down(impl):
    rng = np.random.default_rng(5)
    # (H + 2p - K) / s = 7 / 2 and 5 / 3: the last partial window is dropped
    x = rng.standard_normal((1, 2, 10, 8))
    w = rng.standard_normal((2, 2, 3, 3))
    check(impl, x, w, None, stride=(2, 3), padding=0,
          why="OH = floor((10 - 3) / 2) + 1 = 4 and OW = floor((8 - 3) / 3) + 1 = 2")


def test_padding_and_stride_pairs_are_rows_then_columns(impl):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((1, 1, 5, 7))
    w = rng.standard_normal((1, 1, 3, 2))
    check(impl, x, w, None, stride=(1, 3), padding=(2, 0),
          why="stride=(sh, sw) and padding=(ph, pw): the first value is for the rows, the second for the columns")


# 2. Against the formula on seeded random inputs.

CONFIGS = {
    # name: (N, C, H, W, F, KH, KW, stride, padding, bias)
    "1x1_everything": (1, 1, 1, 1, 1, 1, 1, 1, 0, True),
    "pointwise": (2, 3, 4, 5, 4, 1, 1, 1, 0, True),
    "valid_3x3": (2, 3, 6, 7, 4, 3, 3, 1, 0, False),
    "same_3x3": (3, 2, 5, 5, 3, 3, 3, 1, 1, True),
    "stride_2": (2, 3, 8, 7, 2, 3, 3, 2, 1, True),
    "rect_kernel": (1, 2, 6, 9, 3, 2, 4, (1, 2), (2, 1), True),
    "stride_3_pad_2": (2, 1, 9, 10, 2, 5, 3, (3, 2), (2, 0), True),
    "kernel_fills_input": (2, 2, 3, 4, 2, 3, 4, 1, 0, True),
    "big_padding": (1, 2, 2, 3, 2, 3, 3, 2, 2, True),
    "empty_batch": (0, 3, 5, 5, 2, 3, 3, 1, 1, True),
}


def make(name, dtype):
    n, c, h, wd, f, kh, kw, stride, padding, bias = CONFIGS[name]
    rng = np.random.default_rng(len(name))
    x = rng.standard_normal((n, c, h, wd)).astype(dtype)
    w = rng.standard_normal((f, c, kh, kw)).astype(dtype)
    b = rng.standard_normal(f).astype(dtype) if bias else None
    return x, w, b, stride, padding


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(CONFIGS))
def test_matches_the_formula(impl, name, dtype):
    check(impl, *make(name, dtype))


def test_many_random_shapes(impl):
    rng = np.random.default_rng(0)
    for _ in range(12):
        c, f, kh, kw = rng.integers(1, 4, size=4)
        sh, sw = rng.integers(1, 4, size=2)
        ph, pw = rng.integers(0, 3, size=2)
        h, wd = kh + rng.integers(0, 6), kw + rng.integers(0, 6)
        x = rng.standard_normal((2, c, h, wd))
        w = rng.standard_normal((f, c, kh, kw))
        check(impl, x, w, rng.standard_normal(f), stride=(int(sh), int(sw)), padding=(int(ph), int(pw)))


# 3. Edge cases and bad input.

def test_no_filters_gives_an_empty_output(impl):
    check(impl, np.ones((2, 3, 5, 5)), np.zeros((0, 3, 3, 3)), None, padding=1)


@pytest.mark.convention("output dtype is x's dtype (float32 stays float32)")
def test_output_has_the_input_dtype(impl):
    for dtype in (np.float32, np.float64):
        x, w, b, stride, padding = make("stride_2", dtype)
        call = Call(impl.conv2d_naive, x, w, b, stride=stride, padding=padding)
        assert_array(call.out, dtype=dtype, shape=(2, 2, 4, 4), call=call, what="output")
    x, w, b, _, _ = make("empty_batch", np.float32)
    call = Call(impl.conv2d_naive, x, w, b, padding=1)
    assert_array(call.out, dtype=np.float32, shape=(0, 2, 5, 5), call=call, what="output for N = 0")


@pytest.mark.contract("x, w not 4-D or channels differ: ValueError")
def test_bad_shapes_raise_value_error(impl):
    x, w = np.zeros((1, 3, 5, 5)), np.zeros((2, 3, 3, 3))
    assert_raises(ValueError, impl.conv2d_naive, np.zeros((1, 1, 3, 5, 5)), w, why="x must be 4-D (N, C, H, W)")
    assert_raises(ValueError, impl.conv2d_naive, x, np.zeros((2, 3, 3)), why="w must be 4-D (F, C, KH, KW)")
    # w with 1 channel would broadcast silently against a 3-channel window
    assert_raises(ValueError, impl.conv2d_naive, x, np.zeros((2, 1, 3, 3)), why="w has 1 input channel, x has 3")


@pytest.mark.contract("b not of shape (F,): ValueError")
def test_bad_bias_raises_value_error(impl):
    x, w = np.zeros((1, 3, 5, 5)), np.zeros((2, 3, 3, 3))
    # shape (1,) would broadcast silently onto every channel
    assert_raises(ValueError, impl.conv2d_naive, x, w, np.zeros(1), why="b must have one value per filter: (2,)")
    assert_raises(ValueError, impl.conv2d_naive, x, w, np.zeros((2, 1)), why="b must have shape (F,) = (2,)")


@pytest.mark.contract("stride < 1 or padding < 0: ValueError")
def test_bad_stride_or_padding_raises_value_error(impl):
    x, w = np.zeros((1, 3, 5, 5)), np.zeros((2, 3, 3, 3))
    assert_raises(ValueError, impl.conv2d_naive, x, w, stride=0, why="stride must be at least 1")
    assert_raises(ValueError, impl.conv2d_naive, x, w, stride=(1, -1), why="stride must be at least 1")
    assert_raises(ValueError, impl.conv2d_naive, x, w, padding=-1, why="padding cannot be negative")


@pytest.mark.contract("kernel larger than the padded input: ValueError")
def test_kernel_larger_than_the_input_raises_value_error(impl):
    x = np.zeros((1, 3, 5, 5))
    # would give OH = OW = 0, an empty output, without the check
    assert_raises(ValueError, impl.conv2d_naive, x, np.zeros((2, 3, 6, 6)),
                  why="a 6x6 kernel does not fit in a 5x5 input: no output position")
    assert_raises(ValueError, impl.conv2d_naive, x, np.zeros((2, 3, 8, 3)), padding=1,
                  why="an 8-row kernel does not fit in 5 + 2 padded rows")


# 4. Properties.

def test_pointwise_kernel_mixes_channels_like_a_matrix_product(impl):
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 4, 3, 5))
    w = rng.standard_normal((3, 4, 1, 1))
    check(impl, x, w, expected=np.einsum("fc,nchw->nfhw", w[:, :, 0, 0], x),
          why="a 1x1 convolution is a matrix product over channels at every pixel")


def test_linear_in_the_input(impl):
    rng = np.random.default_rng(10)
    x1, x2 = rng.standard_normal((2, 2, 2, 6, 6))
    w = rng.standard_normal((3, 2, 3, 3))
    a = Call(impl.conv2d_naive, x1, w, None, stride=2, padding=1).out
    b = Call(impl.conv2d_naive, x2, w, None, stride=2, padding=1).out
    call = Call(impl.conv2d_naive, 2.0 * x1 - 3.0 * x2, w, None, stride=2, padding=1)
    assert_close(call.out, 2.0 * np.asarray(a) - 3.0 * np.asarray(b), rtol=1e-9, atol=1e-9, call=call,
                 what="conv(2 x1 - 3 x2)", why="without bias, convolution is linear in its input")
