"""Tests for nn/bilinear_resize. Run: pytest katas/nn/bilinear_resize

The oracle is the statement's rule written as two interpolation matrices (out = Ry @ image @ Rx.T)
in float64, numpy only; torch.nn.functional.interpolate's own outputs are recorded below for a few
cases (importing torch would cost seconds), and cv2.resize is compared where OpenCV is installed.
Correctness tests read values whatever the dtype; dtype and "a new array" are convention tests."""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail

# float64: rounding only. float32: torch and OpenCV compute the source coordinates in float32
# themselves, which moves values by a few 1e-6 on [0, 1] data at these sizes.
TOL = {np.float64: {"rtol": 1e-9, "atol": 1e-9}, np.float32: {"rtol": 1e-5, "atol": 1e-5}}
RULE = ("align_corners=False: src = max((d + 0.5) * in / out - 0.5, 0); align_corners=True: "
        "src = d * (in - 1) / (out - 1); blend floor(src) and the next pixel (the last pixel repeats)")


def weights(n, m, align_corners) -> np.ndarray:
    """(m, n) matrix: row d holds the weights output index d gives to the n inputs along one axis."""
    mat = np.zeros((m, n))
    for d in range(m):
        if align_corners:
            src = d * (n - 1) / (m - 1) if m > 1 else 0.0
        else:
            src = max((d + 0.5) * n / m - 0.5, 0.0)
        i0 = min(int(np.floor(src)), n - 1)
        t = src - i0
        mat[d, i0] += 1 - t
        mat[d, min(i0 + 1, n - 1)] += t
    return mat


def oracle(image, out_h, out_w, align_corners=False) -> np.ndarray:
    img = np.asarray(image, np.float64)
    ry, rx = weights(img.shape[0], out_h, align_corners), weights(img.shape[1], out_w, align_corners)
    return np.einsum("ih,hw...,jw->ij...", ry, img, rx)


def check(impl, image, out_h, out_w, align_corners=None, expected=None, why=None, tol=None):
    """Run the candidate (align_corners=None: leave the argument out) and compare values leniently."""
    __tracebackhide__ = True
    kwargs = {} if align_corners is None else {"align_corners": align_corners}
    call = Call(impl.resize_bilinear, image, out_h, out_w, **kwargs)
    assert_array(call.out, shape=(out_h, out_w) + image.shape[2:], call=call, what="result")
    if expected is None:
        expected = oracle(image, out_h, out_w, bool(align_corners))
    assert_close(call.out, expected, **(tol or TOL[np.asarray(image).dtype.type]), call=call, what="result",
                 why=why or f"must equal torch.nn.functional.interpolate(mode='bilinear'): {RULE}")
    return call.out


# 1. Small cases you can check on paper.

def test_by_hand_upsample_2x2_to_4x4(impl):
    image = np.array([[0.0, 1.0], [2.0, 3.0]])
    expected = np.array([[0.0, 0.25, 0.75, 1.0], [0.5, 0.75, 1.25, 1.5],
                         [1.5, 1.75, 2.25, 2.5], [2.0, 2.25, 2.75, 3.0]])
    check(impl, image, 4, 4, expected=expected,  # align_corners left at its default, False
          why="src = (d + 0.5) * 2/4 - 0.5 = -0.25, 0.25, 0.75, 1.25 per axis: -0.25 is clamped to 0 (never read "
              "index -1), 1.25 is past the last pixel and repeats it; the value is 2 * row_weight + column_weight")


def test_by_hand_upsample_align_corners(impl):
    image = np.array([[0.0, 1.0], [2.0, 3.0]])
    t = np.array([0.0, 1 / 3, 2 / 3, 1.0])
    check(impl, image, 4, 4, align_corners=True, expected=2 * t[:, None] + t[None, :],
          why="align_corners=True: src = d * (2 - 1) / (4 - 1) = 0, 1/3, 2/3, 1: the corner pixels stay exact")


def test_by_hand_downsample_a_row(impl):
    row = np.array([[0.0, 1.0, 2.0, 3.0]])
    check(impl, row, 1, 2, expected=[[0.5, 2.5]],
          why="src = (d + 0.5) * 4/2 - 0.5 = 0.5 and 2.5: each output is the mean of two inputs; without the "
              "half-pixel offset (src = d * 2) it would be [0, 2]")
    check(impl, row, 1, 2, align_corners=True, expected=[[0.0, 3.0]],
          why="align_corners=True maps the end pixels onto each other: src = d * 3/1 = 0 and 3")


def test_by_hand_single_output_pixel(impl):
    image = np.arange(12.0).reshape(3, 4)
    check(impl, image, 1, 1, False, expected=[[5.5]],
          why="align_corners=False: src = 0.5 * 3 - 0.5 = 1 (row), 0.5 * 4 - 0.5 = 1.5 (column): "
              "the centre of the image, (5 + 6) / 2 = 5.5")
    check(impl, image, 1, 1, align_corners=True, expected=[[0.0]],
          why="align_corners=True with out size 1 uses scale 0: the top-left pixel")


def test_rows_and_columns_use_their_own_scale(impl):
    image = np.arange(8.0).reshape(2, 4)  # value = 4 * row + column, so the result is 4 * src_row + src_col
    src_row = np.array([0.0, 0.25, 0.75, 1.0])  # 2 -> 4: -0.25 (clamped), 0.25, 0.75, 1.25 (edge repeats)
    src_col = np.array([1 / 6, 1.5, 17 / 6])  # 4 -> 3: (d + 0.5) * 4/3 - 0.5
    check(impl, image, 4, 3, expected=4 * src_row[:, None] + src_col[None, :],
          why="rows scale by H/out_h = 2/4 and columns by W/out_w = 4/3, each axis with its own ratio")


# 2. Against torch (recorded), the rule and OpenCV on seeded inputs.

IMAGE = np.array([[0.1, 0.7, 0.3, 0.9], [0.5, 0.2, 0.8, 0.4], [0.6, 0.0, 1.0, 0.25]])
TORCH = {  # torch.nn.functional.interpolate(IMAGE[None, None], size, mode="bilinear", align_corners=...)
    ((5, 7), False): [
        [0.1, 0.3142857142857142, 0.657142857142857, 0.5, 0.3428571428571427, 0.6857142857142857, 0.9],
        [0.26, 0.34571428571428575, 0.4828571428571429, 0.5, 0.5142857142857142, 0.6285714285714286, 0.7],
        [0.5, 0.3928571428571429, 0.22142857142857147, 0.5, 0.7714285714285716, 0.5428571428571429, 0.4],
        [0.56, 0.38857142857142857, 0.11428571428571434, 0.5, 0.8764285714285716, 0.5278571428571429, 0.31],
        [0.6, 0.38571428571428573, 0.042857142857142906, 0.5, 0.9464285714285716, 0.5178571428571429, 0.25]],
    ((5, 7), True): [
        [0.1, 0.4, 0.7, 0.5, 0.3, 0.6, 0.9],
        [0.3, 0.375, 0.45, 0.5, 0.55, 0.6, 0.65],
        [0.5, 0.35, 0.2, 0.5, 0.8, 0.6, 0.4],
        [0.55, 0.325, 0.1, 0.5, 0.9, 0.6125, 0.325],
        [0.6, 0.3, 0.0, 0.5, 1.0, 0.625, 0.25]],
    ((2, 3), False): [[0.2625, 0.5, 0.7166666666666666], [0.4875, 0.5, 0.39791666666666686]],
    ((2, 3), True): [[0.1, 0.5, 0.9], [0.6, 0.5, 0.25]],
}


@pytest.mark.parametrize("case", list(TORCH), ids=lambda c: f"{c[0][0]}x{c[0][1]}-align_corners={c[1]}")
def test_matches_recorded_torch_outputs(impl, case):
    (oh, ow), align_corners = case
    check(impl, IMAGE, oh, ow, align_corners, expected=TORCH[case],
          why="recorded from torch.nn.functional.interpolate(mode='bilinear', antialias=False); downsampling "
              "with antialias=True would average wider windows and give other values")


SIZES = [
    (5, 7, 11, 13), (4, 4, 8, 8), (6, 9, 6, 9), (8, 8, 4, 4), (10, 6, 3, 5), (7, 5, 21, 15),
    (3, 8, 9, 3), (1, 5, 4, 9), (5, 1, 9, 1), (1, 1, 3, 2), (9, 9, 1, 1), (12, 16, 5, 40),
]


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_the_rule(impl, align_corners, dtype):
    rng = np.random.default_rng(int(align_corners))
    for h, w, oh, ow in SIZES:
        channels = (int(rng.integers(1, 4)),) if rng.random() < 0.7 else ()
        image = rng.random((h, w) + channels).astype(dtype)
        check(impl, image, oh, ow, align_corners)


OPENCV_SIZES = [(5, 7, 11, 13), (16, 16, 8, 8), (10, 6, 3, 5), (7, 9, 20, 4), (33, 20, 12, 50)]


def test_matches_opencv_on_float_images(impl):
    # cv2.INTER_LINEAR on float images: the same half-pixel centres and edge clamping as
    # align_corners=False (OpenCV has no align_corners=True mode, and no antialiasing either).
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(7)
    for h, w, oh, ow in OPENCV_SIZES:
        image = rng.random((h, w, 3)).astype(np.float32)
        expected = cv2.resize(image, (ow, oh), interpolation=cv2.INTER_LINEAR)  # dsize is (width, height)
        check(impl, image, oh, ow, expected=expected, tol=TOL[np.float32],
              why="must equal cv2.resize(image, (out_w, out_h), interpolation=cv2.INTER_LINEAR): half-pixel centres")


def test_matches_opencv_uint8_within_one_level(impl):
    # On uint8 images OpenCV blends with 11-bit fixed-point weights and rounds to an integer, so its
    # result is within 1 grey level of the exact float result on the same values (not equal to it).
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(8)
    for h, w, oh, ow in OPENCV_SIZES:
        image = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        expected = cv2.resize(image, (ow, oh), interpolation=cv2.INTER_LINEAR).astype(np.float64)
        check(impl, image.astype(np.float64), oh, ow, expected=expected, tol={"rtol": 0, "atol": 1.0},
              why="cv2.resize on uint8 rounds a fixed-point blend: within 1 grey level of the exact bilinear value")


# 3. Edge cases and bad input.

def test_empty_channel_axis_and_thin_images(impl):
    call = Call(impl.resize_bilinear, np.zeros((4, 5, 0), np.float32), 3, 2)
    assert_array(call.out, shape=(3, 2, 0), call=call, what="result for C = 0")
    rng = np.random.default_rng(3)
    for align_corners in (False, True):
        check(impl, rng.random((1, 6)), 3, 10, align_corners)
        check(impl, rng.random((6, 1, 2)), 2, 4, align_corners)


@pytest.mark.convention("output dtype is the image's (float32 stays float32)")
def test_output_keeps_the_image_dtype(impl):
    rng = np.random.default_rng(11)
    for dtype in (np.float32, np.float64):
        for shape in ((5, 6), (5, 6, 3), (4, 5, 0)):
            for align_corners in (False, True):
                call = Call(impl.resize_bilinear, rng.random(shape).astype(dtype), 7, 3, align_corners=align_corners)
                assert_array(call.out, dtype=np.dtype(dtype), shape=(7, 3) + shape[2:], call=call, what="result")


@pytest.mark.convention("returns a new array, never the input itself")
def test_returns_a_new_array(impl):
    rng = np.random.default_rng(12)
    for shape in ((5, 8), (5, 8, 3), (1, 1)):
        image = rng.random(shape)
        for align_corners in (False, True):
            call = Call(impl.resize_bilinear, image, shape[0], shape[1], align_corners=align_corners)
            if isinstance(call.out, np.ndarray) and np.shares_memory(call.out, image):
                fail("the result shares memory with the input", call=call,
                     why="resize returns a new array even at the same size: a caller that changes the result "
                         "must not change its image")


@pytest.mark.contract("not (H, W) or (H, W, C) with H, W >= 1: ValueError")
def test_bad_shape_raises_value_error(impl):
    assert_raises(ValueError, impl.resize_bilinear, np.zeros(4, np.float32), 2, 2, why="a 1-D array is not an image")
    assert_raises(ValueError, impl.resize_bilinear, np.zeros((1, 4, 4, 3), np.float32), 2, 2,
                  why="a 4-D array is not (H, W) or (H, W, C)")
    assert_raises(ValueError, impl.resize_bilinear, np.zeros((0, 4), np.float32), 2, 2, why="H = 0: nothing to read")
    assert_raises(ValueError, impl.resize_bilinear, np.zeros((4, 0, 3), np.float32), 2, 2,
                  why="W = 0: nothing to read")


@pytest.mark.contract("non-float image: ValueError")
def test_integer_image_raises_value_error(impl):
    for dtype in (np.uint8, np.int64, np.bool_):
        assert_raises(ValueError, impl.resize_bilinear, np.zeros((4, 4), dtype), 2, 2,
                      why=f"only float32 or float64 images: a {np.dtype(dtype).name} image would be blended as floats "
                          "(or truncated) without saying so")


@pytest.mark.contract("out_h or out_w below 1: ValueError")
def test_bad_output_size_raises_value_error(impl):
    image = np.zeros((4, 4), np.float32)
    assert_raises(ValueError, impl.resize_bilinear, image, 0, 2, why="out_h must be at least 1 (0 would give "
                                                                     "an empty array without saying so)")
    assert_raises(ValueError, impl.resize_bilinear, image, 2, 0, why="out_w must be at least 1")
    assert_raises(ValueError, impl.resize_bilinear, image, 2, -1, why="out_w must be at least 1")


# 4. Properties.

def test_same_size_is_the_identity(impl):
    rng = np.random.default_rng(4)
    image = rng.random((5, 8, 3)).astype(np.float32)
    for align_corners in (False, True):
        check(impl, image, 5, 8, align_corners, expected=image, tol={"rtol": 0, "atol": 1e-7},
              why="with equal sizes every output pixel lands exactly on its input pixel, under both conventions")


def test_mirroring_commutes_with_resizing(impl):
    rng = np.random.default_rng(5)
    image = rng.random((6, 7))
    for align_corners in (False, True):
        for oh, ow in [(13, 10), (4, 3)]:
            base = Call(impl.resize_bilinear, image, oh, ow, align_corners=align_corners).out
            check(impl, image[::-1, ::-1].copy(), oh, ow, align_corners, expected=np.asarray(base)[::-1, ::-1],
                  why="both conventions are symmetric: resizing a mirrored image gives the mirrored result (a "
                      "missing half-pixel offset or an unclamped left border breaks this)")


def test_channels_are_resized_independently(impl):
    rng = np.random.default_rng(6)
    image = rng.random((5, 6, 3))
    out = check(impl, image, 9, 4)
    for c in range(3):
        check(impl, image[:, :, c].copy(), 9, 4, expected=np.asarray(out)[:, :, c],
              why="an (H, W, C) image resizes like its C channels resized one by one")


def test_constant_image_stays_constant(impl):
    image = np.full((7, 5, 2), 0.25, np.float32)
    for align_corners in (False, True):
        check(impl, image, 11, 3, align_corners, expected=np.full((11, 3, 2), 0.25, np.float32),
              why="the weights of the pixels blended always sum to 1")


# 7. Speed.

@pytest.mark.perf
def test_speed_256x256x3_to_192x320(impl, reference, speed):
    image = np.random.default_rng(0).random((256, 256, 3), dtype=np.float32)
    speed(impl.resize_bilinear, reference.resize_bilinear, image, 192, 320)
