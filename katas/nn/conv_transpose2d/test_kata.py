"""Tests for nn/conv_transpose2d. Run: pytest katas/nn/conv_transpose2d

Correctness tests read the output's values and shape; that it keeps x's dtype is a convention test
of its own, the documented ValueErrors a contract test."""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, show

# Results hold sums of up to ~50 products of unit-size numbers; float32 rounding leaves a few 1e-6
# in absolute terms, which atol 1e-6 would reject on outputs that happen to be near zero. The same
# tolerance for float64 input: an answer that computes in float32 inside is not wrong.
TOL = {"rtol": 1e-5, "atol": 1e-5}


def pair(v):
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def out_hw(x_shape, w_shape, stride, padding, output_padding):
    (sh, sw), (ph, pw), (oph, opw) = pair(stride), pair(padding), pair(output_padding)
    return (x_shape[2] - 1) * sh - 2 * ph + w_shape[2] + oph, (x_shape[3] - 1) * sw - 2 * pw + w_shape[3] + opw


def torch_conv_transpose(x, w, b, stride, padding, output_padding) -> np.ndarray:
    """The oracle: torch.nn.functional.conv_transpose2d in float64."""
    torch = pytest.importorskip("torch")
    t = lambda a: None if a is None else torch.tensor(np.asarray(a, np.float64))  # noqa: E731
    return torch.nn.functional.conv_transpose2d(t(x), t(w), t(b), stride=stride, padding=padding,
                                                output_padding=output_padding).numpy()


def correlate(y, w, stride, padding):
    """A plain conv2d (cross-correlation) in float64, weight (F, C, KH, KW), one kernel tap at a time."""
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    yp = np.pad(np.asarray(y, np.float64), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    kh, kw = w.shape[2:]
    oh, ow = (yp.shape[2] - kh) // sh + 1, (yp.shape[3] - kw) // sw + 1
    out = np.zeros((y.shape[0], w.shape[0], oh, ow))
    for u in range(kh):
        for v in range(kw):
            seen = yp[:, :, u : u + sh * (oh - 1) + 1 : sh, v : v + sw * (ow - 1) + 1 : sw]
            out += np.einsum("nchw,fc->nfhw", seen, np.asarray(w, np.float64)[:, :, u, v])
    return out


def check(impl, x, w, b=None, stride=1, padding=0, output_padding=0, expected=None, why=None):
    """Run the candidate, check the output's form, and compare with `expected` (default: torch)."""
    __tracebackhide__ = True
    call = Call(impl.conv_transpose2d, x, w, b, stride=stride, padding=padding, output_padding=output_padding)
    shape = (x.shape[0], w.shape[1], *out_hw(x.shape, w.shape, stride, padding, output_padding))
    if np.shape(call.out) != shape:
        fail(f"output shape {np.shape(call.out)}, expected {shape}", call=call, got=show(call.out),
             why="OH = (H - 1)*sh - 2*ph + KH + oph: w is (C_in, C_out, KH, KW); padding crops rows and columns "
                 "from the full result, output_padding adds rows/columns at the bottom/right")
    if expected is None:
        expected = torch_conv_transpose(x, w, b, stride, padding, output_padding)
    assert_close(call.out, expected, **TOL, call=call, what="output",
                 why=why or "must equal torch.nn.functional.conv_transpose2d")
    return call.out


# 1. Small cases you can check on paper.

def test_single_pixel_stamps_the_kernel_upright(impl):
    w = np.arange(1.0, 7.0).reshape(1, 1, 2, 3)
    check(impl, np.ones((1, 1, 1, 1)), w, np.array([10.0]), expected=w + 10.0,
          why="a single input pixel of value 1 adds 1 * w[u, v] at output (u, v): the kernel appears as it is, "
              "not flipped, and the bias is added to every output pixel")


def test_overlapping_stamps_add_up(impl):
    x = np.array([[[[1.0, 2.0]]]])
    w = np.ones((1, 1, 1, 3))
    check(impl, x, w, expected=np.array([[[[1.0, 3.0, 3.0, 2.0]]]]),
          why="pixel 0 stamps [1, 1, 1] at columns 0-2, pixel 1 stamps [2, 2, 2] at columns 1-3; overlaps add")
    check(impl, x, w, stride=2, expected=np.array([[[[1.0, 1.0, 3.0, 2.0, 2.0]]]]),
          why="with stride 2 pixel 1 stamps at columns 2-4: OW = (2 - 1)*2 + 3 = 5")


def test_stride_equal_to_kernel_tiles_the_output(impl):
    x = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    expected = np.array([[[[1.0, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]])
    check(impl, x, np.ones((1, 1, 2, 2)), stride=2, expected=expected,
          why="stride 2 with a 2x2 kernel of ones copies each pixel into its own 2x2 block")


def test_padding_crops_the_full_result(impl):
    # full result: how many 3x3 stamps cover each pixel of the 4x4 canvas; padding 1 keeps its middle
    check(impl, np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), padding=1, expected=np.full((1, 1, 2, 2), 4.0),
          why="the full result is 4x4 ([[1, 2, 2, 1], [2, 4, 4, 2], ...]); padding 1 crops one row/column from "
              "each side: OH = (2 - 1) - 2 + 3 = 2")


def test_output_padding_adds_rows_only_the_bias_reaches(impl):
    check(impl, np.ones((1, 1, 1, 1)), np.full((1, 1, 1, 1), 5.0), np.array([1.0]), stride=2, output_padding=1,
          expected=np.array([[[[6.0, 1.0], [1.0, 1.0]]]]),
          why="OH = (1 - 1)*2 + 1 + 1 = 2: the extra bottom row and right column get no stamp, only the bias")


def test_weight_layout_is_in_out(impl):
    x = np.array([1.0, 0.0]).reshape(1, 2, 1, 1)  # only input channel 0 is on
    w = np.array([[2.0, 3.0], [5.0, 7.0]]).reshape(2, 2, 1, 1)
    check(impl, x, w, expected=np.array([2.0, 3.0]).reshape(1, 2, 1, 1),
          why="w[c_in, c_out]: input channel 0 sends w[0, 0] = 2 to output 0 and w[0, 1] = 3 to output 1; "
              "Conv2d's (out, in) layout would give 2 and 5")
    wide = np.arange(1.0, 4.0).reshape(1, 3, 1, 1)
    check(impl, np.ones((1, 1, 1, 1)), wide, expected=wide.reshape(1, 3, 1, 1),
          why="w of shape (1, 3, 1, 1) maps 1 input channel to 3 output channels")


# 2. Against torch on seeded random inputs.

CONFIGS = {
    # name: (N, C_in, H, W, C_out, KH, KW, stride, padding, output_padding, bias)
    "1x1_everything": (1, 1, 1, 1, 1, 1, 1, 1, 0, 0, True),
    "stride_1": (2, 3, 4, 5, 2, 3, 3, 1, 0, 0, True),
    "stride_2_pad_1": (2, 2, 4, 4, 3, 3, 3, 2, 1, 0, True),
    "upsample_x2_4x4_kernel": (1, 3, 5, 4, 2, 4, 4, 2, 1, 0, False),
    "output_padding": (2, 2, 3, 4, 2, 3, 3, 2, 1, 1, True),
    "pairs": (1, 2, 3, 5, 3, 2, 4, (3, 2), (1, 2), (2, 1), True),
    "big_padding": (1, 2, 4, 4, 2, 3, 3, 1, 2, 0, True),
    "empty_batch": (0, 2, 3, 3, 2, 3, 3, 2, 1, 1, True),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(CONFIGS))
def test_matches_torch(impl, name, dtype):
    n, c_in, h, wd, c_out, kh, kw, stride, padding, output_padding, bias = CONFIGS[name]
    rng = np.random.default_rng(len(name))
    x = rng.standard_normal((n, c_in, h, wd)).astype(dtype)
    w = rng.standard_normal((c_in, c_out, kh, kw)).astype(dtype)
    b = rng.standard_normal(c_out).astype(dtype) if bias else None
    check(impl, x, w, b, stride, padding, output_padding)


def random_case(rng):
    kh, kw, sh, sw = (int(v) for v in rng.integers(1, 4, size=4))
    ph, pw = (int(v) for v in rng.integers(0, 3, size=2))
    oph, opw = int(rng.integers(0, sh)), int(rng.integers(0, sw))
    # (H - 1) * s >= 2p keeps at least one output row: OH >= KH + oph
    h, wd = 1 - (-2 * ph // sh) + int(rng.integers(0, 4)), 1 - (-2 * pw // sw) + int(rng.integers(0, 4))
    c_in, c_out = (int(v) for v in rng.integers(1, 4, size=2))
    x = rng.standard_normal((2, c_in, h, wd))
    w = rng.standard_normal((c_in, c_out, kh, kw))
    return x, w, (sh, sw), (ph, pw), (oph, opw)


def test_many_random_shapes(impl):
    rng = np.random.default_rng(0)
    for _ in range(15):
        x, w, stride, padding, output_padding = random_case(rng)
        check(impl, x, w, rng.standard_normal(w.shape[1]), stride, padding, output_padding)


# 4. Properties.

def test_is_the_adjoint_of_conv2d(impl):
    rng = np.random.default_rng(1)
    for _ in range(10):
        x, w, stride, padding, output_padding = random_case(rng)
        call = Call(impl.conv_transpose2d, x, w, None, stride=stride, padding=padding, output_padding=output_padding)
        y = rng.standard_normal(np.shape(call.out))
        back = correlate(y, w, stride, padding)  # conv2d of y with the same w: back to x's shape
        left, right = float(np.sum(back * x)), float(np.sum(y * np.asarray(call.out)))
        if not abs(left - right) <= 1e-6 * (1 + np.abs(back * x).sum()):
            fail("conv_transpose2d is not the adjoint of conv2d", call=call,
                 got=f"<y, conv_transpose2d(x, w)> = {right!r}", expected=f"<conv2d(y, w), x> = {left!r}",
                 why="a transposed convolution is the transpose of the convolution's matrix (its gradient with "
                     "respect to the input): the two inner products must agree for every x and y")


def test_linear_in_the_input(impl):
    rng = np.random.default_rng(2)
    x1, x2 = rng.standard_normal((2, 2, 3, 3, 4))
    w = rng.standard_normal((3, 2, 3, 3))
    kw = {"stride": 2, "padding": 1, "output_padding": 1}
    a, b = Call(impl.conv_transpose2d, x1, w, None, **kw).out, Call(impl.conv_transpose2d, x2, w, None, **kw).out
    call = Call(impl.conv_transpose2d, 2.0 * x1 - 3.0 * x2, w, None, **kw)
    assert_close(call.out, 2.0 * np.asarray(a) - 3.0 * np.asarray(b), **TOL, call=call,
                 what="conv_transpose2d(2 x1 - 3 x2)", why="without bias, a transposed convolution is linear")


def test_defaults_no_bias_stride_1_no_padding(impl):
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((1, 2, 3, 4)), rng.standard_normal((2, 3, 2, 2))
    call = Call(impl.conv_transpose2d, x, w)  # b, stride, padding, output_padding omitted
    assert_close(call.out, torch_conv_transpose(x, w, None, 1, 0, 0), **TOL, call=call, what="output",
                 why="the defaults: b=None, stride=1, padding=0, output_padding=0")


# 3. Conventions and bad input.

@pytest.mark.convention("output keeps x's dtype")
def test_keeps_input_dtype(impl):
    rng = np.random.default_rng(4)
    for dtype in (np.float32, np.float64):
        x = rng.standard_normal((1, 2, 3, 3)).astype(dtype)
        w = rng.standard_normal((2, 2, 3, 3)).astype(dtype)
        b = rng.standard_normal(2).astype(dtype)
        call = Call(impl.conv_transpose2d, x, w, b, stride=2, padding=1, output_padding=1)
        assert_array(call.out, dtype=dtype, shape=(1, 2, 6, 6), call=call, what="output")


@pytest.mark.contract("bad shapes, strides or paddings: ValueError")
def test_bad_input_raises_value_error(impl):
    # Each of these would run through a scatter or a loop without an explicit check.
    x, w = np.zeros((1, 2, 3, 3)), np.zeros((2, 3, 3, 3))
    assert_raises(ValueError, impl.conv_transpose2d, x, w, stride=2, output_padding=2,
                  why="output_padding must be smaller than the stride")
    assert_raises(ValueError, impl.conv_transpose2d, x, w, stride=(2, 1), output_padding=(1, 1),
                  why="output_padding 1 is not smaller than the column stride 1")
    assert_raises(ValueError, impl.conv_transpose2d, x, np.zeros((3, 2, 3, 3)),
                  why="w must be (C_in, C_out, KH, KW) with C_in = 2 here")
    assert_raises(ValueError, impl.conv_transpose2d, x, w, np.zeros(2), why="b must have shape (C_out,) = (3,)")
    assert_raises(ValueError, impl.conv_transpose2d, x, w, np.zeros(1), why="b must have shape (C_out,) = (3,)")
    assert_raises(ValueError, impl.conv_transpose2d, np.zeros((2, 3, 3)), w, why="x must be 4-D")
    assert_raises(ValueError, impl.conv_transpose2d, x, np.zeros((2, 3, 3)), why="w must be 4-D")
    assert_raises(ValueError, impl.conv_transpose2d, x, w, stride=0, why="stride must be at least 1")
    assert_raises(ValueError, impl.conv_transpose2d, x, w, stride=-1, why="stride must be at least 1")
    assert_raises(ValueError, impl.conv_transpose2d, x, w, padding=-1, why="padding cannot be negative")
    assert_raises(ValueError, impl.conv_transpose2d, x, w, stride=2, output_padding=-1,
                  why="output_padding cannot be negative")
    assert_raises(ValueError, impl.conv_transpose2d, np.zeros((1, 2, 1, 1)), w, padding=2,
                  why="OH = 0 - 4 + 3 = -1: padding crops away the whole output")
