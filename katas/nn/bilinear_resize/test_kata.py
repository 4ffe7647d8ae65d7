"""Tests for nn/bilinear_resize. Run: pytest katas/nn/bilinear_resize"""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises

# float64 against torch's float64: rounding only. float32: torch (and OpenCV) compute the source
# coordinates in float32 themselves, which moves values by a few 1e-6 on [0, 1] data at these sizes.
TOL = {np.float64: {"rtol": 1e-9, "atol": 1e-9}, np.float32: {"rtol": 1e-5, "atol": 1e-5}}
RULE = ("align_corners=False: src = max((d + 0.5) * in / out - 0.5, 0); align_corners=True: "
        "src = d * (in - 1) / (out - 1); blend floor(src) and the next pixel (the last pixel repeats)")


def torch_resize(image, out_h, out_w, align_corners) -> np.ndarray:
    """The oracle: torch.nn.functional.interpolate in float64, image moved to (1, C, H, W) and back."""
    torch = pytest.importorskip("torch")
    img = np.asarray(image, np.float64)
    t = torch.tensor(img.reshape(img.shape[:2] + (-1,))).permute(2, 0, 1)[None]
    out = torch.nn.functional.interpolate(t, size=(out_h, out_w), mode="bilinear", align_corners=align_corners,
                                          antialias=False)
    return out[0].permute(1, 2, 0).numpy().reshape((out_h, out_w) + img.shape[2:])


def check(impl, image, out_h, out_w, align_corners=False, expected=None, why=None, tol=None):
    __tracebackhide__ = True
    call = Call(impl.resize_bilinear, image, out_h, out_w, align_corners=align_corners)
    assert_array(call.out, dtype=image.dtype, shape=(out_h, out_w) + image.shape[2:], call=call, what="result")
    if expected is None:
        expected = torch_resize(image, out_h, out_w, align_corners)
    assert_close(call.out, expected, **(tol or TOL[image.dtype.type]), call=call, what="result",
                 why=why or f"must equal torch.nn.functional.interpolate(mode='bilinear'): {RULE}")
    return call.out


# 1. Small cases you can check on paper.

def test_by_hand_upsample_2x2_to_4x4(impl):
    image = np.array([[0.0, 1.0], [2.0, 3.0]])
    expected = np.array([[0.0, 0.25, 0.75, 1.0], [0.5, 0.75, 1.25, 1.5],
                         [1.5, 1.75, 2.25, 2.5], [2.0, 2.25, 2.75, 3.0]])
    check(impl, image, 4, 4, expected=expected,
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
    check(impl, image, 1, 1, expected=[[5.5]],
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


# 2. Against torch and OpenCV on seeded random inputs.

SIZES = [
    (5, 7, 11, 13), (4, 4, 8, 8), (6, 9, 6, 9), (8, 8, 4, 4), (10, 6, 3, 5), (7, 5, 21, 15),
    (3, 8, 9, 3), (1, 5, 4, 9), (5, 1, 9, 1), (1, 1, 3, 2), (9, 9, 1, 1), (12, 16, 5, 40),
]


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_torch(impl, align_corners, dtype):
    rng = np.random.default_rng(int(align_corners))
    for h, w, oh, ow in SIZES:
        channels = (int(rng.integers(1, 4)),) if rng.random() < 0.7 else ()
        image = rng.random((h, w) + channels).astype(dtype)
        check(impl, image, oh, ow, align_corners)


def test_matches_opencv(impl):
    # OpenCV's INTER_LINEAR on float images uses the same half-pixel centres and edge clamping as
    # torch with align_corners=False (checked for these up-, down- and mixed resizes; it differs on
    # uint8 images, which round through fixed-point weights, and has no align_corners=True mode).
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(7)
    for h, w, oh, ow in [(5, 7, 11, 13), (16, 16, 8, 8), (10, 6, 3, 5), (7, 9, 20, 4), (33, 20, 12, 50)]:
        image = rng.random((h, w, 3)).astype(np.float32)
        expected = cv2.resize(image, (ow, oh), interpolation=cv2.INTER_LINEAR)  # dsize is (width, height)
        check(impl, image, oh, ow, expected=expected, tol=TOL[np.float32],
              why="must equal cv2.resize(image, (out_w, out_h), interpolation=cv2.INTER_LINEAR): half-pixel centres")


# 3. Edge cases and bad input.

def test_empty_channel_axis_and_thin_images(impl):
    call = Call(impl.resize_bilinear, np.zeros((4, 5, 0), np.float32), 3, 2)
    assert_array(call.out, dtype=np.float32, shape=(3, 2, 0), call=call, what="result for C = 0")
    rng = np.random.default_rng(3)
    for align_corners in (False, True):
        check(impl, rng.random((1, 6)), 3, 10, align_corners)
        check(impl, rng.random((6, 1, 2)), 2, 4, align_corners)


def test_bad_input_raises_value_error(impl):
    image = np.zeros((4, 4), np.float32)
    assert_raises(ValueError, impl.resize_bilinear, np.zeros(4, np.float32), 2, 2, why="a 1-D array is not an image")
    assert_raises(ValueError, impl.resize_bilinear, np.zeros((1, 4, 4, 3), np.float32), 2, 2,
                  why="a 4-D array is not (H, W) or (H, W, C)")
    assert_raises(ValueError, impl.resize_bilinear, np.zeros((0, 4), np.float32), 2, 2, why="H = 0: nothing to read")
    assert_raises(ValueError, impl.resize_bilinear, np.zeros((4, 4), np.uint8), 2, 2, why="only float images")
    assert_raises(ValueError, impl.resize_bilinear, image, 0, 2, why="out_h must be at least 1")
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
def test_speed_1024x1024x3_to_768x1280(impl, reference, speed):
    image = np.random.default_rng(0).random((1024, 1024, 3), dtype=np.float32)
    speed(impl.resize_bilinear, reference.resize_bilinear, image, 768, 1280)
