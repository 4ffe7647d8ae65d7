"""Tests for classic/filter2d. Run: pytest katas/classic/filter2d

The oracle, written below, pads with np.pad and sums one shifted view per kernel tap in float64;
it equals scipy.ndimage.correlate in all four modes (kernels wider than the image and 1-pixel
images included), and the Gaussian and Sobel oracles equal scipy.ndimage.gaussian_filter and
scipy.ndimage.sobel, checked offline (scipy.ndimage is not imported here: it costs 0.4 s of the
feedback time). Correctness tests pass every mode explicitly, compare Sobel outputs up to one sign
per output, and compare values whatever the float dtype (float images only); the default mode, the Sobel sign and the
result dtype each have a convention test of their own."""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, show

MODES = ["constant", "nearest", "reflect", "mirror"]
PAD = {"constant": "constant", "nearest": "edge", "reflect": "symmetric", "mirror": "reflect"}
SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float64)
MODE_WHY = {"constant": "zeros beyond the border", "nearest": "the edge cell repeated: a a | a b c",
            "reflect": "reflected with the edge cell repeated: b a | a b c",
            "mirror": "reflected without repeating the edge cell: c b | a b c"}


def oracle_correlate(image, kernel, mode):
    image, kernel = np.asarray(image, np.float64), np.asarray(kernel, np.float64)
    (h, w), (kh, kw) = image.shape, kernel.shape
    if image.size == 0:
        return np.zeros((h, w))
    padded = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)), mode=PAD[mode])
    out = np.zeros((h, w))
    for i in range(kh):
        for j in range(kw):
            out += kernel[i, j] * padded[i:i + h, j:j + w]
    return out


def oracle_gaussian(sigma):
    r = int(4.0 * sigma + 0.5)
    w = np.exp(-np.arange(-r, r + 1) ** 2 / (2.0 * sigma ** 2))
    return w / w.sum()


def tol(image):
    return dict(rtol=1e-5, atol=1e-5) if np.asarray(image).dtype == np.float32 else dict(rtol=1e-9, atol=1e-12)


def check_array(call, got, expected, image, what, why=None):
    """Compare values; any float dtype is accepted here (the dtype test checks it)."""
    __tracebackhide__ = True
    if not isinstance(got, np.ndarray) or got.dtype.kind != "f":
        fail(f"{what} must be a float numpy array", call=call, got=show(got))
    assert_close(got, expected, call=call, what=what, why=why, **tol(image))


def check_filter(fn, image, kernel, mode, flip):
    __tracebackhide__ = True
    call = Call(fn, image, kernel, mode)
    k = np.asarray(kernel)[::-1, ::-1] if flip else kernel
    check_array(call, call.out, oracle_correlate(image, k, mode), image, "result",
                why=("convolution flips the kernel on both axes: out[y, x] = sum k[i, j] image[y - i + r, x - j + r]"
                     if flip else "correlation: out[y, x] = sum k[i, j] image[y + i - r, x + j - r]")
                + f"; mode {mode!r}: {MODE_WHY[mode]}")


def sobel_parts(call):
    __tracebackhide__ = True
    if not (isinstance(call.out, tuple) and len(call.out) == 2):
        fail("sobel must return a tuple (gx, gy)", call=call, got=show(call.out))
    return call.out


def check_sobel(impl, image, mode):
    """gx and gy must match the oracle's, each up to one sign for the whole output."""
    __tracebackhide__ = True
    call = Call(impl.sobel, image, mode)
    for name, got, k in zip(("gx", "gy"), sobel_parts(call), (SOBEL_X, SOBEL_X.T)):
        expected = oracle_correlate(image, k, mode)
        g = np.asarray(got, np.float64)
        if g.shape == expected.shape and np.vdot(g, expected) < 0:
            expected = -expected  # the sign has a convention test of its own
        check_array(call, got, expected, image, name,
                    why=f"{name}: correlation with {'the Sobel x kernel' if name == 'gx' else 'its transpose'}"
                        f", a derivative along {'x (columns)' if name == 'gx' else 'y (rows)'}; mode {mode!r}")


def random_image(rng, shape, dtype):
    """Float images only: what integer images give back is the dtype convention test's business."""
    return rng.normal(0, 1, shape).astype(dtype)


# 1. Small cases you can check on paper.

def test_seed_question_horizontal_edge(impl):
    # The interview question: which edges does [-1 -1 -1; 0 0 0; 1 1 1] find? Horizontal ones:
    # dark rows above, bright rows below.
    image = np.array([[0] * 6] * 3 + [[10] * 6] * 2, np.float64)
    kernel = np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]], np.float64)
    column = np.array([0, 0, 30, 30, 0], np.float64)[:, None] * np.ones((1, 6))
    call = Call(impl.correlate2d, image, kernel, "nearest")
    check_array(call, call.out, column, image, "correlation",
                why="each output row is (row below) - (row above), summed over 3 columns: 3 * (10 - 0) = 30 at the "
                    "two rows beside the edge, 0 elsewhere (mode 'nearest' repeats the edge rows)")
    call = Call(impl.convolve2d, image, kernel, "nearest")
    check_array(call, call.out, -column, image, "convolution",
                why="convolution flips the kernel to [1 1 1; 0 0 0; -1 -1 -1], so the same edge gives -30")


def test_off_centre_tap_shifts_the_image(impl):
    image = np.arange(1.0, 10.0).reshape(3, 3)
    kernel = np.zeros((3, 3))
    kernel[0, 0] = 1.0  # a single tap up-left of the centre
    call = Call(impl.correlate2d, image, kernel, "constant")
    check_array(call, call.out, [[0, 0, 0], [0, 1, 2], [0, 4, 5]], image, "correlation",
                why="correlation reads image[y - 1, x - 1]: the image moves down-right, zeros come in")
    call = Call(impl.convolve2d, image, kernel, "constant")
    check_array(call, call.out, [[5, 6, 0], [8, 9, 0], [0, 0, 0]], image, "convolution",
                why="convolution flips the tap to down-right: it reads image[y + 1, x + 1], so the image moves up-left")


def test_impulse_response(impl):
    image = np.zeros((5, 5))
    image[2, 2] = 1.0
    kernel = np.arange(1.0, 10.0).reshape(3, 3)
    call = Call(impl.convolve2d, image, kernel, "constant")
    expected = np.zeros((5, 5))
    expected[1:4, 1:4] = kernel
    check_array(call, call.out, expected, image, "convolution of a single 1",
                why="convolution's impulse response is the kernel itself, the right way up")
    call = Call(impl.correlate2d, image, kernel, "constant")
    expected[1:4, 1:4] = kernel[::-1, ::-1]
    check_array(call, call.out, expected, image, "correlation of a single 1",
                why="correlation's impulse response is the kernel rotated by 180 degrees")


def test_border_modes_by_hand(impl):
    image = np.array([[1.0, 2.0, 3.0]])
    kernel = np.array([[1.0, 0.0, 0.0]])  # reads the cell to the left
    for mode, left in (("constant", 0.0), ("nearest", 1.0), ("reflect", 1.0), ("mirror", 2.0)):
        call = Call(impl.correlate2d, image, kernel, mode)
        check_array(call, call.out, [[left, 1.0, 2.0]], image, "result",
                    why=f"the cell left of the first one is {left:g} in mode {mode!r}: {MODE_WHY[mode]}")


def test_sobel_on_ramps(impl):
    y, x = np.mgrid[0:5, 0:6].astype(np.float64)
    call = Call(impl.sobel, 3 * x + 2 * y, "nearest")
    gx, gy = sobel_parts(call)
    for name, g, value in (("gx", gx, 24.0), ("gy", gy, 16.0)):
        got = np.abs(np.asarray(g, np.float64)[1:-1, 1:-1])
        if got.shape != (3, 4) or not np.allclose(got, value):
            fail(f"{name} on the ramp 3 x + 2 y: interior must be +-{value:g}", call=call, got=show(g),
                 why="Sobel is not normalised: (1 + 2 + 1) * (f(x + 1) - f(x - 1)) = 4 * 2 * slope, "
                     "slope 3 along x and 2 along y")


def test_gaussian_kernel1d_is_normalised(impl):
    for sigma in (0.5, 1.0, 1.7, 3.0):
        call = Call(impl.gaussian_kernel1d, sigma)
        check_array(call, call.out, oracle_gaussian(sigma), np.zeros(1), "weights",
                    why=f"exp(-x^2 / (2 sigma^2)) for x = -r..r, r = int(4 sigma + 0.5) = {int(4 * sigma + 0.5)}, "
                        "divided by their sum")
    call = Call(impl.gaussian_kernel1d, 2.0, 1)
    e = np.exp(-np.array([1.0, 0.0, 1.0]) / 8.0)
    check_array(call, call.out, e / e.sum(), np.zeros(1), "weights", why="an explicit radius 1: three weights")


def test_blur_keeps_a_constant_image(impl):
    image = np.full((6, 7), 5.0)
    for mode in ("nearest", "reflect", "mirror"):
        call = Call(impl.gaussian_blur, image, 1.5, mode)
        check_array(call, call.out, image, image, "blurred constant image",
                    why="the weights sum to 1 and the border modes only repeat image values: a constant stays")


# 2. Against the oracle on seeded random inputs.

SHAPES = [(1, 1), (1, 6), (6, 1), (5, 8), (17, 13)]


@pytest.mark.parametrize("flip", [False, True], ids=["correlate", "convolve"])
def test_filters_match_oracle(impl, flip):
    rng = np.random.default_rng(10 * flip)
    fn = impl.convolve2d if flip else impl.correlate2d
    for mode in MODES:
        for shape in SHAPES:
            for ks, dtype in (((1, 1), np.float64), ((3, 3), np.float32), ((5, 3), np.float64),
                              ((1, 7), np.float32), ((7, 7), np.float64)):
                check_filter(fn, random_image(rng, shape, dtype), rng.normal(0, 1, ks), mode, flip)


def test_empty_image(impl):
    for shape in ((0, 0), (0, 4), (3, 0)):
        image = np.zeros(shape)
        for mode in MODES:
            call = Call(impl.correlate2d, image, np.ones((3, 3)), mode)
            check_array(call, call.out, np.zeros(shape), image, "result", why="an empty image gives an empty result")


def test_sobel_matches_oracle(impl):
    rng = np.random.default_rng(20)
    for mode in MODES:
        for shape in SHAPES:
            for dtype in (np.float64, np.float32):
                check_sobel(impl, random_image(rng, shape, dtype), mode)


def test_gaussian_blur_matches_oracle(impl):
    rng = np.random.default_rng(30)
    for mode in MODES:
        for shape in SHAPES:
            for sigma, dtype in ((0.6, np.float64), (1.3, np.float32), (2.2, np.float64)):
                image = random_image(rng, shape, dtype)
                w = oracle_gaussian(sigma)
                call = Call(impl.gaussian_blur, image, sigma, mode)
                check_array(call, call.out, oracle_correlate(image, np.outer(w, w), mode), image, "blurred image",
                            why=f"correlation with outer(w, w), w = gaussian_kernel1d({sigma}) (radius "
                                f"{int(4 * sigma + 0.5)}, normalised); mode {mode!r}: {MODE_WHY[mode]}")


# Conventions.

@pytest.mark.convention("default border mode: reflect")
def test_default_mode_is_reflect(impl):
    image = np.array([[1.0, 2.0, 4.0], [8.0, 16.0, 32.0]])
    kernel = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    why = "the default mode is 'reflect' (scipy.ndimage's): b a | a b c, not zeros nor OpenCV's mirror"
    call = Call(impl.correlate2d, image, kernel)
    check_array(call, call.out, oracle_correlate(image, kernel, "reflect"), image, "correlate2d(image, kernel)", why)
    call = Call(impl.convolve2d, image, kernel)
    check_array(call, call.out, oracle_correlate(image, kernel[::-1, ::-1], "reflect"), image,
                "convolve2d(image, kernel)", why)
    call = Call(impl.sobel, image)
    gx = np.asarray(sobel_parts(call)[0], np.float64)
    expected = oracle_correlate(image, SOBEL_X, "reflect")
    check_array(call, np.abs(gx), np.abs(expected), image, "|gx| of sobel(image)", why)  # the sign: its own test
    call = Call(impl.gaussian_blur, image, 0.8)
    w = oracle_gaussian(0.8)
    check_array(call, call.out, oracle_correlate(image, np.outer(w, w), "reflect"), image,
                "gaussian_blur(image, 0.8)", why)


@pytest.mark.convention("Sobel sign: positive where it brightens right (gx) and down (gy)")
def test_sobel_sign(impl):
    image = np.array([[0, 0, 9, 9]] * 3, np.float64)  # brighter to the right
    call = Call(impl.sobel, image, "nearest")
    gx, gy = sobel_parts(call)
    check_array(call, gx, [[0, 36, 36, 0]] * 3, image, "gx",
                why="gx is the correlation with [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]: (right - left) * 4 = +36 "
                    "where the image brightens to the right (convolving with it gives -36)")
    call = Call(impl.sobel, image.T.copy(), "nearest")
    gx, gy = sobel_parts(call)
    check_array(call, gy, np.array([[0, 36, 36, 0]] * 3, np.float64).T, image.T, "gy",
                why="y is the row index, growing downward: gy = +36 where the image brightens downward")


@pytest.mark.convention("result dtype: float32 stays float32, integers and bools give float64")
def test_result_dtype(impl):
    img8 = np.array([[0, 0, 255, 255]] * 3, np.uint8)
    img32 = img8.astype(np.float32)
    k = np.ones((3, 3)) / 9
    for name, run in (("correlate2d", lambda im: impl.correlate2d(im, k, "nearest")),
                      ("convolve2d", lambda im: impl.convolve2d(im, k, "nearest")),
                      ("sobel gx", lambda im: impl.sobel(im, "nearest")[0]),
                      ("gaussian_blur", lambda im: impl.gaussian_blur(im, 1.0, "nearest"))):
        for image, dtype in ((img32, np.float32), (img32.astype(np.float64), np.float64), (img8, np.float64),
                             (img8 > 0, np.float64)):
            call = Call(run, image)
            assert_array(call.out, dtype=dtype, shape=image.shape, call=f"{name} of a {image.dtype} image",
                         what=name)
    call = Call(impl.gaussian_kernel1d, 1.0)
    assert_array(call.out, dtype=np.float64, shape=(9,), call=call, what="gaussian_kernel1d(1.0)")
    call = Call(impl.sobel, img8, "nearest")
    check_array(call, np.abs(call.out[0]), [[0, 1020, 1020, 0]] * 3, img32, "|gx| of a uint8 step 0 -> 255",
                why="integer images are filtered in float64: 4 * 255 = 1020, no clipping to 0..255, no wrap-around")


@pytest.mark.contract("unknown mode: ValueError")
def test_unknown_mode_raises(impl):
    image = np.ones((3, 3))
    for fn, args in ((impl.correlate2d, (image, np.ones((3, 3)))), (impl.convolve2d, (image, np.ones((3, 3)))),
                     (impl.sobel, (image,)), (impl.gaussian_blur, (image, 1.0))):
        assert_raises(ValueError, fn, *args, mode="wrap",
                      why="the modes are constant, nearest, reflect and mirror ('wrap' is a valid np.pad mode, "
                          "so it must be refused explicitly)")


@pytest.mark.contract("even kernel side: ValueError")
def test_even_kernel_raises(impl):
    image = np.ones((4, 4))
    for k in (np.ones((2, 2)), np.ones((3, 4))):
        assert_raises(ValueError, impl.correlate2d, image, k, "constant", why="an even side has no centre cell")
        assert_raises(ValueError, impl.convolve2d, image, k, "constant", why="an even side has no centre cell")


@pytest.mark.contract("sigma <= 0: ValueError")
def test_bad_sigma_raises(impl):
    assert_raises(ValueError, impl.gaussian_kernel1d, -1.0, why="a negative sigma is meaningless")
    assert_raises(ValueError, impl.gaussian_kernel1d, 0.0, why="sigma 0 divides by zero")
    assert_raises(ValueError, impl.gaussian_blur, np.ones((4, 4)), -1.0, why="a negative sigma is meaningless")


# Speed.

@pytest.mark.perf
def test_speed_separable_blur(impl, reference, speed):
    image = np.random.default_rng(0).random((512, 512)).astype(np.float32)
    speed(impl.gaussian_blur, reference.gaussian_blur, image, 3.0, "reflect")


@pytest.mark.perf
@pytest.mark.full
def test_speed_separable_blur_2048(impl, reference, speed):
    """The size an interviewer names: 2048 x 2048, where a full 2-D kernel or a pixel loop hurts."""
    image = np.random.default_rng(1).random((2048, 2048)).astype(np.float32)
    speed(impl.gaussian_blur, reference.gaussian_blur, image, 3.0, "reflect")
