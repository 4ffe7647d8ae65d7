"""Tests for nn/conv2d_naive. Run: pytest katas/nn/conv2d_naive"""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail

# float32 results hold sums of up to ~100 products of unit-size numbers; their rounding error is a
# few 1e-6 in absolute terms, which atol 1e-6 would reject on outputs that happen to be near zero.
TOL = {np.float64: {"rtol": 1e-9, "atol": 1e-9}, np.float32: {"rtol": 1e-5, "atol": 1e-5}}


def torch_conv(x, w, b=None, stride=1, padding=0) -> np.ndarray:
    """The oracle: torch.nn.functional.conv2d in float64."""
    torch = pytest.importorskip("torch")
    t = lambda a: None if a is None else torch.tensor(np.asarray(a, np.float64))  # noqa: E731
    return torch.nn.functional.conv2d(t(x), t(w), t(b), stride=stride, padding=padding).numpy()


def out_size(h, k, s, p):
    return (h + 2 * p - k) // s + 1


def check(impl, x, w, b=None, stride=1, padding=0, why=None):
    """Run the candidate, check the output's form, and compare with torch."""
    __tracebackhide__ = True
    call = Call(impl.conv2d_naive, x, w, b, stride=stride, padding=padding)
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
    ph, pw = (padding, padding) if np.ndim(padding) == 0 else padding
    shape = (x.shape[0], w.shape[0], out_size(x.shape[2], w.shape[2], sh, ph), out_size(x.shape[3], w.shape[3], sw, pw))
    if isinstance(call.out, np.ndarray) and call.out.shape != shape:
        fail(f"output shape {call.out.shape}, expected {shape}", call=call,
             why=f"OH = floor((H + 2*ph - KH) / sh) + 1 = floor(({x.shape[2]} + {2 * ph} - {w.shape[2]}) / {sh}) + 1"
                 f" = {shape[2]}; OW likewise = {shape[3]}: a window must fit entirely inside the padded input")
    assert_array(call.out, dtype=x.dtype, shape=shape, call=call, what="output")
    assert_close(call.out, torch_conv(x, w, b, stride, padding), **TOL[x.dtype.type], call=call, what="output",
                 why=why or "must equal torch.nn.functional.conv2d: cross-correlation, zero padding on both sides")
    return call.out


# 1. Small cases you can check on paper.

def test_by_hand_difference_kernel(impl):
    x = np.arange(16, dtype=np.float64).reshape(1, 1, 4, 4)
    w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    call = Call(impl.conv2d_naive, x, w)
    assert_close(call.out, np.full((1, 1, 3, 3), -5.0), call=call, what="output",
                 why="out[i, j] = x[i, j] * 1 + x[i+1, j+1] * (-1) = -5 everywhere (x grows by 5 along the "
                     "diagonal); +5 means the kernel was flipped: frameworks compute cross-correlation")


def test_by_hand_stride_and_padding(impl):
    x = np.arange(1, 17, dtype=np.float64).reshape(1, 1, 4, 4)
    call = Call(impl.conv2d_naive, x, np.ones((1, 1, 3, 3)), None, stride=2, padding=1)
    assert_close(call.out, [[[[14.0, 30.0], [57.0, 99.0]]]], call=call, what="output",
                 why="OH = floor((4 + 2 - 3) / 2) + 1 = 2; each output sums a 3x3 window of the input padded with "
                     "one row/column of zeros on EVERY side: out[0, 0] = 1 + 2 + 5 + 6 = 14, "
                     "out[1, 1] = 6 + 7 + 8 + 10 + 11 + 12 + 14 + 15 + 16 = 99")


def test_single_pixel_image_shows_the_kernel_rotated(impl):
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 1.0
    w = np.arange(1, 10, dtype=np.float64).reshape(1, 1, 3, 3)
    call = Call(impl.conv2d_naive, x, w, None, padding=1)
    assert_close(call.out, w[:, :, ::-1, ::-1], call=call, what="output",
                 why="out[i, j] = sum x[i+u-1, j+v-1] * w[u, v]; the only non-zero input is at (1, 1), so "
                     "out[i, j] = w[2-i, 2-j]: cross-correlating a single bright pixel draws the kernel rotated "
                     "by 180 degrees (true convolution would draw it upright)")


def test_bias_is_one_value_per_output_channel(impl):
    # 3 filters and 3 output columns: a bias lined up with the wrong axis still broadcasts, wrongly.
    x = np.zeros((2, 1, 3, 4))
    b = np.array([1.0, 2.0, 3.0])
    call = Call(impl.conv2d_naive, x, np.zeros((3, 1, 2, 2)), b)
    expected = np.broadcast_to(b.reshape(1, 3, 1, 1), (2, 3, 2, 3))
    assert_close(call.out, expected, call=call, what="output",
                 why="with x = 0, output channel f is b[f] at every position: reshape b to (1, F, 1, 1) before "
                     "adding; `out + b` lines b up with the last axis (the columns)")


def test_output_size_rounds_down(impl):
    rng = np.random.default_rng(5)
    # (H + 2p - K) / s = 7 / 2 and 5 / 3: the last partial window is dropped
    x = rng.standard_normal((1, 2, 10, 8))
    w = rng.standard_normal((2, 2, 3, 3))
    check(impl, x, w, None, stride=(2, 3), padding=0,
          why="OH = floor((10 - 3) / 2) + 1 = 4 and OW = floor((8 - 3) / 3) + 1 = 2")


# 2. Against torch on seeded random inputs.

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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(CONFIGS))
def test_matches_torch(impl, name, dtype):
    n, c, h, wd, f, kh, kw, stride, padding, bias = CONFIGS[name]
    rng = np.random.default_rng(len(name))
    x = rng.standard_normal((n, c, h, wd)).astype(dtype)
    w = rng.standard_normal((f, c, kh, kw)).astype(dtype)
    b = rng.standard_normal(f).astype(dtype) if bias else None
    check(impl, x, w, b, stride=stride, padding=padding)


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
    call = Call(impl.conv2d_naive, np.ones((2, 3, 5, 5)), np.zeros((0, 3, 3, 3)), None, padding=1)
    assert_array(call.out, dtype=np.float64, shape=(2, 0, 5, 5), call=call, what="output for F = 0 filters")


def test_bad_input_raises_value_error(impl):
    x, w = np.zeros((1, 3, 5, 5)), np.zeros((2, 3, 3, 3))
    assert_raises(ValueError, impl.conv2d_naive, np.zeros((3, 5, 5)), w, why="x must be 4-D (N, C, H, W)")
    assert_raises(ValueError, impl.conv2d_naive, x, np.zeros((2, 4, 3, 3)), why="w has 4 input channels, x has 3")
    assert_raises(ValueError, impl.conv2d_naive, x, w, np.zeros(3), why="b must have one value per filter")
    assert_raises(ValueError, impl.conv2d_naive, x, w, stride=0, why="stride must be at least 1")
    assert_raises(ValueError, impl.conv2d_naive, x, w, padding=-1, why="padding cannot be negative")
    assert_raises(ValueError, impl.conv2d_naive, x, np.zeros((2, 3, 6, 6)),
                  why="a 6x6 kernel does not fit in a 5x5 input: no output position")


# 4. Properties.

def test_pointwise_kernel_mixes_channels_like_a_matrix_product(impl):
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 4, 3, 5))
    w = rng.standard_normal((3, 4, 1, 1))
    call = Call(impl.conv2d_naive, x, w)
    assert_close(call.out, np.einsum("fc,nchw->nfhw", w[:, :, 0, 0], x), call=call, what="output",
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
