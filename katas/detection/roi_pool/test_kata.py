"""Tests for detection/roi_pool. Run: pytest katas/detection/roi_pool"""

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_equal, assert_raises

# The oracle: the statement's steps, one RoI, bin and pixel at a time.


def pair(output_size):
    return (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)


def c_round(v: float) -> int:
    """C's round(): the nearest integer, halves away from zero (exact, through Decimal)."""
    return int(Decimal(v).to_integral_value(rounding=ROUND_HALF_UP))


def quantise(roi, scale):
    """(batch, x_start, y_start, roi_w, roi_h) of one RoI (steps 1-2)."""
    b, x1, y1, x2, y2 = [float(v) for v in roi]
    xs, ys, xe, ye = (c_round(v * scale) for v in (x1, y1, x2, y2))
    return int(b), xs, ys, max(xe - xs + 1, 1), max(ye - ys + 1, 1)


def bin_span(start, roi_size, p, bins, size):
    """First and one-past-last index of bin p along one axis (step 3), clipped to [0, size]."""
    bin_size = roi_size / bins
    lo = math.floor(p * bin_size) + start
    hi = math.ceil((p + 1) * bin_size) + start
    return min(max(lo, 0), size), min(max(hi, 0), size)


def expected_roi_pool(features, rois, output_size, scale):
    out_h, out_w = pair(output_size)
    n, c, h, w = features.shape
    out = np.zeros((len(rois), c, out_h, out_w), dtype=np.float64)
    for k, roi in enumerate(np.asarray(rois, np.float64)):
        b, xs, ys, roi_w, roi_h = quantise(roi, scale)
        for ph in range(out_h):
            h0, h1 = bin_span(ys, roi_h, ph, out_h, h)
            for pw in range(out_w):
                w0, w1 = bin_span(xs, roi_w, pw, out_w, w)
                for ch in range(c):
                    values = [features[b, ch, i, j] for i in range(h0, h1) for j in range(w0, w1)]
                    out[k, ch, ph, pw] = max(values) if values else 0.0
    return out.astype(features.dtype)


def explain(features, rois, output_size, scale, k, ph, pw) -> str:
    """How bin (ph, pw) of RoI k is found, to point at the step that went wrong."""
    h, w = features.shape[2:]
    out_h, out_w = pair(output_size)
    roi = np.asarray(rois, np.float64)[k]
    b, xs, ys, roi_w, roi_h = quantise(roi, scale)
    h0, h1 = bin_span(ys, roi_h, ph, out_h, h)
    w0, w1 = bin_span(xs, roi_w, pw, out_w, w)
    scaled = ", ".join(f"{v * scale:g}" for v in roi[1:])
    span = "empty, so the bin is 0" if h0 >= h1 or w0 >= w1 else f"rows {h0}..{h1 - 1}, columns {w0}..{w1 - 1}"
    return (f"RoI {k} reads image {b}; its scaled corners {scaled} round (halves away from zero) to "
            f"x {xs}..{xs + roi_w - 1}, y {ys}..{ys + roi_h - 1}: roi_w = {roi_w}, roi_h = {roi_h} pixels, "
            f"bins of {roi_h / out_h:g} x {roi_w / out_w:g}; bin ({ph}, {pw}) spans rows "
            f"floor({ph} * {roi_h / out_h:g}) + {ys} to ceil({ph + 1} * {roi_h / out_h:g}) + {ys} (exclusive), "
            f"columns likewise, clipped to the {h} x {w} map: {span}")


def check(impl, features, rois, output_size, scale=1.0, *, expected=None, why=None):
    """Run the candidate, check the output's form, and compare exactly with `expected` or the oracle."""
    __tracebackhide__ = True
    call = Call(impl.roi_pool, features, rois, output_size, spatial_scale=scale)
    out_h, out_w = pair(output_size)
    assert_array(call.out, shape=(len(rois), features.shape[1], out_h, out_w), call=call)
    if expected is None:
        expected = expected_roi_pool(features, rois, output_size, scale)
    expected = np.broadcast_to(np.asarray(expected, features.dtype), call.out.shape)
    bad = np.asarray(call.out) != expected
    if bad.any() and why is None:
        k, _, ph, pw = (int(i) for i in np.argwhere(bad)[0])
        why = explain(features, rois, output_size, scale, k, ph, pw)
    assert_equal(call.out, expected, call=call, why=why)
    return call.out


# 1. Small cases you can check on paper.

def test_quadrants_by_hand(impl):
    features = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    rois = np.array([[0, 0, 0, 3, 3]], dtype=np.float32)
    check(impl, features, rois, 2, expected=[[[[5, 7], [13, 15]]]],
          why="x and y run from pixel 0 to pixel 3 inclusive: 4 x 4 pixels, 2 x 2 bins of 2 x 2 pixels, "
              "the max of each quadrant")
    check(impl, features, rois, (1, 4), expected=[[[[12, 13, 14, 15]]]],
          why="one bin per column, each the max over all 4 rows")


@pytest.mark.convention("corners round half away from zero (C round)")
def test_coordinates_round_half_away_from_zero(impl):
    # Channel 0 falls with x (its max reveals the first column), channel 1 rises (the last column).
    cols = np.arange(8, dtype=np.float64)
    features = np.stack([np.tile(10 - cols, (2, 1)), np.tile(cols, (2, 1))])[None]
    rois = np.array([[0, 5, 0, 7, 2]])  # x1 * 0.5 = 2.5 -> 3, x2 * 0.5 = 3.5 -> 4
    check(impl, features, rois, 1, 0.5, expected=np.reshape([7.0, 4.0], (1, 2, 1, 1)),
          why="2.5 rounds to 3 and 3.5 to 4 (C's round: halves away from zero; np.round gives 2 and 4), "
              "so the RoI is columns 3..4: max of 10 - x is 7, max of x is 4")
    rois = np.array([[0, -1, 0, 5, 2]])  # -0.5 -> -1, 2.5 -> 3: roi_w = 5, bins [-1, 2) and [1, 4)
    check(impl, features, rois, (1, 2), 0.5, expected=np.reshape([10.0, 9.0, 1.0, 3.0], (1, 2, 1, 2)),
          why="-0.5 rounds to -1 and 2.5 to 3: roi_w = 5, bin_w = 2.5, columns [-1, 2) -> [0, 2) and "
              "[1, 4) after clipping")


def test_quantised_size_includes_both_end_pixels(impl):
    features = np.arange(5, dtype=np.float32).reshape(1, 1, 1, 5)  # the value is x
    rois = np.array([[0, 1, 0, 2, 0]], dtype=np.float32)
    check(impl, features, rois, (1, 2), expected=[[[[1, 2]]]],
          why="x1 = 1 to x2 = 2 is 2 pixels (x2 - x1 + 1): one column per bin")


def test_bin_edges_round_outwards(impl):
    features = np.array([0, 1, 9, 1, 0], dtype=np.float64).reshape(1, 1, 1, 5)
    check(impl, features, np.array([[0, 0, 0, 4, 0.0]]), (1, 2), expected=[[[[9, 9]]]],
          why="5 pixels in 2 bins of 2.5: columns floor(0)..ceil(2.5) = [0, 3) and floor(2.5)..ceil(5) = "
              "[2, 5); both contain the 9 at column 2")
    check(impl, features, np.array([[0, 2, 0, 2, 0.0]]), (1, 3), expected=[[[[9, 9, 9]]]],
          why="a 1-pixel RoI in 3 bins of 1/3: every bin is [floor, ceil) = column 2, none is empty")


@pytest.mark.convention("bin end ceil((ph + 1) * bin_h), in that order")
def test_bin_edges_use_the_float_bin_size(impl):
    # 29 rows in 7 bins: in float64 7 * (29 / 7) = 29.000000000000004, so the last bin ends at
    # ceil(...) = 30 and also reads row 29, one past the RoI.
    features = np.zeros((1, 1, 31, 1))
    features[0, 0, 29, 0] = 1.0
    rois = np.array([[0, 0, 0, 0, 28.0]])
    expected = np.zeros((1, 1, 7, 1))
    expected[0, 0, 6, 0] = 1.0
    check(impl, features, rois, (7, 1), expected=expected,
          why="bin 6 ends at ceil((6 + 1) * bin_h) with bin_h = 29 / 7; that product is 29.000000000000004 "
              "in float64, so the end is 30 and row 29 is included (as in torchvision); "
              "(ph + 1) * 29 / 7 gives exactly 29")


def test_empty_bins_are_zero(impl):
    features = -1.0 - np.arange(8, dtype=np.float32).reshape(1, 1, 2, 4)  # all negative
    rois = np.array([[0, 2, 0, 9, 1], [0, 5, 0, 7, 1]], dtype=np.float32)
    check(impl, features, rois, (1, 2), expected=[[[[-3, 0]]], [[[0, 0]]]],
          why="RoI 0 has bins [2, 6) -> [2, 4) and [6, 10) -> [4, 4), which is empty after clipping to "
              "the 4 columns; RoI 1 lies right of the map. Empty bins are 0 (not -inf, not the max "
              "of something else)")


def test_roi_hanging_off_the_top_left_is_clipped(impl):
    features = np.arange(20, dtype=np.float64).reshape(1, 1, 4, 5)
    rois = np.array([[0, -3, -1, 4, 2.0]])  # x -3..4 (8 pixels), y -1..2 (4 pixels)
    check(impl, features, rois, 2, expected=[[[[0, 4], [10, 14]]]],
          why="columns [-3, 1) and [1, 5), rows [-1, 1) and [1, 3); clipped to the map the first "
              "bins are column 0 and row 0. Clip every bin edge to [0, W] and [0, H] before slicing: "
              "a negative start makes numpy slice from the end of the array")


def test_malformed_roi_is_one_pixel(impl):
    features = np.arange(12, dtype=np.float64).reshape(1, 1, 3, 4)
    rois = np.array([[0, 3, 1, 1, 0]])  # x2 < x1 and y2 < y1
    check(impl, features, rois, (1, 2), expected=[[[[7, 7]]]],
          why="x_end - x_start + 1 = -1 and y_end - y_start + 1 = 0 become 1: the single pixel (1, 3)")


def test_spatial_scale_and_batch_index(impl):
    y, x = np.mgrid[0:4, 0:4].astype(np.float32)
    features = np.stack([x + 10 * y, x + 10 * y + 100])[:, None]  # image 1 is image 0 + 100
    rois = np.array([[1, 0, 0, 4, 4], [0, 4, 8, 12, 12]], dtype=np.float32)
    check(impl, features, rois, 1, 0.25, expected=np.reshape([111, 33], (2, 1, 1, 1)),
          why="spatial_scale 0.25 maps RoI 0 to pixels 0..1 x 0..1 of image 1 (max 111) and RoI 1 to "
              "x 1..3, y 2..3 of image 0 (max 33); the batch index is never scaled")


# 2. Against the brute force on seeded random inputs.

def random_rois(rng, k, n, h, w, scale):
    """Continuous RoIs, partly outside, tiny, malformed (x2 < x1), with no scaled corner within 0.02
    of a half: how halves round is a convention (its own test), so it must not decide these."""
    x1 = rng.uniform(-3, w + 1, k)
    y1 = rng.uniform(-3, h + 1, k)
    bw = rng.uniform(-1, w + 2, k)
    bh = rng.uniform(-1, h + 2, k)
    corners = np.stack([x1, y1, x1 + bw, y1 + bh], axis=1)
    near_half = np.abs(corners % 1 - 0.5) < 0.02
    corners = corners + near_half * 0.05  # move off the half
    return np.concatenate([rng.integers(0, n, (k, 1)), corners / scale], axis=1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("size", [1, 2, (3, 2), 7])
def test_matches_brute_force(impl, dtype, size):
    rng = np.random.default_rng(pair(size)[0] * 10 + pair(size)[1] + (dtype == np.float32))
    features = rng.normal(size=(2, 3, 8, 10)).astype(dtype)
    rois = random_rois(rng, 12, 2, 8, 10, scale=0.5).astype(dtype)
    check(impl, features, rois, size, 0.5)


def test_single_roi_and_no_rois(impl):
    rng = np.random.default_rng(3)
    features = rng.normal(size=(1, 4, 6, 5)).astype(np.float32)
    check(impl, features, np.array([[0, 1.25, 0.75, 7.5, 9.3]], np.float32), 3, 0.5)
    call = Call(impl.roi_pool, features, np.zeros((0, 5), np.float32), (2, 3))
    assert_array(call.out, shape=(0, 4, 2, 3), call=call, what="result for no RoIs")


# 4. Properties.

def test_each_roi_is_pooled_on_its_own(impl):
    rng = np.random.default_rng(4)
    features = rng.normal(size=(2, 2, 6, 7))
    rois = random_rois(rng, 10, 2, 6, 7, scale=1.0)
    base = check(impl, features, rois, 2)
    perm = rng.permutation(10)
    call = Call(impl.roi_pool, features, rois[perm], 2)
    assert_equal(call.out, base[perm], call=call, what="output for the shuffled RoIs",
                 why="each RoI's output depends on that RoI alone: shuffling the RoIs shuffles the output")


# 5. Bad input.

@pytest.mark.convention("output dtype is the features' dtype")
def test_output_keeps_the_features_dtype(impl):
    rng = np.random.default_rng(21)
    rois = np.array([[0, 0.3, 0.2, 5.1, 4.4], [1, 2.2, 1.1, 6.6, 3.3]])
    for dtype, roi_dtype in ((np.float32, np.float64), (np.float64, np.float32), (np.float32, np.float32)):
        features = rng.normal(size=(2, 3, 6, 7)).astype(dtype)
        for k in (2, 0):
            call = Call(impl.roi_pool, features, rois[:k].astype(roi_dtype), (2, 3))
            assert_array(call.out, dtype=np.dtype(dtype), shape=(k, 3, 2, 3), call=call)


@pytest.mark.contract("features not (N, C, H>0, W>0) or rois not (K, 5): ValueError")
def test_bad_shapes_raise_value_error(impl):
    features = np.zeros((2, 1, 4, 4))
    roi = np.array([[0, 0, 0, 2, 2]], dtype=np.float64)
    assert_raises(ValueError, impl.roi_pool, np.zeros((1, 4, 4)), roi, 2, why="features must be 4-D")
    assert_raises(ValueError, impl.roi_pool, np.zeros((2, 1, 4, 0)), roi, 2, why="W = 0: nothing to pool")
    assert_raises(ValueError, impl.roi_pool, features, roi[:, 1:], 2, why="rois must be (K, 5)")
    assert_raises(ValueError, impl.roi_pool, features, np.zeros((1, 6)), 2, why="rois must be (K, 5)")


@pytest.mark.contract("batch index not a whole number in [0, N): ValueError")
def test_bad_batch_index_raises_value_error(impl):
    features = np.zeros((2, 1, 4, 4))
    assert_raises(ValueError, impl.roi_pool, features, np.array([[2, 0, 0, 2, 2.0]]), 2,
                  why="batch index 2 does not exist in a batch of 2")
    # int(0.5) would silently read image 0, and -1 would silently read the last image
    assert_raises(ValueError, impl.roi_pool, features, np.array([[0.5, 0, 0, 2, 2]]), 2,
                  why="a batch index must be a whole number")
    assert_raises(ValueError, impl.roi_pool, features, np.array([[-1, 0, 0, 2, 2.0]]), 2,
                  why="batch index -1 is not in [0, 2)")


@pytest.mark.contract("output_size not positive: ValueError")
def test_bad_output_size_raises_value_error(impl):
    features = np.zeros((2, 1, 4, 4))
    roi = np.array([[0, 0, 0, 2, 2]], dtype=np.float64)
    assert_raises(ValueError, impl.roi_pool, features, roi, 0, why="output_size must be positive")
    assert_raises(ValueError, impl.roi_pool, features, roi, (2, 0), why="output_size must be positive")


# An extra oracle where torchvision is installed (float64: torchvision quantises in the input dtype).

@pytest.mark.parametrize("size", [2, (3, 7)])
def test_matches_torchvision(impl, size):
    tv = pytest.importorskip("torchvision")
    import torch

    rng = np.random.default_rng(9)
    features = rng.normal(size=(2, 3, 9, 11))
    rois = random_rois(rng, 30, 2, 9, 11, scale=0.25)
    want = tv.ops.roi_pool(torch.from_numpy(features), torch.from_numpy(rois), pair(size), spatial_scale=0.25)
    check(impl, features, rois, size, 0.25, expected=want.numpy())
